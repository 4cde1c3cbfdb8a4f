// hp: see LICENSE.
// terminal.js: node-pty's IPty over a foreground hp-pty: the program's
// terminal relayed over plain pipes; its size, the signals for its whole
// session and its foreground process over a control channel.
'use strict';

const { EventEmitter } = require('node:events');
const { spawn, execFileSync } = require('node:child_process');
const os = require('node:os');
const { StringDecoder } = require('node:string_decoder');
const { HpError, locate, run, parse, failure, execError,
	stateArgs } = require('./run');

let serial = 0;

// What node-pty leaves out of process.env when it is the environment
// given (hp-pty itself drops LINES and COLUMNS).
const SANITIZE = ['TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'WINDOWID',
	'TERMCAP', 'COLUMNS', 'LINES'];

/*
 * The control channel, hp-pty --control 3: descriptor 3 of hp-pty is one
 * end of a socket pair whose other end is ours. Both ways go frames: a
 * kind byte, the length of the payload in two bytes, big-endian (4096
 * at most), and the payload; a kind not known is skipped. Ours:
 *   s  "COLS ROWS": the terminal's size; its foreground group gets
 *      SIGWINCH.
 *   k  "N": signal N to the program's whole session (kill('SIGKILL')).
 *   x  empty: the program has exited (we reaped it): relay what is left
 *      and end.
 * hp-pty's:
 *   H  {"pid":N,...}: the program has exec'd as N, the process we
 *      spawned; the channel is up.
 *   E  {"code":"exec-failed","exit_code":127,"message":"..."}: it could
 *      not be started; the process we spawned exits with exit_code.
 *   F  {"pid":N,"name":"sleep"}: another process group has the terminal,
 *      named by its leader's argv[0].
 * The end of the channel hangs the terminal up: SIGHUP to its session,
 * then its stop signal, then SIGKILL. An hp-pty that does not list
 * --control in its usage gets none: the size then goes through hp-pty
 * resize, and the app's end hangs up through --eof-hangup.
 */
const FRAME_MAX = 4096;

function frame(kind, payload) {
	const p = Buffer.from(payload || '');
	const b = Buffer.alloc(3 + p.length);
	b[0] = kind.charCodeAt(0);
	b.writeUInt16BE(p.length, 1);
	p.copy(b, 3);
	return b;
}

// Call fn(kind, payload) for each whole frame read from stream.
function frames(stream, fn) {
	let buf = Buffer.alloc(0);
	stream.on('data', (b) => {
		buf = buf.length ? Buffer.concat([buf, b]) : b;
		while (buf.length >= 3) {
			const n = buf.readUInt16BE(1);
			if (n > FRAME_MAX) {
				stream.destroy();
				return;
			}
			if (buf.length < 3 + n)
				break;
			fn(String.fromCharCode(buf[0]),
			    buf.subarray(3, 3 + n).toString());
			buf = buf.subarray(3 + n);
		}
	});
}

// The usage of the hp-pty at file, asked once a file: whether it takes
// --control, and --spare.
const usages = new Map();

function usage(file) {
	if (!usages.has(file)) {
		let u = '';
		try {
			u = execFileSync(file, ['--help'], { timeout: 5000,
				stdio: ['ignore', 'pipe', 'ignore'] })
			    .toString();
		} catch (e) {
		}
		usages.set(file, u);
	}
	return usages.get(file);
}

function hasControl(file) {
	return /--control\b/.test(usage(file));
}

/*
 * Spares (the option spare, and spare()): an hp-pty started ahead,
 * hp-pty --control 3 --spare, one for each hp-pty file, waits for the
 * command line and the environment of the next terminal on its channel
 * (a frame of the arguments, one of the environment, then g),
 * and becomes the hp-pty they would have started: that terminal is
 * spared hp-pty's own start. The next spare is made once the terminal
 * that took one has its first output, or its end, so that its start
 * never delays them. A spare ends with us, at the end of its channel
 * (endSpares() ends them before); it holds no state and keeps no event
 * loop up.
 */
const spares = new Map();

function streams(c) {
	return [c.stdin, c.stdout, c.stderr, c.stdio[3]];
}

function makeSpare(file) {
	if (spares.has(file) || !/--spare\b/.test(usage(file)))
		return;
	let c;
	try {
		c = spawn(file, ['--control=3', '--spare'], { stdio: ['pipe',
			'pipe', 'pipe', 'pipe'], windowsHide: true });
	} catch (e) {
		return;
	}
	const gone = () => {
		if (spares.get(file) === c)
			spares.delete(file);
	};
	c.on('error', gone);
	c.on('exit', gone);
	for (const s of streams(c))
		if (s) {
			s.on('error', () => {});
			s.unref();
		}
	c.unref();
	spares.set(file, c);
}

