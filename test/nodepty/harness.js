// hp: see LICENSE.
// harness.js TARGET: node-pty's own tests (lib/terminal.test.js and
// lib/unixTerminal.test.js of its npm package, as they are) under mocha,
// with require('./unixTerminal') and require('./lib/index') giving TARGET:
// "hp", the client of share/hp/node, where new UnixTerminal(f, a, o) is
// spawn(f, a, o); or "node-pty", @lydell/node-pty (node-pty built for
// Linux), the baseline that shows the tests are read right. Prints a line
// a test and, last, "# pass N", "# fail N", "# skip N", "# differs N"
// (below: what fails against hp for a reason of Node's own, shown so) and
// "# fails for node-pty too N" (what failed against node-pty itself in
// the same run, HP_NODEPTY_BASELINE: its tests of timing, under load).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { leftovers } = require('../client/helpers');

const ROOT = path.resolve(__dirname, '..', '..');
const NPM = path.join(ROOT, 'test', 'npm', 'node_modules');
const TARGET = process.argv[2];
const HP = TARGET === 'hp';

// What we do not run against hp, by full title, with the reason. Only
// what reads node-pty's internals or needs another system.
const SKIP = new Map([
	['UnixTerminal Constructor should set a valid pts name',
	    'reads node-pty internals: ptsName, term.fd'],
	['UnixTerminal open should open a pty with access to a master and ' +
	    'slave socket',
	    'reads node-pty internals: UnixTerminal.open'],
	['Terminal checkType should throw for the wrong type',
	    'reads node-pty internals: checkType of its Terminal class'],
	['Terminal checkType should throw for wrong types within arrays',
	    'reads node-pty internals: checkType of its Terminal class'],
	['Terminal automatic flow control should respect ctor flow control ' +
	    'options',
	    'reads node-pty internals: _flowControlPause'],
]);

// Defined only on macOS by the tests themselves, so never seen here;
// listed so that the count of what is not run is whole.
const ELSEWHERE = new Map([
	['UnixTerminal spawn should return the name of the process',
	    'macOS'],
	['UnixTerminal spawn should return the name of the sub process',
	    'macOS'],
	['UnixTerminal spawn should close on exec',
	    'macOS'],
	['windowsTerminal.test.js, windowsPtyAgent.test.js',
	    'Windows'],
]);

// What cannot pass against hp for a reason of Node's own, with the
// evidence that this is the only reason, looked for as the test runs: a
// test listed here that fails otherwise fails.
const DIFFERS = new Map([
	['UnixTerminal spawn should not leak child process', {
		why: 'the program is the process Node spawned (its pid is ' +
		    'the program\'s), so once it has died of the SIGINT it is ' +
		    'a zombie, [node] <defunct>, until Node\'s event loop reaps ' +
		    'it, which it cannot do inside the execSync that counts; ' +
		    'node-pty reaps in a thread of its own',
		judge: zombieOnly,
	}],
]);

// Our processes whose command line or name has "node": the children of
// this process and what carries our state directory, as ps shows them.
function ours(state) {
	const want = 'HP_STATE_DIR=' + state;
	const out = [];
	for (const p of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(p) || Number(p) === process.pid)
			continue;
		const read = (f) => {
			try {
				return fs.readFileSync('/proc/' + p + '/' + f,
				    'latin1');
			} catch (e) {
				return '';
			}
		};
		const stat = read('stat');
		if (!stat)
			continue;
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const comm = stat.slice(stat.indexOf('(') + 1,
		    stat.lastIndexOf(')'));
		const cmd = read('cmdline').split('\0').join(' ').trim();
		const line = cmd || '[' + comm + ']' + (f[0] === 'Z' ?
		    ' <defunct>' : '');
		if ((Number(f[1]) === process.pid ||
		    read('environ').split('\0').includes(want)) &&
		    /node/.test(line))
			out.push({ pid: Number(p), state: f[0], line });
	}
	return out;
}

// Whether pid has ended (gone, or a zombie) within a bounded wait.
function ends(pid) {
	const nap = new Int32Array(new SharedArrayBuffer(4));
	for (let t = 0; t < 300; t++) {
		let stat;
		try {
			stat = fs.readFileSync('/proc/' + pid + '/stat', 'latin1');
		} catch (e) {
			return true;
		}
		if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z')
			return true;
		Atomics.wait(nap, 0, 0, 10);
	}
	return false;
}

