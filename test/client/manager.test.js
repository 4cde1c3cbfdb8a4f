// hp: see LICENSE.
// manager.test.js: ProcessManager against the real commands of cmd/.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, BIN, hp, waitUntil, alive, leftovers, setup,
	rejects } = require('./helpers');

// The events of pm, kept in order of arrival.
function record(pm) {
	const ev = [];
	pm.on('event', (e) => ev.push(e));
	return ev;
}

function names(ev, name) {
	return ev.filter((e) => e.name === name).map((e) => e.event);
}

test('start() resolves with supervisor:started; events come in order',
    async (t) => {
	const s = setup(t);
	const pm = s.manager();
	const ev = record(pm);
	const started = [];
	pm.on('process:started', (e) => started.push(e.name));
	const e = await pm.start();
	assert.strictEqual(e.event, 'supervisor:started');
	assert.ok(alive(e.pid));
	assert.strictEqual(pm.pid, e.pid);
	const web = await pm.spawn({ name: 'web', command: 'sleep',
		args: ['100'] });
	assert.strictEqual(web.state, 'running');
	await pm.stop('web');
	await waitUntil(() => names(ev, 'web').includes('process:stopped'));
	assert.deepStrictEqual(names(ev, 'web'), ['process:started',
		'process:ready', 'process:stopped']);
	assert.deepStrictEqual(started, ['web']);
	for (let i = 1; i < ev.length; i++)
		assert.ok(ev[i].seq > ev[i - 1].seq, 'seq not increasing');
	assert.match(ev[0].ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test("restart('all'), stop of a pattern, wait(name, state) answer for " +
    'each process matched', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	for (const name of ['api', 'web-1', 'web-2'])
		await pm.spawn({ name, command: 'sleep', args: ['100'] });
	const all = await pm.restart('all');
	assert.deepStrictEqual(all.map((x) => [x.name, x.ok, x.state]),
	    [['api', true, 'running'], ['web-1', true, 'running'],
		['web-2', true, 'running']]);
	const stopped = await pm.stop('web-*');
	assert.deepStrictEqual(stopped.map((x) => [x.name, x.state]),
	    [['web-1', 'stopped'], ['web-2', 'stopped']]);
	assert.strictEqual((await pm.status('api')).state, 'running');
	const w = await pm.wait('web-*', 'stopped', { timeout: 5000 });
	assert.deepStrictEqual(w.map((x) => [x.name, x.ok, x.state]),
	    [['web-1', true, 'stopped'], ['web-2', true, 'stopped']]);
	const e = await rejects(pm.wait('api', 'stopped', { timeout: 100 }),
	    'timeout', 1);
	assert.strictEqual(e.message, 'api: running, not stopped, after ' +
	    '100ms');
	await rejects(pm.stop('nothing-*'), 'not-found', 1);
	await rejects(pm.wait('api', 'sleeping'), 'usage', 2);
	const ready = await pm.wait('a*', 'ready', { timeout: 5000 });
	assert.deepStrictEqual(ready.map((x) => x.name), ['api']);
});

test('spawn, list, status, restart, stop answer with the JSON of the ' +
    'commands', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const web = await pm.spawn({ name: 'web', command: 'sleep',
		args: ['100'], env: { GREETING: 'hello world' },
		stopTimeout: 2000 });
	assert.strictEqual(web.name, 'web');
	assert.ok(web.pid > 0);
	const env = fs.readFileSync('/proc/' + web.pid + '/environ', 'utf8');
	assert.ok(env.split('\0').includes('GREETING=hello world'));
	const spec = fs.readFileSync(path.join(s.stateDir, 'procs', 'web',
	    'spec'), 'utf8');
	assert.match(spec, /^stop-timeout = 2000ms$/m);
	// Not on the command line of hp-spawn, which anyone may read.
	assert.doesNotMatch(spec, /hello world.*hello world/s);
	const list = await pm.list();
	assert.deepStrictEqual(list.map((p) => [p.name, p.state, p.pid]),
	    [['web', 'running', web.pid]]);
	const st = await pm.status('web');
	assert.strictEqual(st.pid, web.pid);
	const r = await pm.restart('web');
	assert.strictEqual(r.ok, true);
	assert.notStrictEqual(r.pid, web.pid);
	assert.ok(!alive(web.pid));
	const stop = await pm.stop(['web']);
	assert.deepStrictEqual(stop.map((x) => [x.name, x.state]),
	    [['web', 'stopped']]);
	assert.strictEqual((await pm.status('web')).state, 'stopped');
	const again = await pm.start('web');
	assert.strictEqual(again.state, 'running');
});

// bin: a directory of the commands of BIN, each of which first writes
// its arguments, a line, to the file log.
function wrapped(s) {
	const bin = path.join(s.tmp, 'bin');
	const log = path.join(s.tmp, 'log');
	fs.mkdirSync(bin);
	for (const c of ['hp-supervise', 'hp-spawn', 'hp-ls'])
		fs.writeFileSync(path.join(bin, c), '#!/bin/sh\n' +
		    'printf \'%s\\n\' "$*" >>\'' + log + '\'\n' +
		    'exec \'' + path.join(BIN, c) + '\' "$@"\n',
		{ mode: 0o755 });
	return { bin, asked: () => fs.readFileSync(log, 'utf8')
		.split('\n').filter(Boolean) };
}

test('start, stop and restart of names go to the supervisor started ' +
    'here by its control FIFO, and answer as hp-supervise does',
    async (t) => {
	const s = setup(t);
	const l = wrapped(s);
	const pm = s.manager({ bin: l.bin });
	await pm.start();
	for (const name of ['web', 'api'])
		await pm.spawn({ name, command: 'sleep', args: ['100'] });
	const before = l.asked().length;
	const stop = await pm.stop('web');
	const start = await pm.start(['web']);
	const restart = await pm.restart('web', { timeout: 5000 });
	const nope = await rejects(pm.stop(['api', 'nope']), 'not-found', 1);
	assert.strictEqual(l.asked().length, before, 'no hp-supervise: ' +
	    l.asked().slice(before));
	// The same through the command: only the pid differs.
	const cmd = (v, n) => new Promise((res) => require('node:child_process')
	    .execFile(path.join(BIN, 'hp-supervise'), ['--json', '-S',
		s.stateDir, v, n], (e, out, err) => res([JSON.parse(out),
		e ? e.code : 0, err])));
	const pids = (x) => x.map((r) => Object.assign({}, r, { pid:
		r.pid > 0 }));
	const [cstop] = await cmd('stop', 'api');
	assert.deepStrictEqual([stop], pids(cstop).map((r) =>
	    Object.assign(r, { name: 'web', pid: 0 })));
	assert.deepStrictEqual(pids(start), pids((await cmd('start',
	    'api'))[0]).map((r) => Object.assign(r, { name: 'web' })));
	assert.deepStrictEqual(pids([restart]), pids((await cmd('restart',
	    'api'))[0]).map((r) => Object.assign(r, { name: 'web' })));
	const [cnope, status, err] = await cmd('stop', 'nope');
	assert.deepStrictEqual(nope.result[1], cnope[0]);
	assert.deepStrictEqual([nope.status, nope.message], [status,
		'nope: no such process']);
	assert.strictEqual(nope.stderr, err);
	assert.strictEqual(nope.result[0].state, 'stopped');
	// A name twice is asked once, as the command asks it.
	assert.deepStrictEqual(pids(await pm.start(['web', 'web'])),
	    pids((await cmd('start', 'api'))[0]).map((r) =>
	    Object.assign(r, { name: 'web' })));
	assert.strictEqual(l.asked().length, before + 0);
	// A pattern, and all, go as they did: through the command; so does
	// a timeout the command alone takes (a string, none, past a timer).
	await pm.stop('w*');
	assert.match(l.asked().pop(), / stop w\*$/);
	assert.strictEqual((await pm.status('web')).state, 'stopped');
	await rejects(pm.start('web', { timeout: 0 }), 'usage', 2);
	assert.match(l.asked().pop(), / -t 0ms start web$/);
	await pm.start('web', { timeout: 2 ** 31 });
	assert.match(l.asked().pop(), / -t 2147483648ms start web$/);
});

test('a verb put by the control FIFO waits as long as the command: not ' +
    'carried out past that', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const web = await pm.spawn({ name: 'web', command: 'sleep',
		args: ['100'], stopTimeout: 100 });
	process.kill(pm.pid, 'SIGSTOP');
	// Before its shutdown (t.after would come after it).
	s.atEnd(async () => pm.pid && process.kill(pm.pid, 'SIGCONT'));
	// Its patience: the stop timeout and 5 s.
	const t0 = Date.now();
	await rejects(pm.stop('web'), 'timeout', 1);
	const waited = Date.now() - t0;
	assert.ok(waited >= 5100 && waited < 8000, waited + ' ms');
	process.kill(pm.pid, 'SIGCONT');
	await waitUntil(() => /past its deadline/.test(pm.stderr));
	assert.strictEqual((await pm.status('web')).pid, web.pid);
});