// The strings of a, each ended by a NUL, as one payload; null when one
// holds a NUL itself (spawn() refuses it) or they exceed a frame of the
// spare's (65535 bytes).
function nuls(a) {
	if (a.some((v) => v.includes('\0')))
		return null;
	const b = Buffer.from(a.map((v) => v + '\0').join(''));
	return b.length <= 65535 ? b : null;
}

// The spare of file, given args and env, or null: none is ready, or what
// it would be told does not go in its frames.
function takeSpare(file, args, env) {
	const c = spares.get(file);
	if (!c || c.exitCode !== null || c.signalCode !== null ||
	    !c.stdio[3] || c.stdio[3].destroyed)
		return null;
	const a = nuls(args.map(String));
	const e = nuls(Object.keys(env).filter((k) => env[k] !== undefined)
	    .map((k) => k + '=' + env[k]));
	if (a === null || e === null)
		return null;
	const f = [frame('a', a), frame('e', e), frame('g', '')];
	spares.delete(file);
	for (const s of streams(c))
		s.ref();
	c.ref();
	c.stdio[3].write(Buffer.concat(f));
	return c;
}

// node-pty's check of an option: throws "name must be a string (not a
// object)"; falsy values are not checked, as there.
function checkType(name, v, type) {
	if (v && typeof v !== type)
		throw new Error(name + ' must be a ' + type + ' (not a ' +
		    typeof v + ')');
}

// node-pty takes args as one string on Windows only.
function unixArgs(args) {
	if (typeof args === 'string')
		throw new Error('args as a string is not supported on unix.');
}

// A size of the terminal, as node-pty takes it: a positive number,
// truncated; hp-pty's bound is 65535. why: node-pty's message.
function size(v, what, why) {
	const n = Math.trunc(v);
	if (typeof v !== 'number' || !(n >= 1) || n > 65535)
		throw new HpError((why || what + ' must be') + ' 1 to 65535: ' +
		    what + ' ' + v, 'usage', 2);
	return n;
}

const RESIZE = 'resizing must be done using positive cols and rows,';

// A decoder of chunks to text in enc, or none (null): Buffers as they
// are; null flushes it.
function decoder(enc) {
	if (!enc)
		return (b) => b === null ? '' : b;
	const d = new StringDecoder(enc);
	return (b) => b === null ? d.end() : d.write(b);
}

// An IDisposable, as node-pty's onData and onExit return.
function listen(em, ev, fn) {
	em.on(ev, fn);
	return { dispose: () => em.off(ev, fn) };
}

function signum(sig) {
	if (sig === undefined || sig === null)
		return os.constants.signals.SIGHUP;
	return typeof sig === 'number' ? sig : os.constants.signals[sig];
}

class Terminal extends EventEmitter {
	constructor(file, args, o) {
		super();
		o = o || {};
		this._o = o;
		this._checkOptions(o);
		this._bin = locate('hp-pty', o);
		this._want = null;
		this._resizing = null;
		this._done = false;
		this._destroyed = false;
		this._ctl = null;
		this._execFailed = null;
		this._head = null;
		// With --json, the first line of output is hp-pty's answer.
		this._answered = !this._headed;
		this.handleFlowControl = !!o.handleFlowControl;
		this._pauseText = o.flowControlPause || '\x13';
		this._resumeText = o.flowControlResume || '\x11';
		const r = this._argv(file, args, o);
		const env = r.env || o.env || process.env;
		const stdio = ['pipe', 'pipe', 'pipe'];
		if (r.control)
			stdio.push('pipe');
		// env is the program's whole environment, as with node-pty; it
		// goes in hp-pty's environment, not on its command line. A
		// spare was started elsewhere: its directory is said.
		const argv = stateArgs(o).concat(r.args);
		const spare = r.control && o.spare === true;
		const c = (spare && takeSpare(this._bin, (o.cwd ? [] :
		    ['-C', process.cwd()]).concat(argv), env)) ||
		    spawn(this._bin, argv, { env, stdio, windowsHide: true });
		this._child = c;
		this._pid = c.pid;
		const enc = o.encoding === null ? null : o.encoding || 'utf8';
		this._enc = enc;
		this._text = decoder(enc);
		this._stderr = '';
		const err = decoder(enc);
		c.stdout.on('data', (b) => this._output(b));
		// hp-pty's own messages (a command not found ...) are shown
		// in the terminal, as a program's would be.
		this._err = err;
		c.stderr.on('data', (b) => this._errData(b));
		c.stdin.on('error', () => {});
		if (r.control)
			this._channel(c.stdio[3]);
		if (spare) {
			// After the listeners of that output have had it.
			const next = () => {
				this.off('data', next);
				c.off('close', next);
				setImmediate(() => makeSpare(this._bin));
			};
			this.on('data', next);
			c.on('close', next);
		}
		let failed = null;
		c.on('error', (e) => {
			failed = execError('hp-pty', this._bin, e);
		});
		// The program has exited: the relay is told, so that it ends
		// even while processes it left behind hold the terminal.
		c.on('exit', () => this._send('x', ''));
		// 'close' comes after the last byte of stdout: every byte the
		// program wrote is delivered before its exit.
		c.on('close', (code, signal) => {
			this._data(this._text(null));
			this._done = true;
			if (this._ctl)
				this._ctl.destroy();
			this._finish(this._status(code, signal, failed));
		});
	}

