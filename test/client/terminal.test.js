// hp: see LICENSE.
// terminal.test.js: terminal(), node-pty's IPty over hp-pty: its side of
// the contract against a stand-in (fake-pty.js) that speaks the control
// channel or, as hp-pty does now, does not; and the real hp-pty of cmd/.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { BIN, ROOT, hp, waitUntil, alive, setup } = require('./helpers');

const SIG = os.constants.signals;

// A bin directory whose hp-pty is the stand-in; old: one that takes no
// --control.
function fakeBin(s, old) {
	const bin = path.join(s.tmp, old ? 'oldbin' : 'bin');
	if (fs.existsSync(bin))
		return bin;
	fs.mkdirSync(bin);
	fs.writeFileSync(path.join(bin, 'hp-pty'), '#!' + process.execPath +
	    '\n' + (old ? 'process.env.FAKE_PTY_OLD = "1";\n' : '') +
	    fs.readFileSync(path.join(__dirname, 'fake-pty.js')),
	    { mode: 0o755 });
	fs.mkdirSync(s.stateDir, { mode: 0o700, recursive: true });
	return bin;
}

// A terminal of the stand-in; t.out is what came, t.exit how it ended,
// as onExit and as on('exit') told it.
function open(s, file, args, more, old) {
	const o = Object.assign({}, s.opts, { bin: fakeBin(s, old) }, more);
	return watch(hp.terminal(file, args, o), s);
}

function watch(term, s) {
	const t = { term, out: '', exit: null, onexit: null };
	term.onData((d) => { t.out += d; });
	term.onExit((e) => { t.exit = e; });
	term.on('exit', (code, signal) => { t.onexit = [code, signal]; });
	t.ended = () => waitUntil(() => t.exit !== null, 10000, 'exit');
	t.has = (x) => waitUntil(() => t.out.includes(x), 10000, x);
	t.args = async () => {
		await t.has('\r\n');
		return JSON.parse(t.out.slice(5, t.out.indexOf('\r\n')));
	};
	t.frames = () => {
		try {
			return fs.readFileSync(path.join(s.stateDir, 'fake-' +
			    term.id + '-frames'), 'utf8').split('\n')
			    .filter(Boolean);
		} catch (e) {
			return [];
		}
	};
	t.framed = (f) => waitUntil(() => t.frames().includes(f), 10000, f);
	return t;
}

test('terminal() runs hp-pty -n -c -r --control=3 -T -C -- FILE ARGS, ' +
    'env unseen on its command line', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', ['a', 'b c'], { name: 'xterm-test',
		cols: 90, rows: 20, cwd: s.tmp,
		env: Object.assign({}, s.env, { TEST_VAR: 'secret' }) });
	const a = await p.args();
	assert.deepStrictEqual(a.argv, ['-S', s.stateDir, '-n', p.term.id,
		'-c', '90', '-r', '20', '--control=3', '-T', 'xterm-test',
		'-C', s.tmp, '--',
		'prog', 'a', 'b c']);
	assert.deepStrictEqual([a.TEST_VAR, a.TERM, a.PWD, a.cwd],
	    ['secret', 'xterm-test', s.tmp, s.tmp]);
	assert.match(p.term.id, /^pty-\d+-\d+$/);
	assert.strictEqual(p.term.pid > 0, true);
	assert.deepStrictEqual([p.term.cols, p.term.rows, p.term.process],
	    [90, 20, 'prog']);
	p.term.write('exit 0\n');
	await p.ended();
	// The relay was told the program had ended.
	await p.framed('x');
});

