// hp: see LICENSE.
// detached.test.js: detached(), attach() and send() with the real hp-pty
// of cmd/: terminals the supervisor keeps, clients that come and go.
// What is typed computes its answer ($((...))), so that the answer is
// only ever in the output, never in the echo of what was typed.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { BIN, hp, waitUntil, alive, setup, rejects } = require('./helpers');

const need = { skip: !fs.existsSync(path.join(BIN, 'hp-pty')) &&
    'hp-pty is not built' };

// A state directory whose supervisor, started by hp-pty -d, is shut
// down after the test.
function start(t) {
	const s = setup(t);
	s.atEnd(() => hp.run('hp-supervise', ['-S', s.stateDir, 'shutdown'],
	    s.opts));
	return s;
}

function detach(s, file, args, more) {
	return hp.detached(file, args, Object.assign({}, s.opts, more));
}

// A client of the terminal name: what it got, how it ended.
function client(s, name, more) {
	const term = hp.attach(name, Object.assign({}, s.opts, more));
	const c = { term, out: '', exit: null };
	term.onData((d) => { c.out += d; });
	term.onExit((e) => { c.exit = e; });
	c.has = (x) => waitUntil(() => c.out.includes(x), 10000, x);
	c.ended = () => waitUntil(() => c.exit !== null, 10000, 'exit');
	return c;
}

test('detached() starts a shell with our environment, directory and ' +
    'TERM; attach() types into it, reads it and detaches', need,
    async (t) => {
	const s = start(t);
	const env = Object.assign({}, s.env, { MY_VAR: 'mine' });
	const d = await detach(s, 'sh', [], { id: 'work', cols: 100,
		rows: 30, cwd: s.tmp, name: 'xterm-test', env });
	assert.deepStrictEqual([d.name, d.state], ['work', 'running']);
	assert.ok(alive(d.pid));
	const c = client(s, 'work');
	const answer = await c.term.attached;
	assert.deepStrictEqual([answer.name, answer.pid, answer.cols,
		answer.rows], ['work', d.pid, 100, 30]);
	// No size given: the terminal's, from the answer.
	assert.deepStrictEqual([c.term.id, c.term.cols, c.term.rows],
	    ['work', 100, 30]);
	c.term.write('echo "<$MY_VAR> <$TERM>"; pwd; stty size; ' +
	    'echo end-$((1+1))\n');
	await c.has('end-2');
	assert.match(c.out, /<mine> <xterm-test>/);
	assert.ok(c.out.includes(s.tmp), c.out);
	assert.match(c.out, /30 100/);
	assert.deepStrictEqual(await c.term.detach(), { exitCode: 0,
		signal: 0, detached: true });
	assert.deepStrictEqual(c.exit, { exitCode: 0, signal: 0,
		detached: true });
	assert.ok(!alive(c.term.pid), 'the client ended');
	assert.ok(alive(d.pid), 'the program goes on');
	// Typing into a client that has detached is no error.
	c.term.write('more\n');
});

test('a second attach replays the scrollback; replay 0 without a draw ' +
    'does not; a detach before the replay is over waits for it', need,
    async (t) => {
	const s = start(t);
	const d = await detach(s, 'sh', [], { id: 'sh1' });
	const a = client(s, d.name);
	a.term.write('echo mark-$((40+2))\n');
	await a.has('mark-42');
	await a.term.detach();

	const b = client(s, d.name);
	await b.has('mark-42');
	await b.term.detach();

	const c = client(s, d.name);
	c.term.detach();
	await c.ended();
	assert.ok(c.exit.detached);
	assert.ok(c.out.includes('mark-42'), c.out);

	const z = client(s, d.name, { replay: 0, draw: false });
	await z.term.attached;
	z.term.write('echo after-$((1+1))\n');
	await z.has('after-2');
	assert.ok(!z.out.includes('mark-42'), z.out);
	await z.term.detach();
	// Without the replay, the screen is still drawn as it is.
	const w = client(s, d.name, { replay: 0 });
	await w.has('after-2');
	assert.ok(w.out.includes('mark-42'), w.out);
	await w.term.detach();
	assert.ok(alive(d.pid));
});

