// hp: see LICENSE.
// types.test.js: index.d.ts against node-pty's typings: code written for
// node-pty compiles unchanged with 'node-pty' meaning either (tsc --strict
// --noEmit, typescript of test/npm); what node-pty's typings refuse, ours
// refuse; the client's own types hold together.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('./helpers');

const NPM = path.join(ROOT, 'test', 'npm', 'node_modules');
const TSC = path.join(NPM, 'typescript', 'bin', 'tsc');
const OURS = path.join(ROOT, 'share', 'hp', 'node', 'index.d.ts');
const THEIRS = path.join(NPM, 'node-pty', 'typings', 'node-pty.d.ts');
const TS = path.join(__dirname, 'ts');

// tsc --strict --noEmit over file, with 'node-pty' (and 'hp-client')
// resolved to ours, or to node-pty's typings: its output and status.
function tsc(t, file, theirs) {
	for (const f of [TSC, THEIRS, path.join(NPM, '@types', 'node')])
		assert.ok(fs.existsSync(f), f + ' is missing: test/npm/fetch ' +
		    'did not fetch it');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-tsc-'));
	t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
	const conf = path.join(dir, 'tsconfig.json');
	fs.writeFileSync(conf, JSON.stringify({
		compilerOptions: { strict: true, noEmit: true, target: 'es2020',
			module: 'commonjs', moduleResolution: 'node',
			typeRoots: [path.join(NPM, '@types')], types: ['node'],
			baseUrl: dir, paths: theirs ? {} : { 'node-pty': [OURS],
				'hp-client': [OURS] } },
		files: [path.join(TS, file)].concat(theirs ? [THEIRS] : []),
	}));
	try {
		return { status: 0, out: execFileSync(process.execPath,
		    [TSC, '-p', conf]).toString() };
	} catch (e) {
		return { status: e.status, out: String(e.stdout) };
	}
}

test('code written against node-pty\'s typings compiles against them ' +
    'and against index.d.ts, class X implements IPty included', (t) => {
	const theirs = tsc(t, 'nodepty-api.ts', true);
	assert.deepStrictEqual(theirs, { status: 0, out: '' });
	const ours = tsc(t, 'nodepty-api.ts', false);
	assert.deepStrictEqual(ours, { status: 0, out: '' });
});

test('what node-pty\'s typings refuse, index.d.ts refuses: a resize ' +
    'awaited, an IPty without handleFlowControl', (t) => {
	for (const theirs of [true, false]) {
		const r = tsc(t, 'misuse.ts', theirs);
		assert.strictEqual(r.status, 2, r.out);
		const errs = r.out.split('\n').filter((l) =>
		    /error TS/.test(l));
		assert.strictEqual(errs.length, 2, r.out);
		assert.match(errs[0],
		    /misuse\.ts\(6,7\).*'void'.*'Promise<void>'/);
		assert.match(errs[1], /misuse\.ts\(7,7\).*'Half'.*'IPty'/);
		assert.match(r.out, /'handleFlowControl' is missing/);
	}
});

test('the client\'s own terminals are typed: HpPty, LaunchedPty, ' +
    'AttachedPty, each an IPty', (t) => {
	assert.deepStrictEqual(tsc(t, 'hp-api.ts', false),
	    { status: 0, out: '' });
});

test('index.d.ts refuses a state wait() does not know, and one answer ' +
    'from a pattern', (t) => {
	const r = tsc(t, 'wait-misuse.ts', false);
	assert.strictEqual(r.status, 2, r.out);
	const errs = r.out.split('\n').filter((l) => /error TS/.test(l));
	assert.strictEqual(errs.length, 2, r.out);
	assert.match(errs[0], /wait-misuse\.ts\(7,16\).*'"sleeping"'/);
	assert.match(errs[1], /wait-misuse\.ts\(8,7\).*'Promise<VerbResult\[\]>'/);
});