test('TERM is name, else that of env; file undefined is sh with its ' +
    'args; process.env loses TMUX and the like', async (t) => {
	const s = setup(t);
	const env = Object.assign({}, s.env, { TERM: 'vt220' });
	const p = open(s, 'prog', [], { env });
	assert.strictEqual((await p.args()).TERM, 'vt220');
	p.term.write('exit 0\n');
	const q = open(s, undefined, ['-c', 'x'], { env,
		name: 'xterm-direct' });
	const a = await q.args();
	assert.strictEqual(a.TERM, 'xterm-direct');
	assert.deepStrictEqual(a.argv.slice(-3), ['sh', '-c', 'x']);
	assert.strictEqual(q.term.process, 'sh');
	q.term.write('exit 0\n');
	const saved = process.env.TMUX;
	process.env.TMUX = '/tmp/tmux-0/default,1,0';
	const r = open(s, 'prog', [], { env: undefined });
	if (saved === undefined)
		delete process.env.TMUX;
	else
		process.env.TMUX = saved;
	assert.strictEqual((await r.args()).TMUX, undefined);
	r.term.write('exit 0\n');
	await Promise.all([p.ended(), q.ended(), r.ended()]);
});

test('options are checked as node-pty checks them, with its messages',
    (t) => {
	const s = setup(t);
	const o = Object.assign({}, s.opts, { bin: fakeBin(s) });
	const bad = (file, args, more, msg) => assert.throws(() =>
	    hp.spawn(file, args, Object.assign({}, o, more)),
	    (e) => e.message === msg);
	bad('a', [], { name: {} }, 'name must be a string (not a object)');
	bad('a', [], { cols: '80' }, 'cols must be a number (not a string)');
	bad('a', [], { env: 'x' }, 'env must be a object (not a string)');
	bad('a', [], { encoding: 8 }, 'encoding must be a string (not a ' +
	    'number)');
	bad('a', [], { uid: 'root' }, 'uid must be a number (not a string)');
	bad('a', 'b c', {}, 'args as a string is not supported on unix.');
	assert.throws(() => hp.spawn('a', [], Object.assign({}, o,
	    { cols: 70000 })), { code: 'usage' });
});

test('write, onData and onExit: every byte arrives before the exit, ' +
    'with its status', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	let sawExitWith = -1;
	p.term.onExit(() => { sawExitWith = p.out.length; });
	p.term.write('hello\n');
	await p.has('HELLO\r\n');
	p.term.write(Buffer.from('big 300000\nexit 3\n'));
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 3, signal: 0 });
	assert.deepStrictEqual(p.onexit, [3, 0]);
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
	await waitUntil(() => Buffer.isBuffer(p.out) ||
	    p.out.includes('AFTER'));
	assert.strictEqual(got.length, n);
	p.term.write('exit 0\n');
	await p.ended();
});

test('the channel: resize goes as a frame, in order, at once, and ' +
    'returns nothing; a bad size throws', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	assert.strictEqual(p.term.resize(100, 40), undefined);
	assert.deepStrictEqual([p.term.cols, p.term.rows], [100, 40]);
	p.term.resize(101, 41);
	p.term.resize(102.7, 42);
	await p.framed('s 102 42');
	assert.deepStrictEqual(p.frames(), ['s 100 40', 's 101 41',
		's 102 42']);
	for (const [c, r] of [[0, 10], [10, -1], [NaN, 5], [Infinity, 5]])
		assert.throws(() => p.term.resize(c, r), (e) =>
		    /^resizing must be done using positive cols and rows/
		    .test(e.message));
	p.term.write('exit 0\n');
	await p.ended();
	// A resize after the end is ignored.
	p.term.resize(80, 24);
});

test('the channel: kill(sig) reaches pid as asked; SIGHUP unless told; ' +
    'a death by signal is exitCode 0 and its number', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	await p.args();
	p.term.kill('SIGUSR1');
	await p.has('USR1\r\n');
	p.term.kill('NOSUCHSIGNAL');
	p.term.kill();
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 0, signal: SIG.SIGHUP });
	assert.deepStrictEqual(p.onexit, [0, SIG.SIGHUP]);
	const q = open(s, 'prog', []);
	await q.args();
	q.term.write('die SIGTERM\n');
	await q.ended();
	assert.deepStrictEqual(q.exit, { exitCode: 0, signal: SIG.SIGTERM });
});

test('the channel: kill(\'SIGKILL\') asks the relay to kill the whole ' +
    'session too', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	await p.args();
	p.term.kill('SIGKILL');
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 0, signal: SIG.SIGKILL });
	await p.framed('k 9');
});