	// node-pty's checks of its options, with its messages.
	_checkOptions(o) {
		for (const k of ['name', 'cwd', 'encoding'])
			checkType(k, o[k], 'string');
		for (const k of ['cols', 'rows', 'uid', 'gid'])
			checkType(k, o[k], 'number');
		checkType('env', o.env, 'object');
		this._cols = o.cols ? size(o.cols, 'cols') : 80;
		this._rows = o.rows ? size(o.rows, 'rows') : 24;
	}

	get _headed() {
		return false;
	}

	get pid() {
		return this._pid;
	}

	get cols() {
		return this._cols;
	}

	get rows() {
		return this._rows;
	}

	// The name of the program that has the terminal: node-pty's
	// process. With the channel, the foreground's; else the program's.
	get process() {
		return this._process;
	}

	// hp-pty's arguments after -S, its environment, and whether it
	// takes the control channel.
	_argv(file, args, o) {
		unixArgs(args);
		file = file || 'sh';
		if (typeof file !== 'string')
			throw new Error('file must be a string (not a ' +
			    typeof file + ')');
		const env = this._env(o);
		const a = this._common(o, env);
		a.push('--', file, ...(args || []).map(String));
		this._process = file;
		return { args: a, env, control: this._control };
	}

	// The options of a terminal in the foreground, for spawn and launch;
	// env is the program's.
	_common(o, env) {
		// hp-pty's name of the terminal, for resize; node-pty's name
		// is the terminal type, TERM.
		this.id = o.id || 'pty-' + process.pid + '-' + ++serial;
		this._control = hasControl(this._bin);
		const a = ['-n', this.id, '-c', String(this._cols), '-r',
			String(this._rows)];
		// Without the channel, the end of our pipe is the app's end.
		a.push(this._control ? '--control=3' : '--eof-hangup');
		// hp-pty's TERM is xterm-256color unless told.
		if (env.TERM)
			a.push('-T', env.TERM);
		if (o.cwd)
			a.push('-C', o.cwd);
		if (o.uid || o.gid)
			a.push('-u', String(o.uid || process.getuid()) +
			    (o.gid ? ':' + o.gid : ''));
		return a;
	}

	// The program's environment, as node-pty makes it: env or ours
	// (without what would mislead a program in a new terminal), PWD the
	// directory it starts in, TERM the name option, else that of env.
	_env(o) {
		const env = Object.assign({}, o.env || process.env);
		if (!o.env)
			for (const k of SANITIZE)
				delete env[k];
		env.PWD = o.cwd || process.cwd();
		// Else hp-pty's default, xterm-256color (node-pty's is xterm).
		if (o.name)
			env.TERM = o.name;
		return env;
	}

	_channel(sock) {
		this._ctl = sock;
		sock.on('error', () => {});
		frames(sock, (kind, p) => {
			const m = parse(p);
			if (kind === 'H')
				this._hello = m;
			else if (kind === 'E')
				this._execFailed = m || {};
			else if (kind === 'F' && m && m.name)
				this._process = m.name;
		});
	}

	_send(kind, payload) {
		if (this._ctl && !this._ctl.destroyed && this._ctl.writable)
			this._ctl.write(frame(kind, payload));
	}

	// A chunk of hp-pty's standard output, a Buffer: with a head (the
	// JSON line --json prints first), that line is the answer.
	_output(b) {
		if (this._answered)
			return this._data(this._text(b));
		const h = this._head ? Buffer.concat([this._head, b]) : b;
		const i = h.indexOf(10);
		if (i < 0) {
			this._head = h;
			return;
		}
		this._head = null;
		this._answered = true;
		this._answer(parse(h.subarray(0, i).toString()));
		if (i + 1 < h.length)
			this._data(this._text(h.subarray(i + 1)));
	}

