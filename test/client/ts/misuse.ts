// hp: see LICENSE.
// misuse.ts: what node-pty's typings refuse, and so must ours: a resize
// awaited as a promise, a class that lacks handleFlowControl.
import { IPty, spawn } from 'node-pty';

const p: Promise<void> = spawn('sh', [], {}).resize(1, 1);
class Half implements IPty {
	readonly pid = 0;
	readonly cols = 80;
	readonly rows = 24;
	readonly process = 'half';
	readonly onData = () => ({ dispose: () => {} });
	readonly onExit = () => ({ dispose: () => {} });
	resize(): void {}
	clear(): void {}
	write(): void {}
	kill(): void {}
	pause(): void {}
	resume(): void {}
}
console.log(p, Half);
