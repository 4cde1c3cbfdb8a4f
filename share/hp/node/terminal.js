// hp: see LICENSE.
// terminal.js: node-pty's IPty over a foreground hp-pty: the program's
// terminal relayed over plain pipes, resized through hp-pty resize.
'use strict';

const { EventEmitter } = require('node:events');
const { spawn } = require('node:child_process');
const os = require('node:os');
const { StringDecoder } = require('node:string_decoder');
const { HpError, locate, run, execError, stateArgs } = require('./run');

let serial = 0;

function size(v, def, what) {
	if (v === undefined)
		return def;
	if (!Number.isInteger(v) || v <= 0 || v > 65535)
		throw new HpError('terminal: bad ' + what + ': ' + v, 'usage',
		    2);
	return v;
}

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

class Terminal extends EventEmitter {
	constructor(file, args, o) {
		super();
		this._o = o;
		this._bin = locate('hp-pty', o);
		this._want = null;
		this._resizing = null;
		this._done = false;
		const a = stateArgs(o).concat(this._argv(file, args, o));
		// env is the program's whole environment, as with node-pty; it
		// goes in hp-pty's environment, not on its command line.
		const c = spawn(this._bin, a, { env: o.env || process.env,
			stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
		this._child = c;
		this.pid = c.pid;
		const enc = o.encoding === null ? null : o.encoding || 'utf8';
		this._text = decoder(enc);
		const err = decoder(enc);
		c.stdout.on('data', (b) => this._output(b));
		// hp-pty's own messages (a command not found ...) are shown
		// in the terminal, as a program's would be.
		c.stderr.on('data', (b) => {
			const d = err(b);
			this._data(typeof d === 'string' ?
			    d.replace(/\r?\n/g, '\r\n') : d);
		});
		c.stdin.on('error', () => {});
		let failed = null;
		c.on('error', (e) => {
			failed = execError('hp-pty', this._bin, e);
		});
		// 'close' comes after the last byte of stdout: every byte the
		// program wrote is delivered before its exit.
		c.on('close', (code, signal) => {
			this._data(this._text(null));
			this._done = true;
			this.emit('exit', this._status(code, signal, failed));
		});
	}

	// hp-pty's arguments after -S: those of the foreground.
	_argv(file, args, o) {
		this.cols = size(o.cols, 80, 'cols');
		this.rows = size(o.rows, 24, 'rows');
		// hp-pty's name of the terminal, for resize; node-pty's name
		// is the terminal type, TERM.
		this.id = o.id || 'pty-' + process.pid + '-' + ++serial;
		this.process = file || os.userInfo().shell || 'sh';
		const a = ['-n', this.id, '-c', String(this.cols), '-r',
			String(this.rows)];
		if (o.cwd)
			a.push('-C', o.cwd);
		if (o.name)
			a.push('-T', o.name);
		if (file)
			a.push('--', file, ...[].concat(args || []));
		return a;
	}

	// A chunk of hp-pty's standard output, a Buffer.
	_output(b) {
		this._data(this._text(b));
	}

	_data(d) {
		if (d.length > 0)
			this.emit('data', d);
	}

	// What onExit gets once hp-pty has ended: code or signal is its
	// own, failed an HpError when it could not be run.
	_status(code, signal, failed) {
		if (failed)
			return { exitCode: failed.status, signal: 0 };
		return { exitCode: code === null ? 0 : code,
			signal: signal ? os.constants.signals[signal] : 0 };
	}

	onData(fn) {
		return listen(this, 'data', fn);
	}

	onExit(fn) {
		return listen(this, 'exit', fn);
	}

	write(data) {
		if (!this._done)
			this._child.stdin.write(data);
	}

	// Resizes are applied in order, the latest winning; the promise
	// (node-pty returns nothing) settles once hp-pty has set the size
	// and the foreground group has SIGWINCH. Ignored, it never becomes
	// an unhandled rejection.
	resize(cols, rows) {
		cols = size(cols, undefined, 'cols');
		rows = size(rows, undefined, 'rows');
		this.cols = cols;
		this.rows = rows;
		this._want = [cols, rows];
		if (!this._resizing)
			this._resizing = this._apply().finally(() => {
				this._resizing = null;
			});
		const p = this._resizing;
		p.catch(() => {});
		return p;
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

	// node-pty's kill(): SIGHUP unless told, to hp-pty, which ends the
	// program and its session.
	kill(signal) {
		if (!this._done)
			this._child.kill(signal || 'SIGHUP');
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

// terminal(file, args, {name, cols, rows, cwd, env, encoding, id}):
// throws an HpError with code not-installed when hp-pty is not found.
function terminal(file, args, o) {
	return new Terminal(file, args, o || {});
}

module.exports = { Terminal, terminal, spawn: terminal, size };
