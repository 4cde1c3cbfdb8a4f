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
		a.push('-c', String(size(o.cols, 80, 'cols')));
	if (o.rows !== undefined)
		a.push('-r', String(size(o.rows, 24, 'rows')));
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
	constructor(name, o) {
		super(name, null, o);
		this._head = null;
		this._answered = false;
		this._refused = null;
		this._detaching = false;
		this._stderr = '';
		this._child.stderr.on('data', (b) => {
			this._stderr = (this._stderr + b).slice(-4096);
		});
		this.attached = new Promise((res, rej) => {
			this._settle = { res, rej };
		});
		this.attached.catch(() => {});
		this._ended = new Promise((res) => this.once('exit', res));
	}

	_argv(name, args, o) {
		need(name, 'attach');
		this.id = name;
		this.process = name;
		this.cols = size(o.cols, 0, 'cols');
		this.rows = size(o.rows, 0, 'rows');
		if (!this.cols !== !this.rows)
			throw new HpError('attach: cols and rows go together',
			    'usage', 2);
		// Every byte written is for the program: detach() detaches.
		const a = ['--json', '--detach-key', 'none'];
		if (this.cols)
			a.push('-c', String(this.cols), '-r',
			    String(this.rows));
		if (o.replay !== undefined)
			a.push('--replay', String(o.replay));
		return a.concat('attach', name);
	}

	_output(b) {
		if (this._answered)
			return super._output(b);
		const h = this._head ? Buffer.concat([this._head, b]) : b;
		const i = h.indexOf(10);
		if (i < 0) {
			this._head = h;
			return;
		}
		this._head = null;
		this._answer(parse(h.subarray(0, i).toString()));
		if (i + 1 < h.length)
			super._output(h.subarray(i + 1));
	}

	_answer(r) {
		this._answered = true;
		if (!r || r.ok !== true) {
			this._refused = r || null;
			return;
		}
		if (!this.cols) {
			this.cols = r.cols;
			this.rows = r.rows;
		}
		this._settle.res(r);
	}

	// The program's status when it ended; detached when our client
	// ended and the program goes on; error when we never attached.
	_status(code, signal, failed) {
		if (!this._answered && this._head)
			this._answer(parse(this._head.toString()));
		const e = failed || (this._refused !== null || !this._answered ?
		    failure('hp-pty', this._refused, code, this._stderr,
		    signal) : null);
		if (e) {
			this._settle.rej(e);
			return { exitCode: typeof e.status === 'number' ?
			    e.status : 1, signal: 0, error: e };
		}
		if (signal || (code === 0 && this._detaching))
			return { exitCode: 0, signal: 0, detached: true };
		return super._status(code, signal, null);
	}

	write(data) {
		if (!this._detaching)
			super.write(data);
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

// attach(name, {cols, rows, replay, encoding, bin, stateDir, env}).
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
