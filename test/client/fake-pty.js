// hp: see LICENSE.
// fake-pty.js: stands in for hp-pty to test the client's side of its
// contract. "hp-pty [-S DIR] -n NAME -c COLS -r ROWS (--control=3 |
// --eof-hangup) [-C DIR] -- FILE ARG..." prints its argv, cwd and some
// of its environment, then echoes its input in upper case. It is the
// program: with --control=3, a relay of its own (a second process, as
// hp-pty's) holds the channel, says hello (H), and records each frame it
// reads in STATE/fake-NAME-frames ("s 100 40", "k 9", "x", "EOF"). Lines
// of input: "register" makes NAME known to "hp-pty --json [-S DIR]
// resize NAME COLS ROWS", which records the size; "big N" writes N
// bytes; "exit N" exits N; "die SIG" kills itself with SIG; "fg NAME"
// has the relay say that NAME has the terminal (F); "execfail" has it
// say that the program could not be started (E), and exits 127;
// "mark FILE" writes "marked" and then creates FILE. SIGUSR1 and SIGUSR2
// are told ("USR1"). FAKE_PTY_OLD=1: an hp-pty without --control.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const argv = process.argv.slice(2);
const opt = (o) => argv.includes(o) ? argv[argv.indexOf(o) + 1] : null;
const dir = opt('-S');
const file = (n, what) => path.join(dir, 'fake-' + n + what);

function frame(kind, payload) {
	const p = Buffer.from(payload);
	const b = Buffer.alloc(3 + p.length);
	b[0] = kind.charCodeAt(0);
	b.writeUInt16BE(p.length, 1);
	p.copy(b, 3);
	return b;
}

// The relay: fd 3 is the channel; its stdin, lines from the program.
function relay(out, pid) {
	const sock = new net.Socket({ fd: 3, readable: true, writable: true });
	const log = (l) => fs.appendFileSync(out, l + '\n');
	let buf = Buffer.alloc(0);
	sock.write(frame('H', JSON.stringify({ pid: Number(pid) })));
	sock.on('data', (b) => {
		buf = Buffer.concat([buf, b]);
		while (buf.length >= 3 &&
		    buf.length >= 3 + buf.readUInt16BE(1)) {
			const n = buf.readUInt16BE(1);
			const p = buf.subarray(3, 3 + n).toString();
			const k = String.fromCharCode(buf[0]);
			buf = buf.subarray(3 + n);
			log(p ? k + ' ' + p : k);
			if (k === 'x')
				sock.end(() => process.exit(0));
		}
	});
	sock.on('end', () => {
		log('EOF');
		process.exit(0);
	});
	let line = '';
	process.stdin.setEncoding('utf8');
	process.stdin.on('data', (d) => {
		line += d;
		let i;
		while ((i = line.indexOf('\n')) >= 0) {
			const [verb, arg] = line.slice(0, i).split(' ');
			line = line.slice(i + 1);
			if (verb === 'fg')
				sock.write(frame('F', JSON.stringify({ pid: 1,
					name: arg })));
			if (verb === 'execfail')
				sock.write(frame('E', JSON.stringify({
					code: 'exec-failed', exit_code: 127,
					message: 'command not found' })),
				    () => process.stdout.write('', () =>
				    process.exit(0)));
		}
	});
}

if (argv[0] === '--fake-relay') {
	relay(argv[1], argv[2]);
} else if (argv.includes('--help')) {
	process.stdout.write('usage: hp-pty [-n name] ' +
	    (process.env.FAKE_PTY_OLD ? '' : '[--control=fd] ') +
	    '[-- command [arg ...]]\n');
} else if (argv.includes('resize')) {
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
} else {
	program();
}

function program() {
	const name = opt('-n');
	if (opt('-C'))
		process.chdir(opt('-C'));
	let r = null;
	if (argv.includes('--control=3')) {
		r = spawn(process.execPath, [__filename, '--fake-relay',
			file(name, '-frames'), String(process.pid)],
		{ stdio: ['pipe', 'ignore', 'inherit', 3] });
		fs.closeSync(3);
	}
	const tell = (l, then) => r.stdin.write(l + '\n', then);
	process.on('SIGUSR1', () => process.stdout.write('USR1\r\n'));
	process.stdout.write('ARGS ' + JSON.stringify({ argv,
		cwd: process.cwd(), TEST_VAR: process.env.TEST_VAR,
		TERM: process.env.TERM, PWD: process.env.PWD,
		TMUX: process.env.TMUX }) + '\r\n');
	let buf = '';
	process.stdin.setEncoding('utf8');
	process.stdin.on('data', (d) => {
		buf += d;
		let i;
		while ((i = buf.indexOf('\n')) >= 0) {
			const l = buf.slice(0, i);
			buf = buf.slice(i + 1);
			command(l, name, tell, r);
		}
	});
}

function command(l, name, tell, r) {
	const m = /^(\w+) ?(.*)$/.exec(l) || [l, l, ''];
	const arg = m[2];
	switch (m[1]) {
	case 'register':
		fs.writeFileSync(file(name, ''), String(process.pid));
		break;
	case 'big':
		process.stdout.write('x'.repeat(+arg));
		break;
	case 'exit':
		process.stdout.write('', () => process.exit(+arg));
		break;
	case 'die':
		process.kill(process.pid, arg);
		break;
	case 'fg':
		tell(l);
		break;
	case 'execfail':
		process.stderr.write('hp-pty: prog: command not found\n');
		tell(l);
		r.on('exit', () => process.exit(127));
		break;
	case 'mark':
		process.stdout.write('marked\r\n', () =>
		    fs.writeFileSync(arg, ''));
		break;
	default:
		process.stdout.write(l.toUpperCase() + '\r\n');
	}
}