test('--scrollback keeps only the last bytes for a replay', need,
    async (t) => {
	const s = start(t);
	const d = await detach(s, 'sh', [], { scrollback: 1024 });
	const a = client(s, d.name);
	a.term.write('i=0; while [ $i -lt 40 ]; do echo line-$i-' +
	    'x'.repeat(40) + '; i=$((i+1)); done; echo done-$((1+2))\n');
	await a.has('done-3');
	assert.ok(a.out.includes('line-0-'));
	await a.term.detach();
	const b = client(s, d.name, { encoding: null, draw: false });
	await b.has('done-3');
	await b.term.detach();
	assert.ok(!b.out.includes('line-0-'), 'the first lines are gone');
	assert.ok(Buffer.byteLength(b.out) <= 1024, b.out.length);
});

test('onExit gets the program\'s status after its last byte; a terminal ' +
    'that has ended replays and exits with it again', need, async (t) => {
	const s = setup(t);
	// A supervisor of our own keeps ended terminals.
	const pm = s.manager();
	await pm.start();
	const d = await pm.detached('sh', ['-c', 'read x; echo "got $x"; ' +
	    'exit 7']);
	const a = client(s, d.name);
	await a.term.attached;
	let atExit = null;
	a.term.onExit(() => { atExit = a.out; });
	a.term.write('go\n');
	await a.ended();
	assert.deepStrictEqual(a.exit, { exitCode: 7, signal: 0 });
	assert.match(atExit, /got go\r\n$/);

	const b = client(s, d.name);
	await b.ended();
	assert.deepStrictEqual(b.exit, { exitCode: 7, signal: 0 });
	assert.match(b.out, /got go/);

	// A signal: exitCode 0 and its number, as node-pty says it (hp-pty
	// attach exits 128+N).
	const k = await pm.detached('sh', ['-c', 'read x; kill -USR1 $$']);
	const c = client(s, k.name);
	await c.term.attached;
	c.term.write('go\n');
	await c.ended();
	assert.deepStrictEqual(c.exit, { exitCode: 0, signal: 10 });
});

test('two clients at once: both see the output, both type', need,
    async (t) => {
	const s = start(t);
	const d = await detach(s, 'sh', []);
	const a = client(s, d.name);
	const b = client(s, d.name, { encoding: null });
	await Promise.all([a.term.attached, b.term.attached]);
	const bytes = [];
	b.term.onData((x) => bytes.push(x));
	a.term.write('echo one-$((0+1))\n');
	await Promise.all([a.has('one-1'), b.has('one-1')]);
	b.term.write('echo two-$((1+1))\n');
	await Promise.all([a.has('two-2'), b.has('two-2')]);
	assert.ok(bytes.every((x) => Buffer.isBuffer(x)));
	await Promise.all([a.term.detach(), b.term.detach()]);
	assert.ok(a.exit.detached && b.exit.detached);
});

test('send() types text as it is; enter adds a carriage return; bytes ' +
    'arrive as they are', need, async (t) => {
	const s = start(t);
	const d = await detach(s, 'sh', [], { id: 'typed' });
	const r = await hp.send('typed', 'echo sent-$((2+3))\n', s.opts);
	assert.deepStrictEqual([r.ok, r.name], [true, 'typed']);
	await hp.send('typed', 'echo cr-$((3+4))', Object.assign(
	    { enter: true }, s.opts));
	await hp.send('typed', Buffer.from('echo \u00e9-$((4+5)) ' +
	    '| od -An -tx1\n'), s.opts);
	// Nothing to send: the terminal is still looked for.
	await hp.send('typed', '', s.opts);
	const c = client(s, d.name);
	await c.has('sent-5');
	await c.has('cr-7');
	// é is the two bytes c3 a9, - is 2d, 9 is 39.
	await c.has('c3 a9 2d 39');
	await c.term.detach();
});

test('resize(): the size of attach, then hp-pty resize, seen by stty ' +
    'size; a resize before the answer is not undone by it', need,
    async (t) => {
	const s = start(t);
	const d = await detach(s, 'sh', [], { cols: 80, rows: 24 });
	const a = client(s, d.name, { cols: 90, rows: 20 });
	assert.deepStrictEqual((await a.term.attached).cols, 90);
	a.term.write('stty size; echo a-$((0+1))\n');
	await a.has('a-1');
	assert.match(a.out, /20 90/);
	await a.term.resize(120, 40);
	assert.deepStrictEqual([a.term.cols, a.term.rows], [120, 40]);
	a.term.write('stty size; echo b-$((1+1))\n');
	await a.has('b-2');
	assert.match(a.out, /40 120/);
	await a.term.detach();

	const b = client(s, d.name, { cols: 60, rows: 15 });
	const r = b.term.resize(100, 33);
	await r;
	b.term.write('stty size; echo c-$((2+1))\n');
	await b.has('c-3');
	assert.match(b.out.slice(b.out.lastIndexOf('stty size')),
	    /33 100/);
	assert.throws(() => b.term.resize(0, 10), { code: 'usage' });
	await b.term.detach();
	// After the end, a resize is ignored.
	await b.term.resize(70, 20);
});

