// hp: see LICENSE.
// xterm.test.js: what a program draws through terminal(), rendered by
// xterm.js (@xterm/headless of test/npm) as a front end would, and read
// back cell by cell: characters, colours, bold, the cursor, the alternate
// screen, and the screen drawn again at a new size.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { BIN, ROOT, hp, waitUntil, setup } = require('./helpers');

const XTERM = path.join(ROOT, 'test', 'npm', 'node_modules', '@xterm',
    'headless');
const real = fs.existsSync(path.join(BIN, 'hp-pty'));

function xterm(cols, rows) {
	assert.ok(fs.existsSync(XTERM), XTERM + ' is missing: test/npm/fetch ' +
	    'did not fetch it');
	const { Terminal } = require(XTERM);
	return new Terminal({ cols, rows, allowProposedApi: true });
}

// A terminal of hp-pty wired to an xterm.js of the same size, both ways.
function screen(s, cols, rows) {
	const x = xterm(cols, rows);
	const pty = hp.terminal(process.execPath, [path.join(__dirname,
	    'draw.js')], Object.assign({}, s.opts, { cols, rows }));
	const v = { x, pty, exit: null };
	pty.onData((d) => x.write(d));
	x.onData((d) => pty.write(d));
	pty.onExit((e) => { v.exit = e; });
	s.atEnd(async () => pty.kill('SIGKILL'));
	v.cell = (cx, cy) => x.buffer.active.getLine(cy).getCell(cx);
	v.text = (cy, from, len) => x.buffer.active.getLine(cy)
	    .translateToString(true, from, from + len);
	return v;
}

test('xterm.js shows what a program drew: characters, colours, bold, ' +
    'the cursor, the alternate screen', { skip: !real &&
    'hp-pty is not built' }, async (t) => {
	const s = setup(t);
	const v = screen(s, 80, 24);
	await waitUntil(() => v.text(2, 4, 5) === '80x24', 10000, '80x24');
	assert.strictEqual(v.x.buffer.active.type, 'alternate');
	for (const [cx, cy] of [[0, 0], [79, 0], [0, 23], [79, 23]])
		assert.strictEqual(v.cell(cx, cy).getChars(), '+',
		    cx + ',' + cy);
	assert.strictEqual(v.text(0, 1, 78), '-'.repeat(78));
	assert.deepStrictEqual([v.cell(0, 12).getChars(),
		v.cell(79, 12).getChars(), v.cell(1, 12).getChars()],
	    ['|', '|', '']);
	for (let i = 4; i < 9; i++) {
		const c = v.cell(i, 2);
		assert.ok(c.isBold() && c.isFgPalette() && c.getFgColor() === 1,
		    'bold red at ' + i);
	}
	assert.ok(!v.cell(9, 2).isBold() && v.cell(9, 2).isFgDefault());
	assert.strictEqual(v.text(4, 4, 10), 'orange rgb');
	assert.ok(v.cell(4, 4).isFgPalette() && v.cell(4, 4).getFgColor() ===
	    208);
	assert.ok(v.cell(11, 4).isFgRGB() && v.cell(11, 4).getFgColor() ===
	    0x010203);
	assert.deepStrictEqual([v.x.buffer.active.cursorX,
		v.x.buffer.active.cursorY], [4, 6]);
	v.pty.write('q');
	await waitUntil(() => v.exit !== null, 10000, 'exit');
	await new Promise((res) => v.x.write('', res));
	assert.deepStrictEqual(v.exit, { exitCode: 0, signal: 0 });
	assert.strictEqual(v.x.buffer.active.type, 'normal');
	assert.strictEqual(v.text(0, 0, 80), '');
});

test('a resize reaches the program, which draws again at the new size',
    { skip: !real && 'hp-pty is not built' }, async (t) => {
	const s = setup(t);
	const v = screen(s, 80, 24);
	await waitUntil(() => v.text(2, 4, 5) === '80x24', 10000, '80x24');
	v.x.resize(100, 30);
	v.pty.resize(100, 30);
	await waitUntil(() => v.text(2, 4, 6) === '100x30', 10000, '100x30');
	for (const [cx, cy] of [[0, 0], [99, 0], [0, 29], [99, 29]])
		assert.strictEqual(v.cell(cx, cy).getChars(), '+',
		    cx + ',' + cy);
	assert.strictEqual(v.text(29, 1, 98), '-'.repeat(98));
	v.pty.write('q');
	await waitUntil(() => v.exit !== null, 10000, 'exit');
});

// An xterm.js that attaches answers what the replay asks, as it would
// the program itself; those answers reach the program as typed keys.
// Until the supervisor keeps the screen and answers once (issue 17, item
// 5: the C side), this is a todo: it runs, and says how it fails.
test('xterm.js attached to a detached terminal shows its screen, and ' +
    'the program gets only what the user typed', { skip: !real &&
    'hp-pty is not built', todo: 'blocked on the supervisor\'s screen ' +
    'state: the replay\'s queries are answered again' }, async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const log = path.join(s.tmp, 'typed');
	const d = await pm.detached(process.execPath, [path.join(__dirname,
	    'asker.js'), log], { cols: 80, rows: 24 });
	await waitUntil(() => fs.existsSync(log), 10000, 'asker');
	const x = xterm(80, 24);
	const a = pm.attach(d.name, { cols: 80, rows: 24 });
	a.onData((b) => x.write(b));
	x.onData((b) => a.write(b));
	s.atEnd(() => a.detach());
	await waitUntil(() => x.buffer.active.getLine(1)
	    .translateToString(true) === '  ready', 10000, 'ready');
	// The user types Z; what came before it was not typed.
	a.write('Z');
	await waitUntil(() => fs.readFileSync(log, 'utf8').includes('5a'),
	    10000, 'Z typed');
	assert.strictEqual(fs.readFileSync(log, 'utf8'), '5a');
	await a.detach();
});
