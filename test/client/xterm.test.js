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

// A terminal of hp-pty wired to an xterm.js of the same size, both ways.
function screen(s, cols, rows) {
	assert.ok(fs.existsSync(XTERM), XTERM + ' is missing: test/npm/fetch ' +
	    'did not fetch it');
	const { Terminal } = require(XTERM);
	const x = new Terminal({ cols, rows, allowProposedApi: true });
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
