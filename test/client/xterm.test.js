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

// The program asks its terminal where the cursor is and what it is, as
// vim does at its start; the supervisor answers once, as the terminal it
// is, before anyone attached. The xterm.js that attaches later is drawn
// the screen and asked nothing: the program reads only what was typed.
test('xterm.js attached to a detached terminal shows its screen, and ' +
    'the program gets only what the user typed', { skip: !real &&
    'hp-pty is not built' }, async (t) => {
	const s = setup(t);
	const pm = s.manager();
	await pm.start();
	const log = path.join(s.tmp, 'typed');
	const read = () => fs.existsSync(log) ? fs.readFileSync(log, 'utf8') :
	    '';
	const d = await pm.detached(process.execPath, [path.join(__dirname,
	    'asker.js'), log], { cols: 80, rows: 24 });
	// ESC[1;1R ESC[?1;2c: the cursor at 1,1 and a VT100 with AVO.
	const answered = '1b5b313b31521b5b3f313b3263';
	await waitUntil(() => read() === answered, 10000,
	    'the questions answered once, by the supervisor');
	for (const typed of ['Z', 'Y']) {
		const x = xterm(80, 24);
		const a = pm.attach(d.name, { cols: 80, rows: 24 });
		a.onData((b) => x.write(b));
		x.onData((b) => a.write(b));
		s.atEnd(() => a.detach());
		await waitUntil(() => x.buffer.active.getLine(1)
		    .translateToString(true) === '  ready', 10000, 'ready');
		assert.deepStrictEqual([x.buffer.active.cursorX,
			x.buffer.active.cursorY], [7, 1]);
		const before = read();
		a.write(typed);
		const hex = Buffer.from(typed).toString('hex');
		await waitUntil(() => read().length > before.length, 10000,
		    typed + ' typed');
		assert.strictEqual(read(), before + hex);
		await a.detach();
	}
	assert.strictEqual(read(), answered + '5a59');
});

// Every cell of an xterm.js, its attributes and colours, the cursor and
// which buffer is shown: what two terminals must agree on.
function cells(x) {
	const b = x.buffer.active;
	const rows = [];
	for (let y = 0; y < x.rows; y++) {
		const line = b.getLine(y);
		const row = [];
		for (let cx = 0; cx < x.cols; cx++) {
			const c = line.getCell(cx);
			row.push([c.getChars(), c.getWidth(), c.getFgColorMode(),
				c.getFgColor(), c.getBgColorMode(),
				c.getBgColor(), c.isBold(), c.isItalic(),
				c.isUnderline(), c.isInverse()].join(','));
		}
		rows.push(y + ': ' + row.join(' '));
	}
	rows.push('cursor ' + b.cursorX + ',' + b.cursorY + ' ' + b.type);
	return rows;
}

// What a program drew, seen live by one xterm.js, and what an attach
// draws of the same program kept detached, seen by another that had
// nothing before it: the same screen, cell by cell.
test('what an attach draws is the screen the program drew, cell by cell',
    { skip: !real && 'hp-pty is not built' }, async (t) => {
	const s = setup(t);
	const live = screen(s, 80, 24);
	await waitUntil(() => live.text(2, 4, 5) === '80x24', 10000,
	    'drawn live');
	const pm = s.manager();
	await pm.start();
	const d = await pm.detached(process.execPath, [path.join(__dirname,
	    'draw.js')], { cols: 80, rows: 24 });
	const x = xterm(80, 24);
	const a = pm.attach(d.name, { cols: 80, rows: 24, replay: 0 });
	a.onData((b) => x.write(b));
	s.atEnd(() => a.detach());
	await waitUntil(() => x.buffer.active.getLine(2)
	    .translateToString(true, 4, 9) === '80x24', 10000, 'drawn');
	await new Promise((res) => x.write('', res));
	assert.deepStrictEqual(cells(x), cells(live.x));
	live.pty.write('q');
	await waitUntil(() => live.exit !== null, 10000, 'exit');
	await a.detach();
});
