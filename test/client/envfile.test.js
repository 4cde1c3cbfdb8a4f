// hp: see LICENSE.
// envfile.test.js: spawn({envFile}) and ProcessManager({config,
// profile}) from the Node client, against the real commands.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const { setup, waitUntil, rejects } = require('./helpers');

// The environment of a running pid, as an object.
function environ(pid) {
	const o = {};
	for (const e of fs.readFileSync('/proc/' + pid + '/environ', 'utf8')
	    .split('\0').filter(Boolean))
		o[e.slice(0, e.indexOf('='))] = e.slice(e.indexOf('=') + 1);
	return o;
}

test('spawn({envFile}): read at each start, under env', async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const one = path.join(s.tmp, 'one.env');
	const two = path.join(s.tmp, 'two.env');
	fs.writeFileSync(one, 'A=one\nB="x\\ny"\nC=one\n');
	fs.writeFileSync(two, "export C='two'\n");
	const p = await pm.spawn({ name: 'e', command: 'sleep',
		args: ['100'], envFile: [one, two], env: { A: 'given' } });
	let env = environ(p.pid);
	assert.strictEqual(env.A, 'given');
	assert.strictEqual(env.B, 'x\ny');
	assert.strictEqual(env.C, 'two');
	fs.writeFileSync(two, 'C=changed\n');
	await pm.restart('e');
	await waitUntil(async () => {
		const l = await pm.list(['e']);
		return l[0].state === 'running' && l[0].pid !== p.pid;
	});
	env = environ((await pm.list(['e']))[0].pid);
	assert.strictEqual(env.C, 'changed');
	await rejects(pm.spawn({ name: 'f', command: 'sleep', args: ['1'],
		envFile: path.join(s.tmp, 'nope.env') }), 'exec-failed', 126);
});

test('ProcessManager({config, profile}): the profile\'s sections',
    async (t) => {
	const s = setup(t);
	const conf = path.join(s.tmp, 'hp.conf');
	fs.writeFileSync(conf, '[service web]\nexec = sleep 100\n' +
	    'env = MODE=dev\n[service web @production]\n' +
	    'env = MODE=production\n');
	const pm = s.manager({ config: conf, profile: 'production' });
	await pm.start();
	await waitUntil(async () => {
		const l = await pm.list(['web']).catch(() => []);
		return l.length === 1 && l[0].state === 'running';
	});
	const l = await pm.list(['web']);
	assert.strictEqual(environ(l[0].pid).MODE, 'production');
	const bad = s.manager({ config: conf, profile: 'staging',
		stateDir: path.join(s.tmp, 'other') });
	await rejects(bad.start(), 'config', 2);
});
