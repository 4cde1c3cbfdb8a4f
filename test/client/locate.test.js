// hp: see LICENSE.
// locate.test.js: finding the commands, and an exec failure as an error
// that names its fix, before anything runs.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { BIN, hp, setup, rejects } = require('./helpers');

// A directory dir/name holding an hp-ls made by make(file).
function binWith(s, name, make) {
	const d = path.join(s.tmp, name);
	fs.mkdirSync(d, { recursive: true });
	make(path.join(d, 'hp-ls'));
	return d;
}

function copy(file) {
	fs.copyFileSync(path.join(BIN, 'hp-ls'), file);
	fs.chmodSync(file, 0o755);
}

// An ELF header for another machine than this one.
function foreignElf(file) {
	const b = Buffer.alloc(64);
	b.write('\x7fELF', 0, 'latin1');
	b[4] = 2;
	b[5] = 1;
	b[6] = 1;
	b.writeUInt16LE(2, 16);
	b.writeUInt16LE(process.arch === 'arm64' ? 62 : 183, 18);
	fs.writeFileSync(file, b, { mode: 0o755 });
}

test('a missing command: not-installed, 127, naming { bin }', async (t) => {
	const s = setup(t);
	const d = binWith(s, 'empty', () => {});
	const e = await rejects(hp.run('hp-ls', [], { bin: d }),
	    'not-installed', 127);
	assert.match(e.message, /hp-ls: not found in .*empty.*\{ bin \}/);
	const pm = new hp.ProcessManager({ bin: d });
	await rejects(pm.start(), 'not-installed', 127);
	assert.throws(() => hp.locate('hp-ls', { bin: d }),
	    { code: 'not-installed' });
});

test('a command that is not executable: exec-failed, 126, chmod +x',
    async (t) => {
	const s = setup(t);
	const d = binWith(s, 'noexec', (f) => {
		copy(f);
		fs.chmodSync(f, 0o644);
	});
	const e = await rejects(hp.run('hp-ls', [], { bin: d }),
	    'exec-failed', 126);
	assert.match(e.message, /is not executable: chmod \+x/);
});

test('a command inside an asar archive: exec-failed, naming asarUnpack',
    async (t) => {
	const s = setup(t);
	// Electron's fs makes files inside app.asar look real; a plain
	// directory called app.asar stands in for it.
	const d = binWith(s, 'app.asar/hp/bin', copy);
	const e = await rejects(hp.run('hp-ls', [], { bin: d }),
	    'exec-failed', 126);
	assert.match(e.message, /inside an asar archive.*asarUnpack.*/);
	assert.match(e.message, /extraResources/);
});

test('a command in app.asar is run from app.asar.unpacked', async (t) => {
	const s = setup(t);
	const d = binWith(s, 'app.asar/hp/bin', copy);
	binWith(s, 'app.asar.unpacked/hp/bin', copy);
	assert.strictEqual(hp.locate('hp-ls', { bin: d }), path.join(s.tmp,
	    'app.asar.unpacked', 'hp', 'bin', 'hp-ls'));
	const r = await hp.run('hp-ls', [], Object.assign({}, s.opts,
	    { bin: d }));
	assert.deepStrictEqual(r, []);
});

test('a binary of another machine is refused, not handed to sh',
    async (t) => {
	const s = setup(t);
	const d = binWith(s, 'arm', foreignElf);
	const e = await rejects(hp.run('hp-ls', [], { bin: d }),
	    'exec-failed', 126);
	assert.match(e.message, /is a program for (arm64|x64), and this is /);
	assert.match(e.message, /binaries of this platform \(hp-VERSION-/);
	const g = binWith(s, 'garbage', (f) => fs.writeFileSync(f,
	    'touch ' + path.join(s.tmp, 'ran') + '\n', { mode: 0o755 }));
	await rejects(hp.run('hp-ls', [], { bin: g }), 'exec-failed', 126);
	assert.ok(!fs.existsSync(path.join(s.tmp, 'ran')));
});

test('without bin, the commands are found on PATH', async (t) => {
	const s = setup(t);
	const saved = process.env.PATH;
	process.env.PATH = path.join(s.tmp, 'nothing') + path.delimiter + BIN;
	try {
		assert.strictEqual(hp.locate('hp-ls'), path.join(BIN, 'hp-ls'));
		process.env.PATH = path.join(s.tmp, 'nothing');
		assert.throws(() => hp.locate('hp-ls'),
		    { code: 'not-installed' });
	} finally {
		process.env.PATH = saved;
	}
});

test('platformName() is the suffix of make dist tarballs', () => {
	assert.match(hp.platformName(), /^[a-z0-9]+-[a-z0-9_]+$/);
	if (process.platform === 'linux' && process.arch === 'x64')
		assert.strictEqual(hp.platformName(), 'linux-x86_64');
});
