// hp: see LICENSE.
// listen.test.js: held sockets, instances, reload(name) and scale() from
// the Node client, against the real commands and test/sockd.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const path = require('node:path');
const fs = require('node:fs');
const { ROOT, setup, rejects } = require('./helpers');

const SOCKD = path.join(ROOT, 'test', 'sockd');

// One GET: the pid of the sockd that answered.
function get(url) {
	return new Promise((resolve, reject) => {
		http.get(url, (r) => {
			let b = '';
			r.on('data', (d) => b += d);
			r.on('end', () => resolve(Number(b)));
		}).on('error', reject);
	});
}

test('spawn({listen, instances}): one socket for all, shown by list()',
    async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const web = await pm.spawn({ name: 'web', command: SOCKD,
		listen: 'tcp://127.0.0.1:0', instances: 2,
		options: { ready: 'notify' } });
	assert.ok(Array.isArray(web));
	assert.deepStrictEqual(web.map((p) => [p.name, p.instance]),
	    [['web:1', 1], ['web:2', 2]]);
	const list = await pm.list(['web']);
	assert.strictEqual(list.length, 2);
	const url = list[0].listen[0];
	assert.match(url, /^tcp:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
	assert.strictEqual(list[1].listen[0], url);
	assert.strictEqual(list[0].status, 'serving');
	const pid = await get(url.replace('tcp', 'http') + '/');
	assert.ok(list.map((p) => p.pid).includes(pid));
	const spec = fs.readFileSync(path.join(s.stateDir, 'procs', 'web',
	    'spec'), 'utf8');
	assert.match(spec, /^listen = tcp:\/\/127\.0\.0\.1:0$/m);
	assert.match(spec, /^instances = 2$/m);
});

test('reload(name) and scale(name, n); reload-failed keeps the old run',
    async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const ok = path.join(s.tmp, 'ok');
	fs.writeFileSync(ok, '');
	await pm.spawn({ name: 'web', command: 'sh', args: ['-c',
		'test -f "$OK" || exit 3; exec ' + SOCKD],
		env: { OK: ok }, listen: ['tcp://127.0.0.1:0'], instances: 2,
		options: { ready: 'notify' } });
	const before = (await pm.list(['web'])).map((p) => p.pid);
	const r = await pm.reload('web');
	assert.strictEqual(r.ok, true);
	assert.strictEqual(r.state, 'running');
	const after = (await pm.list(['web'])).map((p) => p.pid);
	assert.ok(after.every((p) => !before.includes(p)));
	const up = await pm.scale('web', 3);
	assert.strictEqual(up.ok, true);
	assert.strictEqual((await pm.list(['web'])).length, 3);
	fs.unlinkSync(ok);
	await rejects(pm.reload('web:2'), 'reload-failed', 1);
	assert.strictEqual((await pm.status('web:2')).pid, after[1]);
	const down = await pm.scale('web', 1);
	assert.strictEqual(down.ok, true);
	assert.strictEqual((await pm.list(['web'])).length, 1);
});