test('kill() stops the program through the supervisor; kill(signal) ' +
    'sends one; the client ends with the program', need, async (t) => {
	const s = start(t);
	const d = await detach(s, 'sh', []);
	const a = client(s, d.name);
	await a.term.attached;
	const r = await a.term.kill();
	assert.deepStrictEqual([r.ok, r.state, r.stopped_by],
	    [true, 'stopped', 'HUP']);
	await a.ended();
	assert.deepStrictEqual(a.exit, { exitCode: 0, signal: 1 });
	assert.ok(!alive(d.pid), 'the program is gone');

	const k = await detach(s, 'cat', []);
	const b = client(s, k.name);
	let ex = null;
	b.term.on('exit', (code, signal) => { ex = [code, signal]; });
	await b.term.attached;
	const q = await b.term.kill('SIGUSR1');
	assert.deepStrictEqual([q.ok, q.name], [true, k.name]);
	await b.ended();
	assert.deepStrictEqual(b.exit, { exitCode: 0, signal: 10 });
	assert.deepStrictEqual(ex, [0, 10]);
	assert.ok(!alive(k.pid));
});

test('errors: no such terminal, a name in use, a program that cannot ' +
    'run, bad arguments, no supervisor', need, async (t) => {
	const s = start(t);
	const none = client(s, 'nope');
	await rejects(none.term.attached, 'not-found', 1);
	await rejects(hp.send('nope', 'x', s.opts), 'not-found', 1);

	const d = await detach(s, 'sh', [], { id: 'taken' });
	await rejects(detach(s, 'sh', [], { id: 'taken' }), 'exists', 1);
	const e = await rejects(detach(s, path.join(s.tmp, 'no-such'), []),
	    'exec-failed', 127);
	assert.match(e.message, /no-such/);
	await rejects(detach(s, 'sh', [], { cols: 0 }), 'usage', 2);
	await rejects(detach(s, 'sh', [], { scrollback: '2x' }), 'usage',
	    2);

	const c = client(s, 'nope');
	const err = await rejects(c.term.attached, 'not-found', 1);
	await c.ended();
	assert.deepStrictEqual([c.exit.exitCode, c.exit.error], [1, err]);
	// hp-pty's message is shown in the terminal.
	assert.match(c.out, /nope: no such detached terminal\r\n/);
	await rejects(hp.send('nope', 'x', s.opts), 'not-found', 1);
	await rejects(hp.send('', 'x', s.opts), 'usage', 2);
	assert.throws(() => hp.attach('', s.opts), { code: 'usage' });
	assert.throws(() => hp.attach('taken', Object.assign({ cols: 80 },
	    s.opts)), { code: 'usage' });
	assert.ok(alive(d.pid));

	await hp.run('hp-supervise', ['-S', s.stateDir, 'shutdown'], s.opts);
	await rejects(client(s, 'taken').term.attached, 'not-running', 1);
	await rejects(hp.send('taken', 'x', s.opts), 'not-running', 1);
});

test('a ProcessManager streams terminal:activity: output, then quiet ' +
    'after --quiet', need, async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const seen = [];
	pm.on('terminal:activity', (e) => seen.push(e));
	const d = await pm.detached('sh', [], { quiet: 200 });
	await hp.send(d.name, 'echo hi\n', s.opts);
	await waitUntil(() => seen.some((e) => e.name === d.name &&
	    e.activity === 'quiet'), 10000, 'quiet');
	const out = seen.find((e) => e.activity === 'output');
	const quiet = seen.find((e) => e.activity === 'quiet');
	assert.ok(out && out.bytes > 0, JSON.stringify(seen));
	assert.ok(quiet.quiet_ms >= 200, JSON.stringify(quiet));
	assert.strictEqual(quiet.type, 'terminal');
});

test('the ES module exports them too', async () => {
	const m = await import(path.join(__dirname, '..', '..', 'share', 'hp',
	    'node', 'index.mjs'));
	for (const k of ['detached', 'attach', 'send', 'Attached'])
		assert.strictEqual(m[k], hp[k], k);
	assert.ok(hp.attach.length && hp.Attached.prototype instanceof
	    hp.Terminal);
});