test('the channel: process is the foreground\'s name as hp-pty tells ' +
    'it; a program that could not start exits 1', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	await p.args();
	assert.strictEqual(p.term.process, 'prog');
	p.term.write('fg vim\n');
	await waitUntil(() => p.term.process === 'vim', 10000, 'F frame');
	p.term.write('execfail\n');
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 1, signal: 0 });
	assert.match(p.out, /command not found\r\n/);
});

test('destroy(): no more data, the channel ends (the terminal hangs up), ' +
    'and the program gets SIGHUP', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', []);
	await p.args();
	p.term.destroy();
	const n = p.out.length;
	p.term.write('big 10\n');
	await p.ended();
	assert.strictEqual(p.out.length, n);
	assert.deepStrictEqual(p.onexit, [0, SIG.SIGHUP]);
	await p.framed('EOF');
});

test('flow control: the pause text written whole pauses the output, the ' +
    'resume text resumes it; neither reaches the program', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', [], { handleFlowControl: true,
		flowControlPause: 'PAUSE!', flowControlResume: 'GO!' });
	assert.strictEqual(p.term.handleFlowControl, true);
	await p.args();
	const mark = path.join(s.tmp, 'mark');
	p.term.write('PAUSE!');
	p.term.write('mark ' + mark + '\n');
	// The program has written "marked"; while paused, it has not come.
	await waitUntil(() => fs.existsSync(mark), 10000, 'mark');
	assert.ok(!p.out.includes('marked'));
	p.term.write('GO!');
	await p.has('marked\r\n');
	assert.ok(!p.out.includes('PAUSE') && !p.out.includes('GO'));
	// Turned off, they are text like any other.
	p.term.handleFlowControl = false;
	p.term.write('PAUSE!\n');
	await p.has('PAUSE!\r\n');
	p.term.write('exit 0\n');
	await p.ended();
});

test('without the channel (an hp-pty that does not take it): ' +
    '--eof-hangup, resize through hp-pty resize, 128+N is signal N',
    async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', [], {}, true);
	const a = await p.args();
	assert.ok(a.argv.includes('--eof-hangup'));
	assert.ok(!a.argv.includes('--control=3'));
	const sizes = path.join(s.stateDir, 'fake-' + p.term.id + '-resizes');
	// hp-pty has not registered it yet: resize retries.
	assert.strictEqual(p.term.resize(100, 40), undefined);
	p.term.write('register\n');
	await waitUntil(() => fs.existsSync(sizes) &&
	    fs.readFileSync(sizes, 'utf8') === '100 40\n', 10000, 'resize');
	p.term.resize(101, 41);
	p.term.resize(102, 42);
	await waitUntil(() => /102 42\n$/.test(fs.readFileSync(sizes,
	    'utf8')), 10000, 'resize 102 42');
	p.term.write('exit 130\n');
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 0, signal: SIG.SIGINT });
});

test('without the channel: kill() hangs up hp-pty, SIGKILL is two ' +
    'signals, others cannot be passed on and say so', async (t) => {
	const s = setup(t);
	const p = open(s, 'prog', [], {}, true);
	await p.args();
	const warned = new Promise((res) => process.once('warning', res));
	p.term.kill('SIGUSR1');
	assert.match((await warned).message, /cannot pass signal 10/);
	p.term.write('hello\n');
	await p.has('HELLO');
	assert.ok(!p.out.includes('USR1'));
	p.term.kill('SIGKILL');
	await p.ended();
	// The stand-in dies of the first of them, as hp-pty hangs up.
	assert.strictEqual(p.exit.exitCode, 0);
	assert.ok([SIG.SIGTERM, SIG.SIGINT].includes(p.exit.signal));
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
const skip = { skip: !real && 'hp-pty is not built' };

function sh(s, script, more, args) {
	const term = hp.terminal('sh', ['-c', script].concat(args || []),
	    Object.assign({}, s.opts, more));
	return watch(term, s);
}

test('hp-pty: a shell round-trips text, resizes and exits with its ' +
    'status', skip, async (t) => {
	const s = setup(t);
	const p = watch(hp.terminal('sh', [], Object.assign({}, s.opts,
	    { cols: 100, rows: 30 })), s);
	p.term.write('stty size; echo "<$TERM>"\n');
	await p.has('<xterm-256color>');
	assert.match(p.out, /30 100/);
	p.term.resize(120, 40);
	// The size is set once hp-pty has registered the terminal.
	await waitUntil(async () => {
		p.term.write('stty size\n');
		await new Promise((res) => setTimeout(res, 50));
		return p.out.includes('40 120');
	}, 10000, 'stty size 40 120');
	p.term.write('exit 3\n');
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 3, signal: 0 });
});

