// hp: see LICENSE.
// terminal.test.js: terminal(), node-pty's IPty over hp-pty: its side of
// the contract against a stand-in (fake-pty.js), and the real hp-pty of
// cmd/ when it is there.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { BIN, hp, waitUntil, alive, setup } = require('./helpers');

// A bin directory whose hp-pty is the stand-in.
function fakeBin(s) {
	const bin = path.join(s.tmp, 'bin');
	fs.mkdirSync(bin);
	fs.writeFileSync(path.join(bin, 'hp-pty'), '#!' + process.execPath +
	    '\n' + fs.readFileSync(path.join(__dirname, 'fake-pty.js')),
	    { mode: 0o755 });
	fs.mkdirSync(s.stateDir, { mode: 0o700 });
	return bin;
}

function open(s, file, args, more) {
	const o = Object.assign({}, s.opts, { bin: fakeBin(s) }, more);
	const term = hp.terminal(file, args, o);
	const t = { term, out: '', exit: null };
	term.onData((d) => { t.out += d; });
	term.onExit((e) => { t.exit = e; });
	t.ended = () => waitUntil(() => t.exit !== null, 10000, 'exit');
	t.has = (x) => waitUntil(() => t.out.includes(x), 10000, x);
	return t;
}

test('terminal() runs hp-pty -n -c -r -C -T -- FILE ARGS, env unseen ' +
    'on its command line', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', ['a', 'b c'], { name: 'xterm-test',
		cols: 90, rows: 20, cwd: s.tmp,
		env: Object.assign({}, s.env, { TEST_VAR: 'secret' }) });
	await p.has('\r\n');
	const a = JSON.parse(p.out.slice(5, p.out.indexOf('\r\n')));
	assert.deepStrictEqual(a.argv, ['-S', s.stateDir, '-n', p.term.id,
		'-c', '90', '-r', '20', '-C', s.tmp, '-T', 'xterm-test', '--',
		'prog', 'a', 'b c']);
	assert.strictEqual(a.TEST_VAR, 'secret');
	assert.match(p.term.id, /^pty-\d+-\d+$/);
	assert.strictEqual(p.term.pid > 0, true);
	assert.deepStrictEqual([p.term.cols, p.term.rows, p.term.process],
	    [90, 20, 'prog']);
	p.term.write('exit 0\n');
	await p.ended();
});

test('write, onData and onExit: every byte arrives before the exit, ' +
    'with its status', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	let sawExitWith = -1;
	p.term.onExit(() => { sawExitWith = p.out.length; });
	p.term.write('hello\n');
	await p.has('HELLO\r\n');
	p.term.write('big 300000\nexit 3\n');
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 3, signal: 0 });
	const big = p.out.slice(p.out.indexOf('HELLO\r\n') + 7);
	assert.strictEqual(big, 'x'.repeat(300000));
	assert.strictEqual(sawExitWith, p.out.length);
	// Writing to a terminal that is gone is no error.
	p.term.write('more\n');
});

test('onData returns a disposable; encoding null gives Buffers',
    async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', [], { encoding: null });
	const got = [];
	const d = p.term.onData((b) => got.push(b));
	await waitUntil(() => got.length > 0);
	assert.ok(Buffer.isBuffer(got[0]));
	d.dispose();
	const n = got.length;
	p.term.write('after\n');
	await p.has('AFTER');
	assert.strictEqual(got.length, n);
	p.term.write('exit 0\n');
	await p.ended();
});

test('resize waits for hp-pty to know the terminal, and applies sizes ' +
    'in order', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	const sizes = path.join(s.stateDir, 'fake-' + p.term.id + '-resizes');
	// hp-pty has not registered it yet: resize retries.
	const r = p.term.resize(100, 40);
	assert.deepStrictEqual([p.term.cols, p.term.rows], [100, 40]);
	p.term.write('register\n');
	await r;
	assert.strictEqual(fs.readFileSync(sizes, 'utf8'), '100 40\n');
	await Promise.all([p.term.resize(101, 41), p.term.resize(102, 42)]);
	assert.match(fs.readFileSync(sizes, 'utf8'), /102 42\n$/);
	assert.throws(() => p.term.resize(0, 10), { code: 'usage' });
	p.term.write('exit 0\n');
	await p.ended();
	// A resize after the end is ignored.
	await p.term.resize(80, 24);
});

test('kill() sends SIGHUP unless told', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	await p.has('\r\n');
	p.term.kill();
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 0, signal: 1 });
	assert.ok(!alive(p.term.pid));
});

test('terminal() throws not-installed when there is no hp-pty', (t) => {
	const s = setup(t);
	fs.mkdirSync(path.join(s.tmp, 'empty'));
	assert.throws(() => hp.terminal('sh', [], { bin: path.join(s.tmp,
	    'empty') }), (e) => e instanceof hp.HpError &&
	    e.code === 'not-installed' && e.status === 127 &&
	    /hp-pty: not found/.test(e.message));
});

// The real hp-pty, once it is built beside the other commands.
const real = fs.existsSync(path.join(BIN, 'hp-pty'));

test('hp-pty: a shell round-trips text, resizes and exits with its ' +
    'status', { skip: !real && 'hp-pty is not built' }, async (t) => {
	const s = setup(t);
	const term = hp.terminal('sh', [], Object.assign({}, s.opts,
	    { cols: 100, rows: 30 }));
	let out = '';
	let exit = null;
	term.onData((d) => { out += d; });
	term.onExit((e) => { exit = e; });
	term.write('stty size; echo "<$TERM>"\n');
	await waitUntil(() => out.includes('30 100') &&
	    out.includes('<xterm-256color>'), 10000, 'stty size');
	await term.resize(120, 40);
	term.write('stty size; exit 3\n');
	await waitUntil(() => exit !== null, 10000, 'exit');
	assert.match(out, /40 120/);
	assert.strictEqual(exit.exitCode, 3);
});