	_data(d) {
		if (d.length > 0 && !this._destroyed)
			this.emit('data', d);
	}

	_errData(b) {
		this._stderr = (this._stderr + b).slice(-4096);
		const d = this._err(b);
		this._data(typeof d === 'string' ?
		    d.replace(/\r?\n/g, '\r\n') : d);
	}

	// What onExit gets once hp-pty has ended: code or signal is its
	// own, failed an HpError when it could not be run.
	_status(code, signal, failed) {
		if (failed)
			return { exitCode: failed.status, signal: 0,
				error: failed };
		// node-pty's number for a program that could not be started.
		if (this._execFailed || (!this._control && this._stderr &&
		    (code === 126 || code === 127)))
			return { exitCode: 1, signal: 0 };
		return this._waitStatus(code, signal);
	}

	// The program's status, as node-pty gives it: exitCode 0 and the
	// signal's number for a death by signal.
	_waitStatus(code, signal) {
		if (signal)
			return { exitCode: 0, signal: signum(signal) };
		// Without the channel, hp-pty's 128+N is the program's death
		// by signal N (as a program's own exit 128+N would be).
		if (!this._control && code > 128 && code < 128 + 65)
			return { exitCode: 0, signal: code - 128 };
		return { exitCode: code === null ? 0 : code, signal: 0 };
	}

	// node-pty's two ways to hear of the end: on('exit', (code, signal))
	// and onExit({exitCode, signal}).
	_finish(e) {
		this.emit('exit', e.exitCode, e.signal);
		this.emit('_exit', e);
	}

	// node-pty's events: functions of their own, so that they may be
	// passed around unbound.
	get onData() {
		return (fn) => listen(this, 'data', fn);
	}

	get onExit() {
		return (fn) => listen(this, '_exit', fn);
	}

	// With handleFlowControl, the pause and resume texts written whole
	// pause and resume the output instead of reaching the program.
	write(data) {
		if (this.handleFlowControl) {
			if (data === this._pauseText)
				return this.pause();
			if (data === this._resumeText)
				return this.resume();
		}
		if (!this._done && !this._destroyed)
			this._child.stdin.write(data, typeof data === 'string' ?
			    this._enc || 'utf8' : undefined);
	}

	// As node-pty: returns nothing, throws on a bad size. With the
	// channel the size goes at once; else through hp-pty resize, in
	// order, the latest winning, and a failure is dropped.
	resize(cols, rows) {
		cols = size(cols, 'cols', RESIZE);
		rows = size(rows, 'rows', RESIZE);
		this._cols = cols;
		this._rows = rows;
		if (this._done)
			return;
		if (this._control) {
			this._send('s', cols + ' ' + rows);
			return;
		}
		this._want = [cols, rows];
		if (!this._resizing)
			this._resizing = this._apply().catch(() => {})
			    .then(() => {
				this._resizing = null;
			    });
	}

	async _apply() {
		while (this._want) {
			const [c, r] = this._want;
			this._want = null;
			await this._resizeOnce(c, r);
		}
	}

	// hp-pty resize; until hp-pty has registered the terminal its name
	// is not found: try again, for at most 5 s, while it runs.
	async _resizeOnce(cols, rows) {
		const end = Date.now() + 5000;
		for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
			try {
				return await run('hp-pty', stateArgs(this._o)
				    .concat('resize', this.id, String(cols),
				    String(rows)), this._o);
			} catch (e) {
				if (this._done)
					return;
				const early = e.code === 'not-found' ||
				    e.code === 'not-running';
				if (!early || Date.now() > end)
					throw e;
			}
			await new Promise((res) => setTimeout(res, wait));
		}
	}

	// node-pty's kill(): the signal (SIGHUP unless told) to the program,
	// pid; SIGKILL to its whole session. An unknown signal is ignored.
	kill(signal) {
		const n = signum(signal);
		if (this._done || n === undefined)
			return;
		if (!this._control)
			return this._killPlain(n);
		if (n === os.constants.signals.SIGKILL)
			this._send('k', String(n));
		try {
			this._child.kill(n);
		} catch (e) {
		}
	}

	// Without the channel, pid is hp-pty's: SIGHUP, SIGINT and SIGTERM
	// hang the terminal up, a second signal (another one: the same one
	// may merge with the first) kills the session; any other signal it
	// cannot pass on.
	_killPlain(n) {
		const s = os.constants.signals;
		if (n === s.SIGKILL) {
			this._child.kill('SIGTERM');
			this._child.kill('SIGINT');
		} else if (n === s.SIGHUP || n === s.SIGINT ||
		    n === s.SIGTERM) {
			this._child.kill(n);
		} else if (!this._warned) {
			this._warned = true;
			process.emitWarning('hp-pty without --control cannot ' +
			    'pass signal ' + n + ' on to the program',
			    'HpWarning');
		}
	}

	// node-pty's destroy(): no more data; the terminal hangs up (the
	// end of the channel), and its program gets SIGHUP.
	destroy() {
		if (this._destroyed)
			return;
		this._destroyed = true;
		this._child.stdin.end();
		if (this._ctl)
			this._ctl.end();
		this.kill('SIGHUP');
	}

	// Flow control: while paused, hp-pty stops reading the terminal and
	// the program waits.
	pause() {
		this._child.stdout.pause();
	}

	resume() {
		this._child.stdout.resume();
	}

	// node-pty's clear() only does something on Windows.
	clear() {
	}
}

