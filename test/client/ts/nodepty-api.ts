// hp: see LICENSE.
// nodepty-api.ts: code written against node-pty's typings, as a front
// end uses them. It must compile unchanged against them and against
// share/hp/node/index.d.ts (types.test.js maps 'node-pty' to each).
import * as pty from 'node-pty';
import { IPty, IEvent, IDisposable, IPtyForkOptions, IBasePtyForkOptions,
	IWindowsPtyForkOptions, spawn } from 'node-pty';

const base: IBasePtyForkOptions = { name: 'xterm-256color', cols: 80,
	rows: 24, cwd: '/', env: { HOME: '/', UNSET: undefined },
	encoding: null, handleFlowControl: true, flowControlPause: '\x13',
	flowControlResume: '\x11' };
const unix: IPtyForkOptions = { ...base, uid: 0, gid: 0 };
const win: IWindowsPtyForkOptions = { ...base, useConpty: false,
	useConptyDll: false, conptyInheritCursor: false };

const term: IPty = pty.spawn('bash', ['-l'], unix);
const other: IPty = spawn('cmd.exe', '/c dir', win);
const data: IDisposable = term.onData((d: string) => { other.write(d); });
term.onExit(({ exitCode, signal }) => {
	const n: number = exitCode + (signal ?? 0);
	console.log(n, term.pid, term.cols, term.rows, term.process);
});
const resized: void = term.resize(100, 40);
term.handleFlowControl = false;
term.write(Buffer.from('ls\r'));
term.pause();
term.resume();
term.clear();
term.kill('SIGTERM');
term.kill();
data.dispose();

// A terminal of one's own, for tests or a remote one, with the same
// interface.
class Loopback implements IPty {
	readonly pid = 0;
	readonly cols = 80;
	readonly rows = 24;
	readonly process = 'loopback';
	handleFlowControl = false;
	private listeners: ((d: string) => void)[] = [];
	private exits: ((e: { exitCode: number, signal?: number }) =>
	    void)[] = [];
	readonly onData: IEvent<string> = (fn) => {
		this.listeners.push(fn);
		return { dispose: () => { this.listeners = []; } };
	};
	readonly onExit: IEvent<{ exitCode: number, signal?: number }> =
	    (fn) => {
		this.exits.push(fn);
		return { dispose: () => { this.exits = []; } };
	};
	resize(columns: number, rows: number): void {
		console.log(columns, rows);
	}
	clear(): void {}
	write(data: string | Buffer): void {
		this.listeners.forEach((fn) => fn(data.toString()));
	}
	kill(signal?: string): void {
		this.exits.forEach((fn) => fn({ exitCode: 0,
			signal: signal ? 1 : undefined }));
	}
	pause(): void {}
	resume(): void {}
}

const all: IPty[] = [term, other, new Loopback()];
console.log(all.length, resized);