test('hp-pty: a program that cannot be run exits 1, as node-pty says; ' +
    'its own 127 stays; a death by signal is its number', skip,
    async (t) => {
	const s = setup(t);
	const p = watch(hp.terminal('/bin/bogus.exe', [], s.opts), s);
	const q = sh(s, 'exit 127');
	const r = sh(s, 'kill -TERM $$');
	const d = watch(hp.terminal('/bin/echo', [], Object.assign({},
	    s.opts, { cwd: '/nowhere' })), s);
	await Promise.all([p.ended(), q.ended(), r.ended(), d.ended()]);
	assert.deepStrictEqual(p.exit, { exitCode: 1, signal: 0 });
	assert.match(p.out, /bogus.exe: command not found/);
	assert.deepStrictEqual(q.exit, { exitCode: 127, signal: 0 });
	assert.deepStrictEqual(r.exit, { exitCode: 0, signal: SIG.SIGTERM });
	assert.deepStrictEqual(r.onexit, [0, SIG.SIGTERM]);
	assert.deepStrictEqual(d.exit, { exitCode: 1, signal: 0 });
});

test('hp-pty: TERM from env, and flow control holds the program back',
    skip, async (t) => {
	const s = setup(t);
	const mark = path.join(s.tmp, 'mark');
	const p = sh(s, 'echo "<$TERM>"; read x; echo marked; : >"$0"; ' +
	    'read y', { env: Object.assign({}, s.env, { TERM: 'vt100' }),
		handleFlowControl: true }, [mark]);
	await p.has('<vt100>');
	p.term.write('\x13');
	p.term.write('go\r');
	// The program has written "marked"; while paused, it has not come.
	await waitUntil(() => fs.existsSync(mark), 10000, 'mark');
	assert.ok(!p.out.includes('marked'));
	p.term.write('\x11');
	await p.has('marked');
	p.term.write('\r');
	await p.ended();
	assert.deepStrictEqual(p.exit, { exitCode: 0, signal: 0 });
});

test('hp-pty: the app\'s end hangs its terminal up, even by SIGKILL',
    skip, async (t) => {
	const s = setup(t);
	const app = spawn(process.execPath, ['-e', `
		const hp = require(${JSON.stringify(path.join(ROOT, 'share',
		    'hp', 'node'))});
		const t = hp.terminal('sh',
		    ['-c', 'echo "<$$>"; exec sleep 1000'],
		    ${JSON.stringify(s.opts)});
		t.onData((d) => process.stdout.write(d));
		setInterval(() => {}, 60000);
	`], { env: s.env, stdio: ['ignore', 'pipe', 'inherit'] });
	s.atEnd(async () => app.kill('SIGKILL'));
	let out = '';
	app.stdout.on('data', (d) => { out += d; });
	await waitUntil(() => /<\d+>/.test(out), 10000, 'the program\'s pid');
	const pid = Number(/<(\d+)>/.exec(out)[1]);
	assert.ok(alive(pid));
	app.kill('SIGKILL');
	await waitUntil(() => !alive(pid), 10000, 'the program gone');
});