test('a verb put by the control FIFO rejects when the supervisor ends ' +
    'before its answer', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	const sup = await pm.start();
	const held = await pm.spawn({ name: 'held', command: 'sh', args: ['-c',
		'trap "" TERM; while :; do sleep 1; done'], stopTimeout: 3000 *
		(Number(process.env.HP_TEST_SLOW) || 1) });
	const stop = pm.stop('held');
	await waitUntil(() => pm.list(['held']).then(([p]) =>
	    p.state === 'stopping'));
	process.kill(sup.pid, 'SIGKILL');
	// Bounded: an answer never settled would hang the suite.
	const e = await rejects(Promise.race([stop, new Promise((res, rej) =>
	    setTimeout(() => rej(new Error('not settled in 10 s')), 10000)
	    .unref())]), 'failed', 1);
	assert.strictEqual(e.message, 'held: the supervisor ended before ' +
	    'it answered');
	// The next takes it back, and its shutdown ends it.
	const next = s.manager();
	await next.start();
	await next.shutdown();
	assert.ok(!alive(held.pid));
});

test('exec() runs a command once and resolves as execFile() does',
    async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const r = await pm.exec('sh', ['-c', 'echo out; echo err >&2; exit 3'],
	    { name: 'once' });
	assert.deepStrictEqual(r, { name: 'once', code: 3, signal: null,
		stdout: 'out\n', stderr: 'err\n', truncated: false });
	const k = await pm.exec('sh', ['-c', 'kill -9 $$']);
	assert.deepStrictEqual([k.code, k.signal], [null, 'SIGKILL']);
	const [info] = await pm.list(['once']);
	assert.deepStrictEqual([info.type, info.state, info.restarts],
	    ['system', 'exited', 0]);
	await rejects(pm.exec(''), 'usage', 2);
});

