// hp: see LICENSE.
// harness.js TARGET: node-pty's own tests (lib/terminal.test.js and
// lib/unixTerminal.test.js of its npm package, as they are) under mocha,
// with require('./unixTerminal') and require('./lib/index') giving TARGET:
// "hp", the client of share/hp/node, where new UnixTerminal(f, a, o) is
// spawn(f, a, o); or "node-pty", @lydell/node-pty (node-pty built for
// Linux), the baseline that shows the tests are read right. Prints a line
// a test and, last, "# pass N", "# fail N", "# skip N", "# blocked N".
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

// What needs hp-pty's control channel (and its program's pid as the
// pid of what the client spawned): emptied when hp-pty has them.
// HP_NODEPTY_BLOCKED=run runs them too, to see where they stand.
const BLOCKED = new Map([
	['UnixTerminal signals in parent and child SIGINT - custom in ' +
	    'parent and child',
	    'pid must be the program\'s: the SIGINT ' +
	    'sent to pid reaches hp-pty, which hangs the terminal up'],
	['UnixTerminal signals in parent and child SIGUSR1 - custom in ' +
	    'parent and child',
	    'kill(\'SIGUSR1\') must reach the program; ' +
	    'hp-pty can pass on only a hang-up'],
	['UnixTerminal spawn should not leak child process',
	    'pid must be the program\'s: it is sent SIGINT and the ' +
	    'node processes are counted at once; hp-pty hangs up and ' +
	    'exits first only when the machine is quiet'],
]);

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
	const mocha = new Mocha({ timeout: 10000 * slow,
		reporter: function () {} });
	mocha.addFile(path.join(work, 'lib', 'terminal.test.js'));
	mocha.addFile(path.join(work, 'lib', 'unixTerminal.test.js'));
	await mocha.loadFilesAsync();
	mocha.lazyLoadFiles(true);
	const why = new Map();
	const runBlocked = process.env.HP_NODEPTY_BLOCKED === 'run';
	const mark = (suite) => {
		for (const t of suite.tests) {
			const title = t.fullTitle();
			const r = !HP ? null : SKIP.has(title) ?
			    'SKIP ' + SKIP.get(title) :
			    BLOCKED.has(title) && !runBlocked ?
			    'BLOCKED on hp-pty control channel: ' +
			    BLOCKED.get(title) : null;
			if (r) {
				t.pending = true;
				why.set(t, r);
			}
		}
		suite.suites.forEach(mark);
	};
	mark(mocha.suite);
	const n = { pass: 0, fail: 0, skip: 0, blocked: 0 };
	let i = 0;
	const runner = mocha.run();
	runner.on('pass', (t) => {
		n.pass++;
		console.log('ok ' + ++i + ' - ' + t.fullTitle());
	});
	runner.on('fail', (t, err) => {
		n.fail++;
		console.log('not ok ' + ++i + ' - ' + t.fullTitle());
		console.log(('' + (err && err.stack || err)).replace(/^/gm,
		    '#   '));
	});
	runner.on('pending', (t) => {
		const r = why.get(t) || 'SKIP pending in node-pty itself';
		n[r.startsWith('BLOCKED') ? 'blocked' : 'skip']++;
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
	    n.skip + '\n# blocked ' + n.blocked);
	process.exit(n.fail ? 1 : 0);
}

main().catch((e) => die(e && e.stack || String(e)));
