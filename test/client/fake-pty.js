// hp: see LICENSE.
// fake-pty.js: stands in for hp-pty to test the client's side of its
// contract: "hp-pty [-S DIR] -n NAME -c COLS -r ROWS [-C DIR] [-T TERM]
// -- FILE ARG..." prints its argv, cwd and $TEST_VAR, then echoes its
// input in upper case; the line "register" makes NAME known to
// "hp-pty --json [-S DIR] resize NAME COLS ROWS", which records the size;
// "big N" writes N bytes; "exit N" exits N.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const argv = process.argv.slice(2);
const opt = (o) => argv.includes(o) ? argv[argv.indexOf(o) + 1] : null;
const dir = opt('-S');
const file = (n, what) => path.join(dir, 'fake-' + n + what);

if (argv.includes('resize')) {
	const [name, c, r] = argv.slice(argv.indexOf('resize') + 1);
	if (!fs.existsSync(file(name, ''))) {
		const error = { code: 'not-found',
			message: name + ': no such terminal' };
		process.stdout.write(JSON.stringify({ error }) + '\n');
		process.exit(1);
	}
	fs.appendFileSync(file(name, '-resizes'), c + ' ' + r + '\n');
	process.stdout.write(JSON.stringify({ name, cols: +c, rows: +r }) +
	    '\n');
	process.exit(0);
}

const name = opt('-n');
process.stdout.write('ARGS ' + JSON.stringify({ argv, cwd: process.cwd(),
	TEST_VAR: process.env.TEST_VAR }) + '\r\n');
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
	buf += d;
	let i;
	while ((i = buf.indexOf('\n')) >= 0) {
		const l = buf.slice(0, i);
		buf = buf.slice(i + 1);
		let m;
		if (l === 'register')
			fs.writeFileSync(file(name, ''), String(process.pid));
		else if ((m = /^big (\d+)$/.exec(l)))
			process.stdout.write('x'.repeat(+m[1]));
		else if ((m = /^exit (\d+)$/.exec(l)))
			process.stdout.write('', () => process.exit(+m[1]));
		else
			process.stdout.write(l.toUpperCase() + '\r\n');
	}
});