test('spawn() maps its options to hp-spawn; env given is meant, ' +
    'ELECTRON_RUN_AS_NODE included', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	// What the ready check of app connects to.
	const srv = require('node:net').createServer((c) => c.destroy());
	await new Promise((res) => srv.listen(0, '127.0.0.1', res));
	t.after(() => srv.close());
	const tcp = 'tcp://127.0.0.1:' + srv.address().port;
	await pm.spawn({ name: 'db', command: 'sleep', args: ['100'] });
	const r = await pm.spawn({ name: 'app', command: 'sleep',
		args: ['100'], cwd: s.tmp, restart: true, stopSignal: 'INT',
		backoffMin: 50, backoffMax: '2s', maxRestarts: 3,
		readyCheck: tcp, readyTimeout: 5000, after: 'db',
		waitReady: 5000, limits: { nofile: 256 }, memoryMax: '1G',
		options: { 'health-interval': '10s' },
		env: { ELECTRON_RUN_AS_NODE: '1', ONE: 'x' } });
	assert.strictEqual(r.state, 'running');
	const spec = fs.readFileSync(path.join(s.stateDir, 'procs', 'app',
	    'spec'), 'utf8');
	for (const l of ['dir = ' + s.tmp, 'restart = always',
		'stop-signal = INT', 'backoff-min = 50ms', 'max-restarts = 3',
		'ready-check = ' + tcp, 'after = db', 'limit-nofile = 256',
		'env = ELECTRON_RUN_AS_NODE=1', 'env = ONE=x'])
		assert.ok(spec.split('\n').includes(l), l + ' in:\n' + spec);
	const c = await pm.spawn({ name: 'clean', command: 'sleep',
		args: ['100'], clearEnv: true, env: { ONLY: 'this' } });
	const env = fs.readFileSync('/proc/' + c.pid + '/environ', 'utf8')
	    .split('\0').filter(Boolean);
	assert.deepStrictEqual(env, ['ONLY=this']);
});

