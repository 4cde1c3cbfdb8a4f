// hp: see LICENSE.
// draw.js: a full-screen program for xterm.test.js. On the alternate
// screen: a frame of the terminal's size, its size in bold red at row 3,
// column 5, a 256-colour and a true-colour word at row 5, and the cursor
// left at row 7, column 5; drawn again on every change of size. Typing
// q ends it, back on the normal screen, where it wrote nothing.
'use strict';

const out = process.stdout;

function draw() {
	const c = out.columns;
	const r = out.rows;
	let s = '\x1b[?1049h\x1b[2J\x1b[H+' + '-'.repeat(c - 2) + '+';
	for (let y = 2; y < r; y++)
		s += '\x1b[' + y + ';1H|\x1b[' + y + ';' + c + 'H|';
	s += '\x1b[' + r + ';1H+' + '-'.repeat(c - 2) + '+';
	s += '\x1b[3;5H\x1b[1;31m' + c + 'x' + r + '\x1b[0m';
	s += '\x1b[5;5H\x1b[38;5;208morange\x1b[0m \x1b[38;2;1;2;3mrgb\x1b[0m';
	out.write(s + '\x1b[7;5H');
}

process.stdin.setRawMode(true);
process.stdin.on('data', (d) => {
	if (d.includes(0x71))
		out.write('\x1b[?1049l', () => process.exit(0));
});
out.on('resize', draw);
draw();
