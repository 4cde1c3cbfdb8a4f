// hp: see LICENSE.
// helpers.js: what the client's tests share: a state directory of their
// own, the commands of this tree, a bounded poll, and a check, after each
// test, that no process it started is left.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert');

const ROOT = path.resolve(__dirname, '..', '..');
// HP_TEST_BIN: the commands from elsewhere (make memcheck's wrappers).
const BIN = process.env.HP_TEST_BIN || path.join(ROOT, 'cmd');
const hp = require(path.join(ROOT, 'share', 'hp', 'node'));

// waitUntil(fn, ms): poll fn every 10 ms until it returns true (or a
// promise of true); reject when ms pass first (times HP_TEST_SLOW).
async function waitUntil(fn, ms, what) {
	const end = Date.now() + (ms || 10000) *
	    (Number(process.env.HP_TEST_SLOW) || 1);
	for (;;) {
		if (await fn())
			return;
		if (Date.now() > end)
			throw new Error('timed out: ' +
			    (what || fn.toString()));
		await new Promise((r) => setTimeout(r, 10));
	}
}

// A live process: not a zombie with no thread left (one whose first
// thread has ended while another runs is shown Z, and is there).
function alive(pid) {
	let s;
	try {
		s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
	} catch (e) {
		return false;
	}
	const f = s.slice(s.lastIndexOf(') ') + 2).split(' ');
	return !(f[0] === 'Z' && Number(f[17]) <= 1);
}

// The processes whose environment names the state directory dir: the
// supervisor, what it started, and our helpers.
function leftovers(dir) {
	const want = 'HP_STATE_DIR=' + dir;
	const out = [];
	for (const p of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(p) || Number(p) === process.pid)
			continue;
		let env;
		try {
			env = fs.readFileSync('/proc/' + p + '/environ',
			    'latin1');
		} catch (e) {
			continue;
		}
		if (env.split('\0').includes(want) && alive(p))
			out.push(Number(p));
	}
	return out;
}

// setup(t): a fresh state directory; the options of a client for it
// (bin, stateDir, env with HP_STATE_DIR so that every process started
// carries it); after the test, its atEnd functions are run, its managers
// shut down, and what is left is killed and fails it.
function setup(t) {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-client-'));
	const stateDir = path.join(tmp, 'state');
	const env = { PATH: BIN + ':/usr/local/bin:/usr/bin:/bin',
		HOME: process.env.HOME || tmp, LC_ALL: 'C',
		HP_STATE_DIR: stateDir };
	const opts = { bin: BIN, stateDir, env };
	const managers = [];
	const ends = [];
	t.after(async () => {
		for (const fn of ends)
			await fn().catch(() => {});
		for (const pm of managers)
			if (pm.child)
				await pm.shutdown({ timeout: '15s' })
				    .catch(() => {});
		await waitUntil(() => leftovers(stateDir).length === 0, 5000)
		    .catch(() => {});
		const left = leftovers(stateDir);
		for (const p of left)
			try {
				process.kill(p, 'SIGKILL');
			} catch (e) {
			}
		fs.rmSync(tmp, { recursive: true, force: true });
		assert.deepStrictEqual(left, [], 'processes left behind');
	});
	return {
		tmp, stateDir, env, opts,
		manager(more) {
			const pm = new hp.ProcessManager(Object.assign({}, opts,
			    more));
			managers.push(pm);
			return pm;
		},
		// fn, a function returning a promise, is run after the
		// test, before what is left is looked for.
		atEnd(fn) {
			ends.push(fn);
		},
	};
}

// rejects(promise, code, status): it rejects with an HpError of code.
async function rejects(p, code, status) {
	let err = null;
	try {
		await p;
	} catch (e) {
		err = e;
	}
	assert.ok(err, 'did not reject');
	assert.ok(err instanceof hp.HpError, 'not an HpError: ' + err);
	assert.strictEqual(err.code, code, err.message);
	if (status !== undefined)
		assert.strictEqual(err.status, status, err.message);
	return err;
}

module.exports = { ROOT, BIN, hp, waitUntil, alive, leftovers, setup,
	rejects };