test('a crash comes as process:crashed and process:restarting; ' +
    'signal() and remove()', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	const ev = record(pm);
	const crashed = [];
	const restarting = [];
	pm.on('process:crashed', (e) => crashed.push(e));
	pm.on('process:restarting', (e) => restarting.push(e));
	await pm.start();
	const w = await pm.spawn({ name: 'w', command: 'sleep',
		args: ['100'], backoffMin: 10, backoffMax: 20 });
	const r = await pm.signal('KILL', 'w');
	assert.strictEqual(r.ok, true);
	await waitUntil(() => names(ev, 'w').filter((e) =>
	    e === 'process:ready').length === 2, 10000, 'a restart');
	assert.strictEqual(crashed.length, 1);
	assert.strictEqual(restarting[0].attempt, 1);
	assert.ok(restarting[0].delay_ms >= 0);
	assert.deepStrictEqual(names(ev, 'w'), ['process:started',
		'process:ready', 'process:exited', 'process:crashed',
		'process:restarting', 'process:started', 'process:ready']);
	const now = await pm.status('w');
	assert.notStrictEqual(now.pid, w.pid);
	assert.strictEqual(now.restarts, 1);
	await pm.remove('w');
	assert.deepStrictEqual(await pm.list(), []);
	assert.ok(!alive(now.pid));
});

test('a failure rejects with the code and exit status of the command',
    async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	await pm.spawn({ name: 'web', command: 'sleep', args: ['100'] });
	let e = await rejects(pm.spawn({ name: 'web', command: 'sleep',
		args: ['1'] }), 'exists', 1);
	assert.match(e.message, /name in use/);
	e = await rejects(pm.spawn({ name: 'bad', command: 'nonexistent-cmd' }),
	    'exec-failed', 127);
	assert.match(e.stderr, /command not found|No such file/);
	fs.writeFileSync(path.join(s.tmp, 'plain'), 'x\n', { mode: 0o644 });
	await rejects(pm.spawn({ name: 'bad2',
		command: path.join(s.tmp, 'plain') }), 'exec-failed', 126);
	await rejects(pm.stop('nope'), 'not-found', 1);
	e = await rejects(pm.stop(['web', 'nope']), 'not-found', 1);
	assert.deepStrictEqual(e.result.map((x) => x.ok), [true, false]);
	await rejects(pm.status('no/such'), 'usage', 2);
	await rejects(pm.spawn({ name: 'x' }), 'usage', 2);
	await rejects(pm.spawn({ name: 'x', command: 'sleep',
		restart: 'sometimes' }), 'usage', 2);
	await rejects(pm.send('web', { hi: 1 }), 'not-node', 1);
	await rejects(pm.start(), 'exists', 1);
});

test('a second supervisor on the same state directory is refused',
    async (t) => {
	const s = setup(t);
	const a = s.manager();
	await a.start();
	const b = s.manager();
	const e = await rejects(b.start(), 'exists', 1);
	assert.match(e.message, /already supervised/);
	assert.strictEqual(b.child, null);
	const c = s.manager({ supervisorArgs: ['--max-procs', '0'] });
	await rejects(c.start(), 'usage', 2);
});

test('health() answers for the state directory and for checks',
    async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	await pm.spawn({ name: 'web', command: 'sleep', args: ['100'] });
	const h = await pm.health();
	assert.strictEqual(h.healthy, true);
	assert.deepStrictEqual(h.services.map((x) => x.name), ['web']);
	const c = await pm.health(['proc:web', 'proc:nope']);
	assert.deepStrictEqual(c.map((x) => [x.check, x.healthy]),
	    [['proc:web', true], ['proc:nope', false]]);
	await rejects(pm.health(['https://example.org/']), 'usage', 2);
});

test('send() reaches a node process; its answer is a process:message',
    async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const got = [];
	pm.on('process:message', (e) => got.push(e.message));
	await pm.spawn({ name: 'echo', type: 'node',
		command: path.join(ROOT, 'test', 'node', 'echo.js') });
	await waitUntil(() => got.length > 0);
	assert.deepStrictEqual(got[0], { ready: true, n: 1 });
	const r = await pm.send('echo', { cmd: 'add', a: [1, 'two'] });
	// One answer, as stop() gives: the pid it went to.
	const [info] = await pm.list(['echo']);
	assert.deepStrictEqual(r, { name: 'echo', ok: true, pid: info.pid });
	await waitUntil(() => got.length > 1);
	assert.deepStrictEqual(got[1].echo, { cmd: 'add', a: [1, 'two'] });
});

