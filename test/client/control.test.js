// hp: see LICENSE.
// control.test.js: hp-pty --control=3 spoken to directly, frame by frame,
// as any client of it would (hp-pty(1), Control channel): the program in
// the process we spawned, its relay beside it, resize, signals, the
// foreground, the exec report, and the hang-up at the channel's end.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { BIN, waitUntil, alive, setup } = require('./helpers');

const SIG = os.constants.signals;
const real = fs.existsSync(path.join(BIN, 'hp-pty'));
const skip = { skip: !real && 'hp-pty is not built' };

function frame(kind, payload) {
	const p = Buffer.from(payload || '');
	const b = Buffer.alloc(3 + p.length);
	b[0] = kind.charCodeAt(0);
	b.writeUInt16BE(p.length, 1);
	p.copy(b, 3);
	return b;
}

// hp-pty -S STATE ARGS --control=3 -- CMD, its descriptor 3 a socket
// pair; c.frames what it said, c.out its output, c.exit its end.
function pty(s, args, cmd) {
	const c = spawn(path.join(BIN, 'hp-pty'), ['-S', s.stateDir,
		'--control=3'].concat(args, '--', cmd), { env: s.env,
		stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
	const v = { c, frames: [], out: '', err: '', exit: null };
	let buf = Buffer.alloc(0);
	c.stdio[3].on('data', (b) => {
		buf = Buffer.concat([buf, b]);
		while (buf.length >= 3 && buf.length >= 3 + buf.readUInt16BE(1)) {
			const n = buf.readUInt16BE(1);
			v.frames.push([String.fromCharCode(buf[0]),
				buf.subarray(3, 3 + n).toString()]);
			buf = buf.subarray(3 + n);
		}
	});
	c.stdio[3].on('error', () => {});
	c.stdin.on('error', () => {});
	c.stdout.on('data', (d) => { v.out += d; });
	c.stderr.on('data', (d) => { v.err += d; });
	c.on('exit', (code, signal) => {
		v.exit = { code, signal };
		// As the client does: we have reaped it.
		v.send('x');
	});
	v.send = (k, p) => {
		if (!c.stdio[3].destroyed)
			c.stdio[3].write(frame(k, p));
	};
	v.hello = async () => {
		await waitUntil(() => v.frames.some((f) => f[0] !== 'F'),
		    10000, 'hello');
		const f = v.frames.find((x) => x[0] !== 'F');
		return [f[0], JSON.parse(f[1])];
	};
	v.has = (x) => waitUntil(() => v.out.includes(x), 10000, x);
	v.told = (k, fn) => waitUntil(() => v.frames.some((f) => f[0] === k &&
	    fn(JSON.parse(f[1]))), 10000, k + ' frame');
	v.ended = () => waitUntil(() => v.exit !== null, 10000, 'exit');
	s.atEnd(async () => {
		c.kill('SIGKILL');
		c.stdio[3].destroy();
	});
	return v;
}

function status(s, name) {
	const o = {};
	for (const l of fs.readFileSync(path.join(s.stateDir, 'procs', name,
	    'status'), 'utf8').split('\n')) {
		const m = /^(\S+) = (.*)$/.exec(l);
		if (m)
			o[m[1]] = m[2];
	}
	return o;
}

function ppid(pid) {
	const st = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
	return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
}

test('--control: the process we spawned is the program; its relay is ' +
    'no child of it and keeps the record', skip, async (t) => {
	const s = setup(t);
	const v = pty(s, ['-n', 'c1', '-c', '90', '-r', '20'], ['sh', '-c',
		'echo "<$$> $(stty size)"; exec sleep 1000']);
	const [kind, h] = await v.hello();
	assert.strictEqual(kind, 'H');
	assert.strictEqual(h.pid, v.c.pid);
	assert.strictEqual(h.name, 'c1');
	assert.match(h.tty, /^\/dev\//);
	await v.has('<' + v.c.pid + '> 20 90');
	assert.notStrictEqual(ppid(h.relay), v.c.pid);
	assert.deepStrictEqual(fs.readFileSync(path.join(s.stateDir, 'procs',
	    'c1', 'pid'), 'utf8').split(' ')[0], String(v.c.pid));
	const st = status(s, 'c1');
	assert.deepStrictEqual([st.pid, st.keeper, st.tty, st.cols],
	    [String(v.c.pid), String(h.relay), h.tty, '90']);
	// The name is taken for as long as it runs.
	const r = spawnSync(path.join(BIN, 'hp-pty'), ['-S', s.stateDir,
		'-n', 'c1', '--', 'true'], { env: s.env });
	assert.strictEqual(r.status, 1);
	assert.match(r.stderr.toString(), /c1: name in use/);
	v.send('k', String(SIG.SIGKILL));
	await v.ended();
	assert.deepStrictEqual(v.exit, { code: null, signal: 'SIGKILL' });
	await waitUntil(() => !alive(h.relay), 10000, 'the relay gone');
	assert.ok(!fs.existsSync(path.join(s.stateDir, 'procs', 'c1')));
});

test('--control: s sets the size and sends SIGWINCH; the status follows',
    skip, async (t) => {
	const s = setup(t);
	const v = pty(s, ['-n', 'c2'], ['sh', '-c', 'trap \'echo "winch ' +
		'$(stty size)"\' WINCH; echo ready; while :; do sleep 1; done']);
	await v.has('ready');
	v.send('s', '100 30');
	await v.has('winch 30 100');
	// The status is written after the redraw: it follows, soon.
	await waitUntil(() => status(s, 'c2').cols === '100' &&
	    status(s, 'c2').rows === '30', 10000, 'the status of 100x30');
	// The same size again still redraws.
	v.send('s', '100 30');
	await waitUntil(() => v.out.split('winch 30 100').length === 3, 10000,
	    'a second winch');
	// A bad size is said, and changes nothing.
	v.send('s', '0 30');
	v.send('s', '101 31');
	await v.has('winch 31 101');
	assert.match(v.err, /control channel: bad size: 0 30/);
	v.send('k', String(SIG.SIGKILL));
	await v.ended();
});

test('--control: k sends the signal to the program\'s whole session; ' +
    'other signals are the caller\'s own', skip, async (t) => {
	const s = setup(t);
	const v = pty(s, ['-n', 'c3'], ['sh', '-c', 'trap "echo USR1" USR1; ' +
		'sh -c \'trap "" HUP TERM; echo "<$$>"; exec sleep 1000\' & ' +
		'echo ready; while :; do sleep 1; done']);
	await v.has('ready');
	await waitUntil(() => /<(\d+)>/.test(v.out), 10000, 'the job');
	const job = Number(/<(\d+)>/.exec(v.out)[1]);
	process.kill(v.c.pid, 'SIGUSR1');
	await v.has('USR1');
	assert.ok(alive(job));
	v.send('k', String(SIG.SIGKILL));
	await v.ended();
	assert.strictEqual(v.exit.signal, 'SIGKILL');
	await waitUntil(() => !alive(job), 10000, 'the job killed too');
});

test('--control: E when it cannot be started, with the message; the ' +
    'process we spawned exits 127, 126 or 1', skip, async (t) => {
	const s = setup(t);
	const a = pty(s, ['-n', 'e1'], ['/nonexistent/prog']);
	const b = pty(s, ['-n', 'e2', '-C', '/nonexistent'], ['true']);
	const c = pty(s, ['-n', 'e3', '--json'], [s.tmp]);
	const [ka, ea] = await a.hello();
	const [kb, eb] = await b.hello();
	const [kc, ec] = await c.hello();
	await Promise.all([a.ended(), b.ended(), c.ended()]);
	assert.deepStrictEqual([ka, ea, a.exit.code], ['E', { code:
		'exec-failed', exit_code: 127, message: 'command not found' },
	127]);
	assert.strictEqual(a.err, 'hp-pty: /nonexistent/prog: command not ' +
	    'found\n');
	assert.deepStrictEqual([kb, eb.exit_code, b.exit.code], ['E', 1, 1]);
	assert.match(b.err, /true: \/nonexistent: No such file/);
	assert.deepStrictEqual([kc, ec.exit_code, c.exit.code], ['E', 126, 126]);
	assert.strictEqual(JSON.parse(c.out).error.code, 'exec-failed');
	for (const n of ['e1', 'e2', 'e3'])
		assert.ok(!fs.existsSync(path.join(s.stateDir, 'procs', n)));
});

test('--control: F tells who has the terminal, by its argv[0]', skip,
    async (t) => {
	const s = setup(t);
	const v = pty(s, ['-n', 'f1'], ['bash', '--norc', '--noprofile', '-i']);
	await v.told('F', (f) => f.pid === v.c.pid && f.name === 'bash');
	v.c.stdin.write('exec 2>/dev/null; sleep 1000\r');
	await v.told('F', (f) => f.pid !== v.c.pid && f.name === 'sleep');
	const sleeper = v.frames.filter((f) => f[0] === 'F')
	    .map((f) => JSON.parse(f[1])).find((f) => f.name === 'sleep').pid;
	v.c.stdin.write('\x03');
	await waitUntil(() => !alive(sleeper), 10000, 'Ctrl-C');
	await waitUntil(() => v.frames.filter((f) => f[0] === 'F').length >= 3,
	    10000, 'bash again');
	v.c.stdin.write('exit\r');
	await v.ended();
});

test('--control: the end of the channel hangs up: SIGHUP, the stop ' +
    'signal at half the stop timeout, SIGKILL at its end', skip,
    async (t) => {
	const s = setup(t);
	const log = path.join(s.tmp, 'log');
	const v = pty(s, ['-n', 'h1', '-o', 'stop-timeout=1s', '-o',
		'stop-signal=INT'], ['sh', '-c', 'trap "echo HUP >>' + log +
		'" HUP; trap "echo INT >>' + log + '" INT; echo ready; ' +
		'while :; do sleep 0.05; done']);
	await v.has('ready');
	const t0 = Date.now();
	v.c.stdio[3].end();
	await v.ended();
	const took = Date.now() - t0;
	assert.deepStrictEqual(v.exit, { code: null, signal: 'SIGKILL' });
	assert.deepStrictEqual(fs.readFileSync(log, 'utf8'), 'HUP\nINT\n');
	assert.ok(took >= 900, 'killed after ' + took + ' ms');
	await waitUntil(() => !fs.existsSync(path.join(s.stateDir, 'procs',
	    'h1')), 10000, 'the record gone');
});

test('--control: a program that ends with SIGHUP ends at the hang-up; ' +
    'SIGTERM to the relay is the same', skip, async (t) => {
	const s = setup(t);
	const a = pty(s, ['-n', 'h2'], ['sh', '-c', 'echo ready; exec sleep ' +
		'1000']);
	const [, h] = await a.hello();
	await a.has('ready');
	process.kill(h.relay, 'SIGTERM');
	await a.ended();
	assert.deepStrictEqual(a.exit, { code: null, signal: 'SIGHUP' });
	await waitUntil(() => !alive(h.relay), 10000, 'the relay gone');
});

test('--control: x after the program: what it left relays to the quiet, ' +
    'then what holds the terminal is hung up', skip, async (t) => {
	const s = setup(t);
	const v = pty(s, ['-n', 'x1'], ['sh', '-c', 'sh -c \'echo "<$$>"; ' +
		'trap "" HUP; exec sleep 1000\' & sleep 0.2; echo bye']);
	const [, h] = await v.hello();
	await v.has('bye');
	const job = Number(/<(\d+)>/.exec(v.out)[1]);
	await v.ended();
	assert.deepStrictEqual(v.exit, { code: 0, signal: null });
	await waitUntil(() => !alive(job) && !alive(h.relay), 10000,
	    'the job and the relay gone');
});

test('--control: a bad descriptor, or with -d, attach or resize, is a ' +
    'usage error', skip, (t) => {
	const s = setup(t);
	const run = (args, stdio) => spawnSync(path.join(BIN, 'hp-pty'),
	    ['-S', s.stateDir].concat(args), { env: s.env, stdio });
	for (const a of [['--control=7', '--', 'true'],
		['--control=x', '--', 'true'], ['--control=1', '--', 'true']]) {
		const r = run(a);
		assert.strictEqual(r.status, 2);
		assert.strictEqual(r.stderr.toString().split('\n')[0],
		    'hp-pty: bad control descriptor: ' + a[0].slice(10));
	}
	// Open for reading only: not a channel.
	const r = run(['--control=3', '--', 'true'], ['ignore', 'pipe', 'pipe',
		fs.openSync(__filename, 'r')]);
	assert.strictEqual(r.status, 2);
	for (const a of [['-d', '--control=3', '--', 'true'],
		['--control=3', 'attach', 'x'], ['--control=3', 'resize', 'x',
			'1', '1']]) {
		const q = run(a, ['ignore', 'pipe', 'pipe', 'pipe']);
		assert.strictEqual(q.status, 2);
		assert.match(q.stderr.toString(), /--control is for a terminal/);
	}
	assert.match(run(['--help']).stdout.toString(), /--control fd/);
});
