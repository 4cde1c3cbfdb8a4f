// hp: see LICENSE.
// nodepty.js: make bench's terminal figures for Electron: hp's Node
// client (terminal(), over hp-pty's control channel) beside node-pty
// (@lydell/node-pty of test/npm, prebuilt for Linux) in the same run:
// the first byte of a program, and a resize until the program has drawn
// its screen again; the throughput of 200 MB of output read in the
// app. Lines as bench.c prints them; node-pty missing is said so on its
// line. terminal() takes a spare hp-pty started ahead (spare: true, as
// an app that opens terminals would have it); its first byte without
// one, cold, is beside it.
'use strict';

const path = require('node:path');
const fs = require('node:fs');

const ROOT = path.join(__dirname, '..', '..');
const NODEPTY = path.join(ROOT, 'test', 'npm', 'node_modules', '@lydell',
    'node-pty');
const RUNS = 31;
// 200 MB, as bench.c's relay figure, from head(1) of /dev/zero: the same
// bytes as a cat of a file that size, without the file.
const BIG = 200000000;
const BIGRUNS = 5;
const HEAD = fs.existsSync('/usr/bin/head') ? '/usr/bin/head' : '/bin/head';

// A full-screen program: on every SIGWINCH it draws a screen of the new
// size (TIOCGWINSZ), as vim does, then R; it says "ready" once it can
// be resized.
const REDRAW = '$| = 1; my $ws = "\\0" x 8; $SIG{WINCH} = sub { ' +
    'ioctl(STDOUT, $^O eq "linux" ? 0x5413 : 0x40087468, $ws); ' +
    'my ($r, $c) = unpack("S2", $ws); print "\\e[H\\e[2J", ' +
    '("x" x $c . "\\r\\n") x ($r - 1), "R" }; print "ready"; ' +
    'sleep 100 while 1;';

function median(a) {
	a.sort((x, y) => x - y);
	return a[a.length >> 1];
}

function ms(t0) {
	return Number(process.hrtime.bigint() - t0) / 1e6;
}

// spawn /bin/echo: ms until its first byte.
function firstByte(pty) {
	return new Promise((res) => {
		const t0 = process.hrtime.bigint();
		const p = pty.spawn('/bin/echo', ['x'], { cols: 80, rows: 24,
			env: process.env });
		let t = null;
		p.onData(() => {
			if (t === null)
				t = ms(t0);
		});
		p.onExit(() => res(t));
	});
}

// The redrawing program, resized n times: ms from each resize to its R.
function redraws(pty, n) {
	return new Promise((res, rej) => {
		const p = pty.spawn('/usr/bin/perl', ['-e', REDRAW], { cols: 80,
			rows: 24, env: process.env });
		const times = [];
		let got = '', t0 = null, i = 0;
		const next = () => {
			got = '';
			t0 = process.hrtime.bigint();
			p.resize(i % 2 ? 80 : 100, i % 2 ? 24 : 30);
		};
		p.onData((d) => {
			got += d;
			if (t0 === null && got.includes('ready'))
				return next();
			if (t0 === null || !got.endsWith('R'))
				return;
			times.push(ms(t0));
			if (++i < n)
				return next();
			t0 = null;
			p.kill('SIGKILL');
		});
		p.onExit(() => times.length === n ? res(times) :
		    rej(new Error('the program ended after ' + times.length +
		    ' redraws')));
	});
}

// BIG bytes of output read through the terminal: MB/s, the bytes over
// the time to the last of them. node-pty may say the end before the
// last bytes: they are waited for a moment, and a few may stay lost.
function throughput(pty) {
	return new Promise((res, rej) => {
		const t0 = process.hrtime.bigint();
		const p = pty.spawn(HEAD, ['-c', String(BIG), '/dev/zero'],
		    { cols: 80, rows: 24, env: process.env });
		let n = 0, last = 0;
		p.onData((d) => {
			n += d.length;
			last = ms(t0);
		});
		p.onExit(() => setTimeout(() => n >= BIG * 0.999 ?
		    res(n / last / 1000) : rej(new Error('got ' + n +
		    ' bytes of ' + BIG)), 200));
	});
}

// The least and the most of a, sorted by median().
function spread(a, b) {
	const f = (v) => v.toFixed(0);
	return '; ' + a.length + ' runs: ' + f(a[0]) + '-' +
	    f(a[a.length - 1]) + (b ? ', base ' + f(b[0]) + '-' +
	    f(b[b.length - 1]) : '');
}

function row(what, hp, base, unit, bar) {
	const f = (v) => v === null ? '        -' : v.toFixed(2).padStart(9);
	const ratio = hp !== null && base ? (hp / base).toFixed(2) + 'x' : '-';
	console.log(what.padEnd(34) + ' ' + f(hp) + ' ' + unit.padEnd(3) +
	    ' ' + f(base) + ' ' + unit.padEnd(3) + ' ' + ratio.padStart(7) +
	    '   ' + bar);
}

// Turn by turn, so that both see the same machine: RUNS first bytes
// each, alternating (hp warm, then cold), then RUNS redraws each.
async function figures(hp, cold, base) {
	const first = [[], []], redraw = [], coldfirst = [];
	for (let i = 0; i < RUNS; i++) {
		first[0].push(await firstByte(hp));
		coldfirst.push(await firstByte(cold));
		if (base)
			first[1].push(await firstByte(base));
	}
	redraw.push(median(await redraws(hp, RUNS)));
	redraw.push(base ? median(await redraws(base, RUNS)) : null);
	const rate = [[], []];
	for (let i = 0; i < BIGRUNS; i++) {
		rate[0].push(await throughput(hp));
		if (base)
			rate[1].push(await throughput(base));
	}
	return { first: [median(first[0]), base ? median(first[1]) : null],
		cold: median(coldfirst),
		redraw, rate: [median(rate[0]), base ? median(rate[1]) : null],
		spread: spread(rate[0], base ? rate[1] : null) };
}

async function main() {
	process.env.PATH = path.join(ROOT, 'cmd') + ':' + process.env.PATH;
	const hp = require(path.join(ROOT, 'share', 'hp', 'node'));
	const base = fs.existsSync(NODEPTY) ? require(NODEPTY) : null;
	const why = base ? '' : ' (node-pty: not in test/npm)';
	const spared = { spawn: (f, a, o) => hp.spawn(f, a,
		Object.assign({ spare: true }, o)) };
	hp.spare();
	const f = await figures(spared, hp, base);
	await hp.endSpares();
	row('terminal() until the first byte', f.first[0], f.first[1], 'ms',
	    'within 1.2x of node-pty; a spare hp-pty' + why);
	row('terminal() until the first byte, cold', f.cold, f.first[1], 'ms',
	    'no spare' + why);
	row('terminal() resize to redraw', f.redraw[0], f.redraw[1], 'ms',
	    'within 1.2x of node-pty; no exec' + why);
	row('terminal() throughput, 200 MB', f.rate[0], f.rate[1], 'MB/s',
	    'at least node-pty, in-process' + why + f.spread);
}

main().catch((e) => {
	console.error('nodepty.js: ' + (e && e.stack || e));
	process.exit(1);
});