test('save() writes what runs, 0600, that -f brings back; startup() ' +
    'tells what starts it', async (t) => {
	const s = setup(t);
	const home = path.join(s.tmp, 'home');
	const pm = s.manager({ env: Object.assign({}, s.env, { HOME: home,
		XDG_CONFIG_HOME: '' }) });
	await pm.start();
	await pm.spawn({ name: 'web', command: 'sleep', args: ['100'],
		env: { TOKEN: 'hush' }, stopTimeout: 45000 });
	const file = path.join(home, '.config', 'hp', 'saved.conf');
	assert.deepStrictEqual(await pm.save(), { file, processes: 1 });
	assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
	const other = path.join(s.tmp, 'other.conf');
	assert.deepStrictEqual(await pm.save(other),
	    { file: other, processes: 1 });
	const spec = (dir) => fs.readFileSync(path.join(dir, 'procs', 'web',
	    'spec'), 'utf8').split('\n').filter((l) =>
	    !l.startsWith('config = ')).join('\n');
	const before = spec(s.stateDir);
	assert.ok(before.includes('env = TOKEN=hush'));
	const u = await pm.startup({ format: 'systemd', user: true });
	assert.strictEqual(u.written, false);
	assert.strictEqual(u.scope, 'user');
	assert.strictEqual(u.path, path.join(home, '.config', 'systemd',
	    'user', 'hp.service'));
	assert.strictEqual(u.commands[0], 'systemctl --user daemon-reload');
	assert.ok(u.text.includes('\nTimeoutStopSec=55\n'));
	assert.ok(u.text.includes(' -f ' + file + '\n'));
	assert.ok(!fs.existsSync(u.path));
	await pm.shutdown();
	// Brought back by a supervisor of -f, in a state directory anew.
	const again = path.join(s.tmp, 'again');
	const back = s.manager({ stateDir: again,
		supervisorArgs: ['-f', file] });
	await back.start();
	await waitUntil(() => fs.existsSync(path.join(again, 'procs', 'web',
	    'pid')));
	assert.strictEqual(spec(again), before);
	await back.shutdown();
});

test('shutdown() stops everything and resolves once the supervisor ' +
    'has exited', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	const ev = record(pm);
	let exit = null;
	pm.on('exit', (e) => { exit = e; });
	const sup = await pm.start();
	const a = await pm.spawn({ name: 'a', command: 'sleep',
		args: ['100'] });
	const b = await pm.spawn({ name: 'b', command: 'sleep',
		args: ['100'] });
	const r = await pm.shutdown();
	assert.deepStrictEqual(r, { running: false, code: 0, signal: null });
	assert.deepStrictEqual(exit, { code: 0, signal: null });
	assert.strictEqual(pm.child, null);
	assert.strictEqual(pm.pid, null);
	assert.strictEqual(ev[ev.length - 1].event, 'supervisor:shutdown');
	for (const pid of [sup.pid, a.pid, b.pid])
		assert.ok(!alive(pid));
	assert.deepStrictEqual(leftovers(s.stateDir), []);
});

test('events: [\'output\'] brings a process:output a line, out and err ' +
    'told apart; without it none comes', async (t) => {
	const s = setup(t);
	const pm = s.manager({ events: ['output'] });
	const out = [];
	pm.on('process:output', (e) => out.push(e));
	await pm.start();
	await pm.spawn({ name: 'talk', command: 'sh', args: ['-c',
		'echo one; echo "two  2" >&2; printf "part"; sleep 0.2; ' +
		'echo ial; exec sleep 100'] });
	await waitUntil(() => out.some((e) => e.text === 'ial'), 10000,
	    'the end of the partial line');
	const lines = out.map((e) => e.stream + ':' + e.text +
	    (e.partial ? '+' : ''));
	assert.deepStrictEqual(lines.filter((l) => l.startsWith('out')),
	    ['out:one', 'out:part+', 'out:ial']);
	assert.deepStrictEqual(lines.filter((l) => l.startsWith('err')),
	    ['err:two  2']);
	for (const e of out) {
		assert.strictEqual(e.name, 'talk');
		assert.strictEqual(e.seq, undefined);
		assert.ok(e.pid > 0);
	}
	// Not in events.log: only those who asked get them.
	const log = fs.readFileSync(path.join(s.stateDir, 'events.log'),
	    'utf8');
	assert.ok(!log.includes('process:output'));
	// A manager that did not ask hears none.
	const quiet = s.manager({ stateDir: path.join(s.stateDir, 'q') });
	const heard = [];
	quiet.on('event', (e) => heard.push(e.event));
	await quiet.start();
	await quiet.spawn({ name: 'talk', command: 'sh', args: ['-c',
		'echo one; exec sleep 100'] });
	// The log is made with the first line written to it.
	const qlog = path.join(s.stateDir, 'q', 'procs', 'talk', 'log');
	await waitUntil(() => fs.existsSync(qlog) &&
	    fs.readFileSync(qlog, 'utf8').includes('one'), 10000, 'log');
	await quiet.stop('talk');
	assert.ok(!heard.includes('process:output'));
});

