// hp: see LICENSE.
// manager.js: ProcessManager, an EventEmitter over one hp-supervise that
// lives as long as this Node.js process, and the verbs of the commands.
'use strict';

const { EventEmitter } = require('node:events');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const { HpError, locate, run, parse, failure, execError, envOf,
	stateArgs, lines, dur } = require('./run');
const { detect, install } = require('./detect');

// hp-spawn's options that take one value, by their name in spawn().
const VALUE = {
	name: ['-n'], type: ['-t'], cwd: ['-C'], stopSignal: ['--stop-signal'],
	stopTimeout: ['--stop-timeout', dur],
	backoffMin: ['--backoff-min', dur],
	backoffMax: ['--backoff-max', dur], maxRestarts: ['--max-restarts'],
	restartWindow: ['--restart-window', dur],
	circuitReset: ['--circuit-reset', dur], readyFd: ['--ready-fd'],
	readyCheck: ['--ready-check'], readyTimeout: ['--ready-timeout', dur],
	waitReady: ['--wait-ready', dur], health: ['--health'],
	memoryMax: ['--memory-max'], cpuMax: ['--cpu-max'],
	limitInterval: ['--limit-interval', dur], instances: ['-i'],
};

// A list as one value of hp.conf(5), each word kept whole (a backslash
// before what would split or quote it).
function words(v) {
	return [].concat(v).map((w) =>
		String(w).replace(/[^\w./*?@%+=:,-]/g, '\\$&')).join(' ');
}

function restartArg(r) {
	return r === true ? 'always' : r === false ? 'no' : String(r);
}

// What hp-spawn leaves out of the environment it inherits, so that an
// Electron main process does not pass them on by mistake; given in env,
// they are meant, and go as -e.
const DROPPED = ['ELECTRON_RUN_AS_NODE', 'ELECTRON_NO_ATTACH_CONSOLE',
	'NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE'];

// The argument vector of hp-spawn for spawn(options), and the
// environment it runs with: the variables of env are given in its
// environment, which it records, rather than on a command line that
// every user can read; with clearEnv they must go as -e.
function spawnArgs(s, o) {
	if (!s || typeof s.command !== 'string' || s.command === '')
		throw new HpError('spawn: command is required', 'usage', 2);
	const a = [];
	for (const k of Object.keys(VALUE))
		if (s[k] !== undefined && s[k] !== null)
			a.push(VALUE[k][0], (VALUE[k][1] || String)(s[k]));
	if (s.restart !== undefined)
		a.push('-r', restartArg(s.restart));
	for (const n of [].concat(s.after || []))
		a.push('--after', n);
	for (const l of [].concat(s.listen || []))
		a.push('--listen', l);
	if (s.watch !== undefined)
		a.push('-o', 'watch=' + words(s.watch));
	if (s.watchIgnore !== undefined)
		a.push('-o', 'watch-ignore=' + words(s.watchIgnore));
	if (s.watchDelay !== undefined)
		a.push('-o', 'watch-delay=' + dur(s.watchDelay));
	if (s.restartAt !== undefined)
		a.push('-o', 'restart-at=' + s.restartAt);
	if (s.runAt !== undefined)
		a.push('-o', 'run-at=' + s.runAt);
	for (const f of [].concat(s.envFile || []))
		a.push('--env-file', f);
	for (const k of Object.keys(s.options || {}))
		a.push('-o', k + '=' + s.options[k]);
	for (const k of Object.keys(s.limits || {}))
		a.push('--limit', k + '=' + s.limits[k]);
	const env = envOf(o);
	if (s.clearEnv)
		a.push('-E');
	for (const k of Object.keys(s.env || {})) {
		if (s.clearEnv || DROPPED.includes(k))
			a.push('-e', k + '=' + s.env[k]);
		else
			env[k] = String(s.env[k]);
		// Over the files, its value still not on the command line.
		if (s.envFile && !s.clearEnv && !DROPPED.includes(k))
			a.push('-e', k);
	}
	return { args: stateArgs(o).concat(a, '--', s.command, s.args || []),
		env };
}

// Every exit status: hp-spawn -w exits with the program's.
const ANY = Array.from({ length: 256 }, (_, i) => i);

class ProcessManager extends EventEmitter {
	// options: bin (the directory of the commands), stateDir, env (of
	// the commands), supervisorArgs (more options of hp-supervise),
	// events (['output', 'metrics']: process:output, process:metrics),
	// audit (a file every event is appended to: --audit).
	// config (an hp.conf(5) to keep, -f) and its profile (--profile).
	// parentGrace ('10s'): when this process ends, the supervisor keeps
	// everything so long for the next one (--parent-grace), whose start()
	// then joins it rather than being refused.
	constructor(options) {
		super();
		this.options = Object.assign({}, options);
		this.child = null;
		this.pid = null;
		this._stderr = '';
		this._exited = null;
		this._joined = false;	// this.child follows one running
		this._asked = new Map();	// tag: the answer awaited
		this._tags = 0;
		this._tag = 't' + crypto.randomBytes(4).toString('hex') + '.';
		this._tagged = false;	// it answers =TAG on its output
	}

	// start(): the supervisor; start(name): the verb start. With
	// parentGrace, a supervisor that runs on the state directory already
	// is joined (_join) where it would refuse (exists).
	start(name, o) {
		if (name !== undefined)
			return this._verb('start', name, timeout(o), o);
		const launched = this._launch();
		if (this.options.parentGrace === undefined)
			return launched;
		return launched.catch((e) => e instanceof HpError &&
		    e.code === 'exists' && !this.child ? this._join() :
		    Promise.reject(e));
	}

	// Start hp-supervise --json --parent <our pid>: it shuts down with
	// everything it keeps when this process ends, even by SIGKILL; its
	// standard input is a pipe from us too (--exit-with-stdin), closed
	// by the kernel when we die. Resolves with supervisor:started.
	_launch() {
		if (this.child)
			return Promise.reject(new HpError('start: the ' +
			    'supervisor runs already', 'exists', 1));
		const o = this.options;
		let file;
		try {
			file = locate('hp-supervise', o);
		} catch (e) {
			return Promise.reject(e);
		}
		const args = ['--json', '--parent', String(process.pid),
			'--exit-with-stdin'].concat(stateArgs(o),
			o.events && o.events.length ? ['--events',
			[].concat(o.events).join(',')] : [],
			o.audit ? ['--audit', path.resolve(String(o.audit))] : [],
			o.config ? ['-f', o.config] : [],
			o.parentGrace !== undefined ? ['--parent-grace',
			dur(o.parentGrace)] : [],
			o.profile ? ['--profile', o.profile] : [],
			o.supervisorArgs || []);
		const child = spawn(file, args, { env: envOf(o),
			stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
		this.child = child;
		this._exited = new Promise((res) => child.once('close',
		    (code, signal) => res({ code, signal })));
		return new Promise((resolve, reject) => {
			let started = null;
			let error = null;
			let refused;
			child.on('error', (e) => {
				error = execError('hp-supervise', file, e);
			});
			child.stderr.setEncoding('utf8');
			child.stderr.on('data', (d) => {
				this._stderr = (this._stderr + d).slice(-4096);
			});
			lines(child.stdout, (l) => {
				const e = parse(l);
				if (!e || typeof e !== 'object')
					return;
				if (typeof e.answer === 'string' && !e.event) {
					this._answer(e.answer, e);
					return;
				}
				if (e.error && !e.event) {
					refused = e;
					return;
				}
				if (e.event === 'supervisor:started' ||
				    e.event === 'supervisor:upgraded')
					this._tagged = e.tags === true;
				this.emit('event', e);
				this.emit(e.event, e);
				if (!started &&
				    e.event === 'supervisor:started') {
					started = e;
					this.pid = e.pid;
					resolve(e);
				}
			});
			child.once('close', (code, signal) => {
				this.child = null;
				this.pid = null;
				this._tagged = false;
				for (const tag of Array.from(this._asked.keys()))
					this._answer(tag, { ok: false, code:
					    'failed', message: 'the supervisor ' +
					    'ended before it answered' });
				if (!started)
					reject(error || failure('hp-supervise',
					    refused, code, this._stderr,
					    signal));
				this.emit('exit', { code, signal });
			});
		});
	}

	// Join the supervisor that runs already, as the next instance of an
	// application that started it with parentGrace and quit: its events
	// come through hp-ls -w (this.child), once that listens, and this
	// process is made its parent (hp-supervise parent PID). Resolves with
	// supervisor:adopted; shutdown() ends it as one started here.
	_join() {
		const o = this.options;
		let file;
		try {
			file = locate('hp-ls', o);
		} catch (e) {
			return Promise.reject(e);
		}
		const child = spawn(file, ['--json', '-w'].concat(stateArgs(o)),
		    { env: envOf(o), stdio: ['pipe', 'pipe', 'pipe'],
		    windowsHide: true });
		this.child = child;
		this._joined = true;
		this._exited = new Promise((res) => child.once('close',
		    (code, signal) => res({ code, signal })));
		child.on('error', () => {});
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (d) => {
			this._stderr = (this._stderr + d).slice(-4096);
		});
		lines(child.stdout, (l) => {
			const e = parse(l);
			if (!e || typeof e !== 'object' || !e.event)
				return;
			this.emit('event', e);
			this.emit(e.event, e);
			// Its last word: nothing more will come.
			if (e.event === 'supervisor:shutdown' && e.pid === this.pid)
				child.kill('SIGTERM');
		});
		child.once('close', () => {
			this.child = null;
			this.pid = null;
			this._joined = false;
			this.emit('exit', { code: null, signal: null });
		});
		const fifo = path.join(stateDir(o), 'events', child.pid + '.1');
		return listening(fifo, child).then(() => run('hp-supervise',
		    stateArgs(o).concat('parent', String(process.pid)), o))
		    .then((r) => {
			this.pid = r.pid;
			return { event: 'supervisor:adopted', pid: r.pid,
				parent: r.parent, was: r.was,
				processes: r.processes };
		}, (e) => {
			child.kill('SIGTERM');
			throw e;
		});
	}

	// Let this process end while the supervisor runs: the supervisor
	// then shuts down with everything it keeps (--parent, and the end of
	// its standard input).
	unref() {
		const c = this.child;
		if (c) {
			c.unref();
			for (const p of [c.stdin, c.stdout, c.stderr])
				p.unref();
		}
		return this;
	}

	// The supervisor's own message lines (standard error), the last 4 KiB.
	get stderr() {
		return this._stderr;
	}

	spawn(s) {
		let r;
		try {
			r = spawnArgs(s, this.options);
		} catch (e) {
			return Promise.reject(e);
		}
		return run('hp-spawn', r.args, Object.assign({}, this.options,
		    { env: r.env }));
	}

	// exec(command, args, s): run command once under the supervisor and
	// wait for its end, as execFile() does: resolves with { name, code,
	// signal, stdout, stderr, truncated } whatever its exit status;
	// stdout and stderr are kept up to 1 MiB each. s: spawn()'s options.
	exec(command, args, s) {
		let r;
		try {
			r = spawnArgs(Object.assign({ type: 'system' }, s,
			    { command, args: args || [] }), this.options);
		} catch (e) {
			return Promise.reject(e);
		}
		return run('hp-spawn', ['-w'].concat(r.args), Object.assign({},
		    this.options, { env: r.env }), ANY).then((x) => ({
			name: x.name, code: x.exit_code, signal: x.exit_signal ?
			    'SIG' + x.exit_signal : null, stdout: x.stdout,
			stderr: x.stderr, truncated: x.truncated }));
	}

	// A verb of hp-supervise on names: the answer for name, or the
	// array of answers when names is an array, 'all' or a pattern
	// ('web-*'): one for each process matched.
	_verb(verb, names, more, o) {
		const list = [].concat(names);
		const cmd = () => run('hp-supervise', stateArgs(this.options)
		    .concat(more || [], verb, list), this.options);
		const direct = this._direct(verb, list, o);
		return (direct ? direct.catch((e) => e === AGAIN ? cmd() :
		    Promise.reject(e)) : cmd()).then((r) => many(names) ? r :
		    r[0]);
	}

	// start, stop and restart of names (no pattern, not all) put to the
	// supervisor this manager started, not one it joined, where it says
	// it answers so: a line each to its control FIFO, in one write,
	// their answers read from its output (hp(7), control: "=TAG"), with
	// no hp-supervise process between. The same wait as the command's:
	// o.timeout (ms), else its patience, both the requests' deadline and
	// how long the answers are waited for. Resolves as the command
	// would; null: not put.
	_direct(verb, names, o) {
		const o2 = this.options;
		const list = Array.from(new Set(names));
		const t = o && o.timeout !== undefined ? o.timeout : null;
		if (!DIRECT.includes(verb) || !this.child || this._joined ||
		    !this.pid || !this._tagged || (o2.supervisorArgs || [])
		    .some((a) => /^(-S|--state-dir)/.test(a)) ||
		    list.length === 0 || !list.every(plain) || (t !== null &&
		    (typeof t !== 'number' || !(Math.round(t) >= 1) ||
		    Math.round(t) > TIMER_MAX)))
			return null;
		const dir = stateDir(o2);
		const wait = t !== null ? Math.round(t) :
		    Math.min(patience(dir, verb, list), TIMER_MAX);
		const deadline = Date.now() + wait;
		const asks = list.map((name) => ({ name,
			tag: this._tag + ++this._tags }));
		const text = asks.map((a) => '@3 ' + deadline + ' =' + a.tag +
		    ' ' + process.geteuid() + ' ' + process.pid + ' ' + verb +
		    ' ' + a.name + '\n').join('');
		if (Buffer.byteLength(text) > PIPE_BUF ||
		    !send(path.join(dir, 'control'), text))
			return null;
		const answers = asks.map((a) => new Promise((resolve) =>
		    this._asked.set(a.tag, resolve)));
		// Given up on once the wall clock has passed the deadline, as
		// the command gives up, so that it is never carried out after
		// (a timer may fire a little early by that clock); a second
		// more at most, should that clock have stepped back.
		const t0 = performance.now();
		const expire = () => {
			const left = deadline - Date.now();
			if (left >= 0 && performance.now() - t0 < wait + 1000) {
				timer = setTimeout(expire, Math.min(left + 1,
				    1000));
				return;
			}
			for (const a of asks)
				this._answer(a.tag, null);
		};
		let timer = setTimeout(expire, wait);
		return Promise.all(answers).then((said) => {
			clearTimeout(timer);
			// A supervisor on its way out: the command asks the next.
			if (said.some((x) => x && x.code === 'exiting'))
				return Promise.reject(AGAIN);
			const out = said.map((x, i) => result(x, asks[i].name));
			const bad = out.filter((r) => !r.ok);
			if (bad.length)
				return Promise.reject(failure('hp-supervise',
				    out, 1, bad.map((r) => 'hp-supervise: ' +
				    r.name + ': ' + r.error.message + '\n')
				    .join(''), null));
			return out;
		});
	}

	// The answer for tag (null: none in time), to whoever waits for it.
	_answer(tag, e) {
		const resolve = this._asked.get(tag);
		if (resolve) {
			this._asked.delete(tag);
			resolve(e);
		}
	}

	stop(name, o) {
		return this._verb('stop', name, timeout(o), o);
	}

	restart(name, o) {
		return this._verb('restart', name, timeout(o), o);
	}

	// A new run of name, ready before the old one goes; with instances,
	// one at a time. Rejects (reload-failed) when it does not get ready.
	reload(name, o) {
		return this._verb('reload', name, timeout(o));
	}

	// n instances of name: started or removed; the others untouched.
	scale(name, n, o) {
		return run('hp-supervise', stateArgs(this.options).concat(
		    timeout(o), 'scale', name, String(n)), this.options)
		    .then((r) => r[0]);
	}

	remove(name, o) {
		return this._verb('remove', name, timeout(o));
	}

	signal(sig, name, o) {
		return run('hp-supervise', stateArgs(this.options).concat(
		    timeout(o), 'signal', String(sig), [].concat(name)),
		    this.options).then((r) => many(name) ? r : r[0]);
	}

	// Until name (each of its instances, each process 'all' or a pattern
	// matches) is in state ('running', 'ready', 'stopped' ...): the array
	// of {name, ok, state, pid}. Rejects with the code timeout after
	// o.timeout, with not-found for a name nobody has.
	wait(name, state, o) {
		return run('hp-supervise', stateArgs(this.options).concat(
		    timeout(o), 'wait', name, state), this.options);
	}

	// Send message, any JSON value, to the node process name: its
	// answer, as stop() gives one ({name, ok, pid}).
	send(name, message, o) {
		return run('hp-supervise', stateArgs(this.options).concat(
		    timeout(o), 'send', name, JSON.stringify(message)),
		    this.options).then((r) => r[0]);
	}

	// hp-ls --json: every process, or the named ones.
	list(names) {
		return run('hp-ls', stateArgs(this.options).concat(
		    names === undefined ? [] : names), this.options);
	}

	status(name) {
		return this.list([name]).then((r) => r[0]);
	}

	// hp-health --json: the checks' results, or with none the health of
	// the whole state directory. Unhealthy is an answer, not an error.
	health(checks) {
		return run('hp-health', stateArgs(this.options).concat(
		    checks || []), this.options, [0, 1]);
	}

	// hp-supervise save: every process of the state directory as one
	// hp.conf, mode 0600, that start() with supervisorArgs ['-f', file]
	// or hp-supervise -f brings back; without file, the default
	// (~/.config/hp/saved.conf). Resolves with {file, processes}.
	save(file) {
		return run('hp-supervise', stateArgs(this.options).concat(
		    'save', file === undefined ? [] : [file]), this.options);
	}

	// hp-supervise startup: what starts the saved file at boot (system)
	// or login (user), as text; written where it belongs with write.
	// o: {file, user, system, format, write}. Resolves with {format,
	// scope, path, written, commands, text}; no command is run.
	startup(o) {
		o = o || {};
		const a = [].concat(o.user ? ['--user'] : [],
		    o.system ? ['--system'] : [],
		    o.format ? ['--format', o.format] : [],
		    o.write ? ['--write'] : [],
		    o.file === undefined ? [] : [o.file]);
		return run('hp-supervise', stateArgs(this.options).concat(
		    'startup', a), this.options);
	}

	// Shut the supervisor down gracefully; resolves once it has exited,
	// with its exit status when it is ours ({running, code, signal}).
	// Ours is also sent SIGTERM, which means the same to it, when the
	// verb cannot reach it (its lock or FIFO gone), so that it never
	// outlives this call.
	shutdown(o) {
		const child = this.child;
		const verb = run('hp-supervise', stateArgs(this.options).concat(
		    timeout(o), 'shutdown'), this.options);
		if (!child)
			return verb;
		const done = this._exited;
		// Joined: the supervisor is not our child, its follower is.
		if (this._joined)
			return verb.finally(() => {
				child.kill('SIGTERM');
				return done;
			});
		return verb.catch((e) => e).then((r) => {
			if (r instanceof Error || r.running === false)
				child.kill('SIGTERM');
			return done.then((x) => Object.assign(
			    { running: false }, x));
		});
	}

	// hp-supervise upgrade [PATH]: the supervisor hands itself over, in
	// place, to the hp-supervise at file (after an application's update,
	// the new one's); resolves with its answer.
	upgrade(file, o) {
		return run('hp-supervise', stateArgs(this.options).concat(
		    timeout(o), 'upgrade', file === undefined ? [] :
		    [path.resolve(String(file))]), this.options);
	}

	detect(ids, o) {
		return detect(ids, Object.assign({}, this.options, o));
	}

	// install(id, onProgress): each progress event is also emitted.
	install(id, onProgress, o) {
		return install(id, (e) => {
			this.emit('event', e);
			this.emit(e.event, e);
			if (onProgress)
				onProgress(e);
		}, Object.assign({}, this.options, o));
	}

	terminal(file, args, o) {
		return require('./terminal').terminal(file, args,
		    Object.assign({}, this.options, o));
	}

	launch(tool, o) {
		return require('./terminal').launch(tool,
		    Object.assign({}, this.options, o));
	}

	// A detached terminal of this supervisor, and a client of one;
	// their terminal:activity events come as the others do.
	detached(file, args, o) {
		return require('./detached').detached(file, args,
		    Object.assign({}, this.options, o));
	}

	attach(name, o) {
		return require('./detached').attach(name,
		    Object.assign({}, this.options, o));
	}
}

// The verbs _direct() puts, the names it takes (hp_ref_ok()), the most
// it writes at once (PIPE_BUF's least: a write that no other client's
// lines can split), and the longest wait a timer takes.
const DIRECT = ['start', 'stop', 'restart'];
const PIPE_BUF = 512;
const TIMER_MAX = 2147483647;
const AGAIN = Symbol('again');

// ms of a duration as the files of the state directory say it ("2000ms",
// "10s", "1.5m"; a bare number is seconds), or null.
function ms(v) {
	const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v === undefined ? '' :
	    v.trim());
	return m ? Math.floor(Number(m[1]) * { ms: 1, s: 1e3, m: 6e4,
		h: 36e5 }[m[2] || 's']) : null;
}

// The value of key in a file of KEY = VALUE lines, or undefined.
function value(file, key) {
	let text;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (e) {
		return undefined;
	}
	const m = new RegExp('^' + key + ' = (.*)$', 'm').exec(text);
	return m ? m[1] : undefined;
}

// How long hp-supervise waits for the answers of verb on names when not
// told (cmd/hp-supervise.c, patience()): the longest stop timeout among
// them and 5 s more, and for a start the most it may wait in the queue.
function patience(dir, verb, names) {
	let t = 0;
	for (const n of names) {
		const stop = ms(value(path.join(dir, 'procs', n.split(':')[0],
		    'spec'), 'stop-timeout'));
		t = Math.max(t, (stop === null ? 10000 : stop) + 5000);
	}
	if (verb === 'start' || verb === 'restart') {
		const q = ms(value(path.join(dir, 'limits'), 'queue-timeout'));
		t += q === null ? 30000 : q;
	}
	return t;
}

function plain(name) {
	const m = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?::([1-9][0-9]*))?$/
	    .exec(name);
	return m !== null && name !== 'all' && (m[1] === undefined ||
	    Number(m[1]) <= 256);
}

// text, in one write, to the FIFO at file, ours, that a reader holds
// open: false when it could not be (no reader, full, not a FIFO).
function send(file, text) {
	const c = fs.constants;
	let fd;
	try {
		fd = fs.openSync(file, c.O_WRONLY | c.O_NONBLOCK |
		    (c.O_NOFOLLOW || 0));
		const st = fs.fstatSync(fd);
		return st.isFIFO() && st.uid === process.geteuid() &&
		    fs.writeSync(fd, text) === Buffer.byteLength(text);
	} catch (e) {
		return false;
	} finally {
		if (fd !== undefined)
			fs.closeSync(fd);
	}
}

// One answer as hp-supervise --json gives it (cmd/hp-supervise.c,
// result()): x, the supervisor's, or null when none came in time.
function result(x, name) {
	x = x || { ok: false, code: 'timeout', message: 'no answer in time' };
	const ok = x.ok === true;
	const r = { name, ok };
	if (typeof x.state === 'string' && x.state)
		r.state = x.state;
	r.pid = Number.isInteger(x.pid) ? x.pid : 0;
	if (typeof x.stopped_by === 'string' && x.stopped_by)
		r.stopped_by = x.stopped_by;
	if (typeof x.resisted === 'string' && x.resisted)
		r.resisted = x.resisted;
	if (Number.isInteger(x.instances))
		r.instances = x.instances;
	if (!ok)
		r.error = { code: x.code || 'timeout', message: x.message ||
		    'failed' };
	return r;
}

// Names the answer to which is an array: several, 'all', a pattern.
function many(names) {
	return Array.isArray(names) || names === 'all' ||
	    /[*?[]/.test(names);
}

// o.timeout: the verb's -t, how long it waits for its answer, and the
// deadline its request carries (hp(7), control: version 2): a request
// the supervisor reads after it, stopped or busy until then, is not
// carried out, and the verb rejects with code timeout. Without it, the
// command's own patience (the stop timeouts of the names) is both.
function timeout(o) {
	return o && o.timeout !== undefined ? ['-t', dur(o.timeout)] : [];
}

// The state directory the commands use for o, found as they find it
// (hp(7)): -S, $HP_STATE_DIR, $XDG_RUNTIME_DIR/hp, $TMPDIR/hp-UID.
function stateDir(o) {
	const env = o.env || process.env;
	if (o.stateDir)
		return path.resolve(String(o.stateDir));
	if (env.HP_STATE_DIR)
		return path.resolve(env.HP_STATE_DIR);
	if (env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR[0] === '/')
		return path.join(env.XDG_RUNTIME_DIR, 'hp');
	const tmp = env.TMPDIR && env.TMPDIR[0] === '/' ? env.TMPDIR : '/tmp';
	return path.join(tmp, 'hp-' + process.geteuid());
}

// Once hp-ls -w (child) has made its FIFO: it hears every event after.
// Bounded: after 5 s, or once it ended, on all the same.
function listening(fifo, child) {
	const end = Date.now() + 5000;
	return new Promise((resolve) => {
		const look = () => {
			if (fs.existsSync(fifo) || child.exitCode !== null ||
			    child.signalCode !== null || Date.now() > end)
				return resolve();
			setTimeout(look, 5);
		};
		look();
	});
}

module.exports = { ProcessManager, spawnArgs, dur };