// A registered CLI tool in a terminal: hp-pty --json -t TOOL, whose
// first line of output is its cli-tool:launched event.
class Launched extends Terminal {
	get _headed() {
		return true;
	}

	constructor(tool, o) {
		super(tool, (o || {}).args, o);
		this._refused = null;
		this.launched = new Promise((res, rej) => {
			this._settle = { res, rej };
		});
		this.launched.catch(() => {});
		this.once('_exit', (e) => {
			if (!this._answered && this._head)
				this._answer(parse(this._head.toString()));
			this._settle.rej(e.error || failure('hp-pty',
			    this._refused, this._code, this._stderr, null));
		});
		this._child.once('exit', (code) => {
			this._code = code;
		});
	}

	_argv(tool, args, o) {
		if (typeof tool !== 'string' || tool === '')
			throw new HpError('launch: a tool id is required',
			    'usage', 2);
		unixArgs(args);
		const env = this._env(o);
		const a = ['--json', '-t', tool].concat(this._common(o, env));
		a.push('--', ...(args || []).map(String));
		this._process = tool;
		return { args: a, env, control: this._control };
	}

	// hp-pty's stderr: its cli-tool:version line, when the version was
	// probed after the launch, is an event, not the terminal's text.
	_errData(b) {
		let rest = this._errRest ? Buffer.concat([this._errRest, b]) : b;
		this._errRest = null;
		while (rest.length > 0) {
			const nl = rest.indexOf(10);
			if (rest[0] !== 0x7b || (nl === -1 && rest.length > 65536)) {
				const end = nl === -1 ? rest.length : nl + 1;
				super._errData(rest.subarray(0, end));
				rest = rest.subarray(end);
				continue;
			}
			if (nl === -1) {
				this._errRest = rest;	// the rest of a line to come
				return;
			}
			const line = rest.subarray(0, nl + 1);
			rest = rest.subarray(nl + 1);
			const r = parse(line.toString());
			if (r && r.event === 'cli-tool:version')
				this.emit('version', r);
			else
				super._errData(line);
		}
	}

	_answer(r) {
		if (r && r.event === 'cli-tool:launched') {
			if (r.path)
				this._process = r.path;
			this.emit('launched', r);
			this._settle.res(r);
		} else {
			this._refused = r || null;
		}
	}
}

// spare(o): a spare for the terminals of options o, started now, unless
// one waits: the first terminal() with spare: true is spared hp-pty's
// start too.
function spare(o) {
	makeSpare(locate('hp-pty', o || {}));
}

// endSpares(): the spares end; resolves once they have.
function endSpares() {
	const all = [...spares.values()];
	spares.clear();
	return Promise.all(all.map((c) => new Promise((res) => {
		if (c.exitCode !== null || c.signalCode !== null)
			return res();
		c.once('exit', () => res());
		c.ref();	// for the wait
		c.stdio[3].destroy();
	})));
}

// terminal(file, args, {name, cols, rows, cwd, env, encoding, uid, gid,
// handleFlowControl, flowControlPause, flowControlResume, id, bin,
// stateDir, spare}): node-pty's spawn. Throws an HpError with code
// not-installed when hp-pty is not found.
function terminal(file, args, o) {
	return new Terminal(file, args, o);
}

// launch(tool, {args, ...the options of terminal()}): the registry's
// tool in a terminal; .launched is its cli-tool:launched event.
function launch(tool, o) {
	return new Launched(tool, o);
}

module.exports = { Terminal, Launched, terminal, launch, spawn: terminal,
	spare, endSpares, size, checkType };