test('audit: every event goes to the file too; process:started says ' +
    'for whom', async (t) => {
	const s = setup(t);
	const file = path.join(s.stateDir, '..', 'audit.log');
	const pm = s.manager({ audit: file });
	const started = [];
	pm.on('process:started', (e) => started.push(e));
	await pm.start();
	await pm.spawn({ name: 'web', command: 'sleep', args: ['100'] });
	await waitUntil(() => started.length === 1, 10000, 'process:started');
	assert.strictEqual(started[0].by, 'request');
	assert.deepStrictEqual(started[0].argv, ['sleep', '100']);
	assert.strictEqual(started[0].requester.uid, process.getuid());
	await rejects(pm.stop('nosuch'), 'not-found');
	await waitUntil(() => fs.readFileSync(file, 'utf8')
	    .includes('request:refused'), 10000, 'the refusal');
	const kept = fs.readFileSync(file, 'utf8').trim().split('\n')
	    .map((l) => JSON.parse(l));
	assert.deepStrictEqual(kept.map((e) => e.event).slice(0, 3),
	    ['supervisor:started', 'process:started', 'process:ready']);
	assert.strictEqual(kept[1].pid, started[0].pid);
});

test('events: [\'metrics\'] brings process:metrics at each sample',
    async (t) => {
	const s = setup(t);
	const conf = path.join(s.stateDir, '..', 'fast.conf');
	fs.writeFileSync(conf, '[supervisor]\nmetrics-interval = 200ms\n');
	const pm = s.manager({ events: ['metrics'],
		supervisorArgs: ['-f', conf] });
	const m = [];
	pm.on('process:metrics', (e) => m.push(e));
	await pm.start();
	const web = await pm.spawn({ name: 'web', command: 'sleep',
		args: ['100'] });
	await waitUntil(() => m.length >= 2, 10000, 'two samples');
	assert.strictEqual(m[0].name, 'web');
	assert.strictEqual(m[0].pid, web.pid);
	assert.ok(m[0].rss_bytes > 0);
	assert.strictEqual(m[0].processes, 1);
	assert.strictEqual(typeof m[0].cpu_percent, 'number');
	assert.strictEqual(m[0].seq, undefined);
});

test('shutdown() ends its supervisor even when the verb cannot reach ' +
    'it', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	const sup = await pm.start();
	const a = await pm.spawn({ name: 'a', command: 'sleep',
		args: ['100'] });
	// Without its lock file, the supervisor looks gone to the verbs.
	fs.unlinkSync(path.join(s.stateDir, 'lock'));
	const r = await pm.shutdown();
	assert.deepStrictEqual(r, { running: false, code: 0, signal: null });
	assert.ok(!alive(sup.pid) && !alive(a.pid));
});

test('a verb given up on while the supervisor was stopped is not ' +
    'carried out after SIGCONT', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	const ev = record(pm);
	await pm.start();
	const web = await pm.spawn({ name: 'web', command: 'sleep',
		args: ['100'] });
	const db = await pm.spawn({ name: 'db', command: 'sleep',
		args: ['100'] });
	process.kill(pm.pid, 'SIGSTOP');
	// Before its shutdown (t.after would come after it).
	s.atEnd(async () => pm.pid && process.kill(pm.pid, 'SIGCONT'));
	// Each request carries its deadline: 200 ms from now.
	const late = [pm.stop('web', { timeout: 200 }),
		pm.restart('web', { timeout: '200ms' }),
		pm.signal('TERM', ['db'], { timeout: 200 })];
	// Each rejection is caught from the start: they may come in any order.
	await Promise.all(late.map((p) => rejects(p, 'timeout', 1)));
	process.kill(pm.pid, 'SIGCONT');
	await waitUntil(() => (pm.stderr.match(/past its deadline/g) ||
	    []).length === 3, 10000, 'three requests refused');
	for (const [name, pid] of [['web', web.pid], ['db', db.pid]]) {
		const now = await pm.status(name);
		assert.strictEqual(now.state, 'running');
		assert.strictEqual(now.pid, pid);
		assert.ok(alive(pid));
	}
	assert.deepStrictEqual(names(ev, 'web'), ['process:started',
		'process:ready']);
	assert.deepStrictEqual(names(ev, 'db'), ['process:started',
		'process:ready']);
	// One within its deadline is carried out.
	const r = await pm.stop('web', { timeout: '10s' });
	assert.strictEqual(r.state, 'stopped');
	assert.ok(!alive(web.pid));
});

