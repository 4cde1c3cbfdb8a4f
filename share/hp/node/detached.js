// hp: see LICENSE.
// detached.js: terminals the supervisor keeps (hp-pty -d): make one,
// attach to it as node-pty's IPty (hp-pty attach), type into it (hp-pty
// send).
'use strict';

const { Terminal, size } = require('./terminal');
const { HpError, run, parse, failure, stateArgs, dur } = require('./run');

// The options of the commands run here: not the program's directory,
// which is no place for them to run in.
function opts(o, more) {
	return Object.assign({}, o, { cwd: undefined }, more);
}

function need(name, verb) {
	if (typeof name !== 'string' || name === '')
		throw new HpError(verb + ': a terminal name is required',
		    'usage', 2);
}

// hp-pty -d's arguments for detached(file, args, o).
function detachArgs(file, args, o) {
	const a = ['-d'];
	if (o.id)
		a.push('-n', o.id);
	if (o.cols !== undefined)
		a.push('-c', String(size(o.cols, 'cols')));
	if (o.rows !== undefined)
		a.push('-r', String(size(o.rows, 'rows')));
	if (o.cwd)
		a.push('-C', o.cwd);
	if (o.name)
		a.push('-T', o.name);
	if (o.scrollback !== undefined)
		a.push('--scrollback', String(o.scrollback));
	if (o.quiet !== undefined)
		a.push('--quiet', dur(o.quiet));
	for (const k of Object.keys(o.options || {}))
		a.push('-o', k + '=' + o.options[k]);
	if (file)
		a.push('--', file, ...[].concat(args || []));
	return stateArgs(o).concat(a);
}

// detached(file, args, o): hand a terminal running file to the
// supervisor, started when none runs; resolves with its name and pid.
// Its environment is o.env (else ours), given to hp-pty in its own.
function detached(file, args, o) {
	o = o || {};
	let a;
	try {
		a = detachArgs(file, args, o);
	} catch (e) {
		return Promise.reject(e);
	}
	return run('hp-pty', a, opts(o)).then((r) => ({ name: r.name,
		pid: r.pid, state: r.state }));
}

// A client of a detached terminal: hp-pty attach, whose first line of
// output (--json) is the supervisor's answer; the rest is the terminal.
class Attached extends Terminal {
	get _headed() {
		return true;
	}

	constructor(name, o) {
		super(name, null, o);
		this._detaching = false;
		this._refused = null;
		this.attached = new Promise((res, rej) => {
			this._settle = { res, rej };
		});
		this.attached.catch(() => {});
		this._ended = new Promise((res) => this.once('_exit', res));
	}

	// Its size is the terminal's unless given: 0 until the answer.
	_checkOptions(o) {
		super._checkOptions(Object.assign({}, o, { cols: undefined,
			rows: undefined }));
		this._cols = o.cols === undefined ? 0 : size(o.cols, 'cols');
		this._rows = o.rows === undefined ? 0 : size(o.rows, 'rows');
		if (!this._cols !== !this._rows)
			throw new HpError('attach: cols and rows go together',
			    'usage', 2);
	}

	_argv(name, args, o) {
		need(name, 'attach');
		this.id = name;
		this._process = name;
		// Every byte written is for the program: detach() detaches.
		const a = ['--json', '--detach-key', 'none'];
		if (this._cols)
			a.push('-c', String(this._cols), '-r',
			    String(this._rows));
		if (o.replay !== undefined)
			a.push('--replay', String(o.replay));
		if (o.draw === false)
			a.push('--no-draw');
		return { args: a.concat('attach', name) };
	}

	_answer(r) {
		if (!r || r.ok !== true) {
			this._refused = r || null;
			return;
		}
		if (!this._cols) {
			this._cols = r.cols;
			this._rows = r.rows;
		}
		this._settle.res(r);
	}

	// The program's status when it ended; detached when our client
	// ended and the program goes on; error when we never attached.
	_status(code, signal, failed) {
		if (!this._answered && this._head) {
			this._answered = true;
			this._answer(parse(this._head.toString()));
		}
		const e = failed || (this._refused !== null ||
		    !this._answered ? failure('hp-pty', this._refused, code,
		    this._stderr, signal) : null);
		if (e) {
			this._settle.rej(e);
			return { exitCode: typeof e.status === 'number' ?
			    e.status : 1, signal: 0, error: e };
		}
		if (signal || (code === 0 && this._detaching))
			return { exitCode: 0, signal: 0, detached: true };
		return this._waitStatus(code, signal);
	}

	write(data) {
		if (!this._detaching)
			super.write(data);
	}

	// As terminal()'s, and a promise that settles once the size is set
	// (hp-pty resize), which may be ignored: it never rejects.
	resize(cols, rows) {
		super.resize(cols, rows);
		return this._resizing || Promise.resolve();
	}

	// A size set before the attach would be undone by it.
	async _resizeOnce(cols, rows) {
		if (await this.attached.then(() => true, () => false))
			return super._resizeOnce(cols, rows);
	}

	// End our client only: the program goes on. Resolves with what
	// onExit gets.
	detach() {
		if (!this._done) {
			this._detaching = true;
			this._child.stdin.end();
		}
		return this._ended;
	}

	// Our client goes; the program goes on.
	destroy() {
		this.detach();
		this._destroyed = true;
	}

	// Stop the program through the supervisor (hang-up, then its stop
	// signal, then SIGKILL), or send it signal; resolves with the
	// supervisor's answer. Our client ends when the program does.
	kill(signal) {
		const a = signal === undefined ? ['stop', this.id] :
		    ['signal', String(signal), this.id];
		const p = run('hp-supervise', stateArgs(this._o).concat(a),
		    opts(this._o)).then((r) => r[0]);
		p.catch(() => {});
		return p;
	}
}

// attach(name, {cols, rows, replay, draw, encoding, bin, stateDir, env}).
function attach(name, o) {
	return new Attached(name, o || {});
}

// send(name, text, o): type text, as it is, into the terminal name;
// o.enter adds Enter (a carriage return). Resolves with the answer.
function send(name, text, o) {
	o = o || {};
	try {
		need(name, 'send');
	} catch (e) {
		return Promise.reject(e);
	}
	let input = text === undefined || text === null ? '' : text;
	if (o.enter)
		input = Buffer.concat([Buffer.from(input), Buffer.from('\r')]);
	return run('hp-pty', stateArgs(o).concat('send', name),
	    opts(o, { input }));
}

module.exports = { Attached, attach, detached, send };