// The count of node-pty's test is taken twice; what of ours was there
// each time (looked at as it counts) is in seen. Only the program's
// zombie may have come in between, and the terminal's relay on its way
// out after it (it ends once the terminal has closed): it must end.
function zombieOnly(seen) {
	if (seen.length !== 2)
		return null;
	const before = new Set(seen[0].map((p) => p.pid));
	const come = seen[1].filter((p) => !before.has(p.pid));
	const relay = come.filter((p) => /hp-pty/.test(p.line));
	const rest = come.filter((p) => !/hp-pty/.test(p.line));
	if (rest.length !== 1 || rest[0].state !== 'Z' ||
	    !relay.every((p) => ends(p.pid)))
		return null;
	return 'pid ' + rest[0].pid + ' ' + rest[0].line +
	    relay.map((p) => '; relay ' + p.pid + ' ended').join('');
}

function die(msg) {
	console.log('not ok 1 - node-pty harness: ' + msg);
	console.log('# pass 0\n# fail 1');
	process.exit(1);
}

// The directory the tests run in: lib/ holds node-pty's two test files
// and their helper as they are, and in place of node-pty's modules ones
// that give the target; fixtures/ what they read (its npm package has
// none: the file is the two bytes of U+00E6).
function workdir() {
	const pkg = path.join(NPM, 'node-pty', 'lib');
	const lyd = path.join(NPM, '@lydell', 'node-pty');
	for (const d of [pkg, lyd, path.join(NPM, 'mocha')])
		if (!fs.existsSync(d))
			die(d + ' is missing: test/npm/fetch did not fetch it');
	const w = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-nodepty-'));
	const lib = path.join(w, 'lib');
	fs.mkdirSync(lib);
	fs.mkdirSync(path.join(w, 'fixtures'));
	fs.writeFileSync(path.join(w, 'fixtures', 'utf8-character.txt'),
	    '\u00e6');
	for (const f of ['terminal.test.js', 'unixTerminal.test.js',
		'testUtils.test.js'])
		fs.copyFileSync(path.join(pkg, f), path.join(lib, f));
	const client = JSON.stringify(path.join(ROOT, 'share', 'hp', 'node'));
	const shims = HP ? {
		'index.js': 'module.exports = require(' + client + ');\n',
		'unixTerminal.js': 'const hp = require(' + client + ');\n' +
		    'exports.UnixTerminal = function UnixTerminal(f, a, ' +
		    'o) {\n\treturn hp.spawn(f, a, o);\n};\n',
		// Only the skipped checkType tests use it.
		'terminal.js': 'exports.Terminal = function Terminal() {};\n',
		'windowsTerminal.js': 'exports.WindowsTerminal = null;\n',
	} : {};
	if (!HP)
		for (const m of ['index', 'unixTerminal', 'terminal',
			'windowsTerminal'])
			shims[m + '.js'] = 'module.exports = require(' +
			    JSON.stringify(path.join(lyd, m)) + ');\n';
	for (const f of Object.keys(shims))
		fs.writeFileSync(path.join(lib, f), shims[f]);
	return w;
}