test('without start(), hp-spawn starts a supervisor of its own',
    async (t) => {
	const s = setup(t);
	const pm = s.manager();
	const one = await pm.spawn({ name: 'one', command: 'sleep',
		args: ['100'], restart: false });
	assert.strictEqual(one.state, 'running');
	await pm.stop('one');
	// The implicit supervisor exits once it keeps nothing.
	await waitUntil(() => leftovers(s.stateDir).length === 0);
});

// holder(t, s, how): holder.js running; resolves with it and the pids
// it printed.
async function holder(t, s, how) {
	const { spawn } = require('node:child_process');
	const h = spawn(process.execPath, [path.join(__dirname, 'holder.js'),
		s.stateDir].concat(how || []),
		{ env: Object.assign({ HP_TEST_BIN: BIN }, s.env),
		stdio: ['ignore', 'pipe', 'inherit'] });
	t.after(() => h.kill('SIGKILL'));
	const line = await new Promise((res, rej) => {
		let out = '';
		h.stdout.on('data', (d) => {
			out += d;
			if (out.includes('\n'))
				res(out);
		});
		h.on('close', () => rej(new Error('holder: ' + out)));
	});
	const pids = JSON.parse(line);
	const all = [pids.supervisor, pids.web, pids.worker];
	// After unref() the holder may end, and all with it, at once.
	if (!how)
		for (const p of all)
			assert.ok(alive(p));
	return { h, all };
}

test('the supervisor dies with the Node.js process that started it, ' +
    'even by SIGKILL', async (t) => {
	const s = setup(t);
	const { h, all } = await holder(t, s);
	h.kill('SIGKILL');
	await waitUntil(() => !all.some(alive), 10000, 'everything ends');
	assert.deepStrictEqual(leftovers(s.stateDir), []);
});

test('after unref(), the Node.js process ends on its own, and the ' +
    'supervisor with it', async (t) => {
	const s = setup(t);
	const { h, all } = await holder(t, s, 'unref');
	await waitUntil(() => h.exitCode !== null, 10000, 'holder ends');
	assert.strictEqual(h.exitCode, 0);
	await waitUntil(() => !all.some(alive), 10000, 'everything ends');
	assert.deepStrictEqual(leftovers(s.stateDir), []);
});

test('the ES module exports the same client', async () => {
	const m = await import(path.join(ROOT, 'share', 'hp', 'node',
	    'index.mjs'));
	assert.strictEqual(m.ProcessManager, hp.ProcessManager);
	assert.strictEqual(m.default, hp);
	assert.strictEqual(typeof m.terminal, 'function');
});

test('spawn({watch, watchIgnore, watchDelay}): a change restarts it, ' +
    'what is ignored does not; names with spaces stay whole', async (t) => {
	const s = setup(t);
	const dir = path.join(s.tmp, 'app');
	fs.mkdirSync(dir);
	fs.mkdirSync(path.join(dir, 'my src'));
	const pm = s.manager();
	const restarting = [];
	pm.on('process:restarting', (e) => restarting.push(e));
	await pm.start();
	await pm.spawn({ name: 'w', command: 'sleep', args: ['100'], cwd: dir,
		watch: ['my src'], watchIgnore: '*.log', watchDelay: 100 });
	fs.writeFileSync(path.join(dir, 'my src', 'out.log'), 'x');
	fs.writeFileSync(path.join(dir, 'my src', 'app.js'), 'x');
	await waitUntil(() => restarting.length === 1, 10000, 'a restart');
	assert.strictEqual(restarting[0].reason, 'watch');
	assert.strictEqual(restarting[0].path, path.join(dir, 'my src', 'app.js'));
	const [info] = await pm.list(['w']);
	assert.strictEqual(info.manual_restarts, 1);
});