// The spares waiting: our children that are hp-pty --spare.
function spares() {
	const out = [];
	for (const p of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(p))
			continue;
		let st, cmd;
		try {
			st = fs.readFileSync('/proc/' + p + '/stat', 'utf8');
			cmd = fs.readFileSync('/proc/' + p + '/cmdline',
			    'utf8').split('\0');
		} catch (e) {
			continue;
		}
		const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
		if (Number(f[1]) === process.pid && f[0] !== 'Z' &&
		    cmd.includes('--spare'))
			out.push(Number(p));
	}
	return out;
}

// One spare waits, and its pid.
async function waiting() {
	await waitUntil(() => spares().length === 1, 10000, 'a spare');
	return spares()[0];
}

test('spare: the hp-pty started ahead becomes the next terminal, the ' +
    'program its pid, with its environment, directory and size; one ' +
    'more waits after; endSpares() ends it', skip, async (t) => {
	const s = setup(t);
	s.atEnd(() => hp.endSpares());
	hp.spare(s.opts);
	const first = await waiting();
	const o = { spare: true, cols: 100, rows: 30, cwd: s.tmp,
		env: Object.assign({}, s.env, { SPARE_VAR: 'x y',
		LONG_VAR: 'w'.repeat(5000) }) };
	const p = sh(s, 'echo "<$SPARE_VAR|$$|$(pwd)|$(stty size)|' +
	    '${#LONG_VAR}>"', o);
	assert.strictEqual(p.term.pid, first);
	await p.ended();
	assert.ok(p.out.includes('<x y|' + first + '|' + s.tmp +
	    '|30 100|5000>'), p.out);
	assert.deepStrictEqual(p.exit, { exitCode: 0, signal: 0 });
	// Its record went as a terminal's does.
	assert.ok(!fs.existsSync(path.join(s.stateDir, 'procs',
	    p.term.id)));
	const next = await waiting();
	assert.notStrictEqual(next, first);
	// Without a directory given, the app's own at the time of the call.
	const q = sh(s, 'pwd; echo "<$$>"', { spare: true });
	assert.strictEqual(q.term.pid, next);
	await q.ended();
	assert.ok(q.out.includes(process.cwd() + '\r\n<' + next + '>'),
	    q.out);
	// A resize sent at once comes after the spare's frames: the relay's.
	const third = await waiting();
	const r = sh(s, 'while read x; do stty size; done', { spare: true });
	r.term.resize(120, 40);
	assert.strictEqual(r.term.pid, third);
	await waitUntil(async () => {
		r.term.write('\r');
		await new Promise((res) => setTimeout(res, 50));
		return r.out.includes('40 120');
	}, 10000, 'stty size 40 120');
	r.term.write('\x04');
	await r.ended();
	await waiting();
	await hp.endSpares();
	assert.deepStrictEqual(spares(), []);
});