async function main() {
	if (TARGET !== 'hp' && TARGET !== 'node-pty')
		die('usage: harness.js hp|node-pty');
	const work = workdir();
	const state = path.join(work, 'state');
	fs.mkdirSync(state, { mode: 0o700 });
	// hp-pty from cmd/ (HP_TEST_BIN: from elsewhere); every process
	// started carries the state directory, so that what is left is
	// found.
	process.env.PATH = (process.env.HP_TEST_BIN || path.join(ROOT, 'cmd')) +
	    ':' + process.env.PATH;
	process.env.HP_STATE_DIR = state;
	process.chdir(work);
	const Mocha = require(path.join(NPM, 'mocha'));
	const slow = Number(process.env.HP_TEST_SLOW) || 1;
	// HP_NODEPTY_GREP=TEXT: only the tests whose title has TEXT.
	const mocha = new Mocha({ timeout: 10000 * slow,
		reporter: function () {},
		grep: process.env.HP_NODEPTY_GREP || undefined });
	mocha.addFile(path.join(work, 'lib', 'terminal.test.js'));
	mocha.addFile(path.join(work, 'lib', 'unixTerminal.test.js'));
	await mocha.loadFilesAsync();
	mocha.lazyLoadFiles(true);
	const why = new Map();
	const mark = (suite) => {
		for (const t of suite.tests) {
			const title = t.fullTitle();
			if (HP && SKIP.has(title)) {
				t.pending = true;
				why.set(t, 'SKIP ' + SKIP.get(title));
			}
		}
		suite.suites.forEach(mark);
	};
	mark(mocha.suite);
	// What the test counts with ps, ours looked at the same moment.
	const cp = require('node:child_process');
	const execSync = cp.execSync;
	let seen = [];
	cp.execSync = function (c, ...rest) {
		if (c === 'ps -ax | grep node | wc -l')
			seen.push(ours(state));
		return execSync.call(this, c, ...rest);
	};
	// An assertion in an async listener of a test is a rejection
	// nobody handles: mocha then says only that the test timed out.
	let rejected = null;
	process.on('unhandledRejection', (e) => {
		rejected = e;
	});
	// The tests node-pty itself failed in this run (test/nodepty/run).
	const baseline = new Set();
	if (HP && process.env.HP_NODEPTY_BASELINE)
		for (const l of fs.readFileSync(process.env.HP_NODEPTY_BASELINE,
		    'utf8').split('\n')) {
			const m = /^not ok \d+ - (.*)$/.exec(l);
			if (m)
				baseline.add(m[1]);
		}
	const n = { pass: 0, fail: 0, skip: 0, differs: 0, both: 0 };
	let i = 0;
	const runner = mocha.run();
	runner.on('test', () => {
		seen = [];
		rejected = null;
	});
	runner.on('pass', (t) => {
		n.pass++;
		console.log('ok ' + ++i + ' - ' + t.fullTitle());
	});
	runner.on('fail', (t, err) => {
		const d = HP && DIFFERS.get(t.fullTitle());
		const why = rejected || err;
		const found = d && why && why.code === 'ERR_ASSERTION' &&
		    d.judge(seen);
		if (found) {
			n.differs++;
			console.log('ok ' + ++i + ' - ' + t.fullTitle() +
			    ' # DIFFERS by design: ' + d.why + '; seen: ' +
			    found);
			return;
		}
		if (baseline.has(t.fullTitle())) {
			n.both++;
			console.log('ok ' + ++i + ' - ' + t.fullTitle() +
			    ' # FAILS FOR NODE-PTY TOO in this run: ' +
			    ('' + (why && why.message || why)).split('\n')[0]);
			return;
		}
		n.fail++;
		console.log('not ok ' + ++i + ' - ' + t.fullTitle());
		console.log(('' + (err && err.stack || err)).replace(/^/gm,
		    '#   '));
		if (rejected)
			console.log(('' + (rejected.stack || rejected))
			    .replace(/^/gm, '#   unhandled: '));
		if (d)
			console.log('#   of ours as it counted: ' +
			    JSON.stringify(seen));
	});
	runner.on('pending', (t) => {
		const r = why.get(t) || 'SKIP pending in node-pty itself';
		n.skip++;
		console.log('ok ' + ++i + ' - ' + t.fullTitle() + ' # ' + r);
	});
	await new Promise((res) => runner.on('end', res));
	for (const [t, where] of ELSEWHERE)
		console.log('# not defined here: ' + t + ' (' + where +
		    ' only)');
	// What is left: the baseline's own tests leave shells (node-pty
	// kills them as it exits); ours must leave nothing.
	const end = Date.now() + 5000 * slow;
	while (leftovers(state).length && Date.now() < end)
		await new Promise((res) => setTimeout(res, 20));
	const left = leftovers(state);
	for (const p of left)
		try {
			process.kill(p, 'SIGKILL');
		} catch (e) {
		}
	if (left.length && HP) {
		n.fail++;
		console.log('not ok ' + ++i + ' - no process left behind: ' +
		    left.join(' '));
	}
	fs.rmSync(work, { recursive: true, force: true });
	console.log('# pass ' + n.pass + '\n# fail ' + n.fail + '\n# skip ' +
	    n.skip + '\n# differs ' + n.differs + '\n# fails for node-pty ' +
	    'too ' + n.both);
	process.exit(n.fail ? 1 : 0);
}

main().catch((e) => die(e && e.stack || String(e)));