// The line of event in the state directory's events.log, or undefined.
function logged(s, event) {
	let text = '';
	try {
		text = fs.readFileSync(path.join(s.stateDir, 'events.log'),
		    'utf8');
	} catch (e) {
	}
	return text.split('\n').find((l) => l.includes('"event":"' +
	    event + '"'));
}

test('with parentGrace, start() in the next process joins the ' +
    'supervisor the killed one started: same pids, its events, shutdown()',
    async (t) => {
	const s = setup(t);
	const { h, all } = await holder(t, s, 'grace=30s');
	const [sup, web, worker] = all;
	h.kill('SIGKILL');
	await waitUntil(() => logged(s, 'supervisor:orphaned'), 10000,
	    'supervisor:orphaned');
	assert.strictEqual(JSON.parse(logged(s, 'supervisor:orphaned'))
	    .grace_ms, 30000);
	assert.ok(all.every(alive));
	const pm = s.manager({ parentGrace: '30s' });
	const ev = record(pm);
	const e = await pm.start();
	assert.deepStrictEqual(e, { event: 'supervisor:adopted', pid: sup,
		parent: process.pid, was: h.pid, processes: 2 });
	assert.strictEqual(pm.pid, sup);
	assert.ok(all.every(alive));
	const list = await pm.list();
	assert.deepStrictEqual(list.map((p) => [p.name, p.pid, p.state]),
	    [['web', web, 'running'], ['worker', worker, 'running']]);
	// Its events come to this manager: the adoption, then a restart.
	await waitUntil(() => ev.some((x) => x.event === 'supervisor:adopted' &&
	    x.parent === process.pid), 10000, 'supervisor:adopted');
	const r = await pm.restart('web');
	assert.notStrictEqual(r.pid, web);
	await waitUntil(() => ev.some((x) => x.event === 'process:started' &&
	    x.name === 'web' && x.pid === r.pid), 10000, 'process:started');
	const exit = new Promise((res) => pm.once('exit', res));
	const down = await pm.shutdown({ timeout: '15s' });
	assert.strictEqual(down.running, false);
	await exit;
	assert.strictEqual(pm.child, null);
	await waitUntil(() => ![sup, worker, r.pid].some(alive), 10000,
	    'everything ends');
});

test('with parentGrace and nobody to join, everything ends once the ' +
    'grace has passed', async (t) => {
	const s = setup(t);
	const { h, all } = await holder(t, s, 'grace=1s');
	h.kill('SIGKILL');
	await waitUntil(() => logged(s, 'supervisor:orphaned'), 10000,
	    'supervisor:orphaned');
	await waitUntil(() => !all.some(alive), 10000, 'everything ends');
	assert.match(logged(s, 'supervisor:shutdown'), /"reason":"orphaned"/);
});

test('upgrade(file) runs hp-supervise upgrade with file made absolute; ' +
    'a refusal is an HpError', async (t) => {
	const s = setup(t);
	// A stand-in hp-supervise that answers with its arguments.
	const bin = path.join(s.tmp, 'bin');
	fs.mkdirSync(bin);
	fs.writeFileSync(path.join(bin, 'hp-supervise'),
	    '#!/bin/sh\nprintf \'{"args":"%s"}\\n\' "$*"\n', { mode: 0o755 });
	const fake = new hp.ProcessManager(Object.assign({}, s.opts, { bin }));
	assert.deepStrictEqual(await fake.upgrade('new/hp-supervise',
	    { timeout: '20s' }), { args: '--json -S ' + s.stateDir +
	    ' -t 20s upgrade ' + path.resolve('new/hp-supervise') });
	assert.deepStrictEqual(await fake.upgrade(), { args: '--json -S ' +
	    s.stateDir + ' upgrade' });
	// The real one: a path that is no hp-supervise is refused.
	const pm = s.manager();
	await pm.start();
	let err = null;
	try {
		await pm.upgrade(path.join(s.tmp, 'no-such-hp-supervise'));
	} catch (e) {
		err = e;
	}
	assert.ok(err instanceof hp.HpError, 'not an HpError: ' + err);
	assert.ok(err.status !== 0 && typeof err.code === 'string',
	    err.message);
});