test('spare: not taken without spare: true, nor when what it would be ' +
    'told is longer than its frame; a spare whose channel ends does ' +
    'nothing; --spare is not told twice',
    skip, async (t) => {
	const s = setup(t);
	s.atEnd(() => hp.endSpares());
	hp.spare(s.opts);
	const first = await waiting();
	const p = sh(s, 'echo "<$$>"');
	assert.notStrictEqual(p.term.pid, first);
	await p.ended();
	const big = 'v'.repeat(70000);
	const q = sh(s, 'echo "<${#BIG}>"', { spare: true,
		env: Object.assign({}, s.env, { BIG: big }) });
	assert.notStrictEqual(q.term.pid, first);
	await q.ended();
	assert.ok(q.out.includes('<70000>'), q.out);
	assert.deepStrictEqual(spares(), [first]);
	// Its channel's end before its command: it exits 0, having made
	// nothing.
	const c = spawn(path.join(BIN, 'hp-pty'), ['-S', s.stateDir,
		'--control=3', '--spare'], { stdio: ['ignore', 'ignore',
		'pipe', 'pipe'] });
	let err = '';
	c.stderr.on('data', (d) => { err += d; });
	const done = new Promise((res) => c.on('exit', (code, sig) =>
	    res([code, sig])));
	c.stdio[3].end();
	assert.deepStrictEqual(await done, [0, null]);
	assert.strictEqual(err, '');
	assert.ok(!fs.existsSync(path.join(s.stateDir, 'procs')) ||
	    fs.readdirSync(path.join(s.stateDir, 'procs')).length === 0);
	// --spare among what it is told: refused.
	const d = spawn(path.join(BIN, 'hp-pty'), ['--control=3', '--spare'],
	    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
	let derr = '';
	d.stderr.on('data', (b) => { derr += b; });
	const ddone = new Promise((res) => d.on('exit', (code) => res(code)));
	const fr = (k, v) => Buffer.concat([Buffer.from([k.charCodeAt(0),
		0, Buffer.byteLength(v)]), Buffer.from(v)]);
	d.stdio[3].write(Buffer.concat([fr('a', '--control=3\0--spare\0'),
		fr('g', '')]));
	assert.strictEqual(await ddone, 2);
	assert.match(derr, /--spare: once/);
	d.stdio[3].destroy();
	await hp.endSpares();
	assert.ok(!alive(first));
});

// A registry of two tools: alpha, a script on PATH, and beta, missing.
function tools(s) {
	const bin = path.join(s.tmp, 'tools');
	fs.mkdirSync(bin);
	fs.writeFileSync(path.join(bin, 'alphatool'), '#!/bin/sh\n' +
	    'echo "alpha $ALPHA_MODE $*"\n', { mode: 0o755 });
	const reg = path.join(s.tmp, 'tools.conf');
	fs.writeFileSync(reg, '[tool alpha]\nname = Alpha\ncommand = ' +
	    'alphatool\nenv = ALPHA_MODE=on\n[tool beta]\ncommand = ' +
	    'hp-no-beta\n');
	return Object.assign({}, s.opts, { env: Object.assign({}, s.env, {
		HP_REGISTRY: reg, XDG_CONFIG_HOME: path.join(s.tmp, 'config'),
		XDG_CACHE_HOME: path.join(s.tmp, 'cache'),
		PATH: bin + ':' + s.env.PATH }) });
}

test('launch(): a tool of the registry in a terminal; launched is its ' +
    'cli-tool:launched event; not installed or unknown, it rejects', skip,
    async (t) => {
	const s = setup(t);
	const o = tools(s);
	const p = watch(hp.launch('alpha', Object.assign({ args: ['one',
		'two'] }, o)), s);
	let told = null, probed = null;
	p.term.on('launched', (e) => { told = e; });
	p.term.on('version', (e) => { probed = e; });
	const e = await p.term.launched;
	assert.strictEqual(told, e);
	assert.deepStrictEqual([e.event, e.id, e.tool, e.path],
	    ['cli-tool:launched', 'alpha', 'Alpha',
		path.join(s.tmp, 'tools', 'alphatool')]);
	await p.ended();
	// The version probed after the launch is an event, not text; none
	// here ("alpha on --version").
	assert.strictEqual(p.out, 'alpha on one two\r\n');
	assert.deepStrictEqual([probed.event, probed.id, probed.version,
		probed.pid], ['cli-tool:version', 'alpha', null, e.pid]);
	assert.deepStrictEqual(p.exit, { exitCode: 0, signal: 0 });
	// As node-pty names it: argv[0] of the foreground group's leader,
	// here the script's interpreter; the name the kernel keeps when it
	// was looked at as a zombie (no command line left); the file asked
	// for when the script had ended before the relay first looked.
	assert.ok(['/bin/sh', path.basename(e.path), e.path].includes(
	    p.term.process), p.term.process);

	const b = watch(hp.launch('beta', o), s);
	await assert.rejects(b.term.launched, { name: 'HpError',
		code: 'not-installed' });
	const g = watch(hp.launch('gamma', o), s);
	await assert.rejects(g.term.launched, { code: 'not-found' });
	await Promise.all([b.ended(), g.ended()]);
	assert.deepStrictEqual([b.exit.exitCode, g.exit.exitCode], [1, 2]);
	assert.throws(() => hp.launch('', o), { code: 'usage' });
});
