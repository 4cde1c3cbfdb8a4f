// hp: see LICENSE.
// detect.test.js: detect() and install() over hp-detect, with a registry
// of the test's own.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { hp, setup, rejects } = require('./helpers');

// A registry with a tool found at tmp/tools/faketool once installed,
// whose installer prints progress and then makes it.
function registry(s, install) {
	const dir = path.join(s.tmp, 'tools');
	fs.mkdirSync(dir);
	const conf = path.join(s.tmp, 'tools.conf');
	fs.writeFileSync(conf, [
		'[tool faketool]',
		'name = Fake Tool',
		'command = faketool',
		'dirs = ' + dir,
		'version-args = --version',
		'install = sh -c ' +
		    JSON.stringify(install.replace(/DIR/g, dir)),
		'',
	].join('\n'));
	const env = Object.assign({}, s.env, { HP_TOOLS: conf,
		XDG_CONFIG_HOME: path.join(s.tmp, 'config') });
	return Object.assign({}, s.opts, { env });
}

const MAKE = 'echo fetching 10%; echo unpacking 60%; ' +
    'printf "#!/bin/sh\\necho faketool 1.2.3\\n" > DIR/faketool; ' +
    'chmod +x DIR/faketool; echo done 100%';

test('detect() answers installed or not, without rejecting',
    async (t) => {
	const s = setup(t);
	const o = registry(s, MAKE);
	const r = await hp.detect(['faketool'], o);
	assert.deepStrictEqual(r.map((x) => [x.id, x.installed]),
	    [['faketool', false]]);
	await rejects(hp.detect(['no-such-tool'], o), 'not-found', 2);
});

test('install() reports progress as cli-tool:install-progress, then ' +
    'the tool as detected', async (t) => {
	const s = setup(t);
	const o = registry(s, MAKE);
	const seen = [];
	const r = await hp.install('faketool', (e) => seen.push(e), o);
	assert.deepStrictEqual(seen.map((e) => [e.event, e.percent, e.line]), [
		['cli-tool:install-progress', 10, 'fetching 10%'],
		['cli-tool:install-progress', 60, 'unpacking 60%'],
		['cli-tool:install-progress', 100, 'done 100%'],
	]);
	assert.strictEqual(r.event, 'cli-tool:detected');
	assert.deepStrictEqual([r.installed, r.version], [true, '1.2.3']);
	const d = await hp.detect(['faketool'], o);
	assert.strictEqual(d[0].version, '1.2.3');
});

test('a ProcessManager emits the progress of install() as events',
    async (t) => {
	const s = setup(t);
	const o = registry(s, MAKE);
	const pm = new hp.ProcessManager(o);
	const ev = [];
	pm.on('cli-tool:install-progress', (e) => ev.push(e.percent));
	const r = await pm.install('faketool');
	assert.deepStrictEqual(ev, [10, 60, 100]);
	assert.strictEqual(r.installed, true);
	assert.strictEqual((await pm.detect(['faketool']))[0].installed, true);
});

test('an installer that fails rejects with its status', async (t) => {
	const s = setup(t);
	const o = registry(s, 'echo nope; exit 3');
	const seen = [];
	const e = await rejects(hp.install('faketool', (x) => seen.push(x),
	    o), 'failed', 3);
	assert.match(e.message, /faketool/);
	assert.deepStrictEqual(seen.map((x) => x.line), ['nope']);
	await rejects(hp.install('no-such-tool', null, o), 'not-found', 2);
});
