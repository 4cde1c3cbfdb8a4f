// hp: see LICENSE.
// manager.js: make bench's figures of the Node client's verbs for an
// app: a start of a stopped service by pm.start(name) until its answer
// (its program has exec'd), put to the supervisor by its control FIFO,
// and the same through hp-supervise (a pattern goes so), beside
// child_process.spawn() of the same program until its 'spawn' event
// (libuv's: once the exec is done), turn by turn in the same run.
'use strict';

const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const RUNS = 31;
const SLEEP = ['/bin/sleep', '/usr/bin/sleep'].find((f) =>
    require('node:fs').existsSync(f));

function median(a) {
	a.sort((x, y) => x - y);
	return a[a.length >> 1];
}

async function timed(fn) {
	const t0 = process.hrtime.bigint();
	await fn();
	return Number(process.hrtime.bigint() - t0) / 1e6;
}

function bare() {
	return new Promise((res, rej) => {
		const c = spawn(SLEEP, ['1000'], { stdio: 'ignore' });
		c.once('error', rej);
		c.once('spawn', () => res(c));
	});
}

// The medians of v and base, and of each turn's own ratio v / base.
function row(what, v, base, bar) {
	const f = (x) => x.toFixed(2).padStart(9);
	const r = median(v.map((x, i) => x / base[i]));
	console.log(what.padEnd(34) + ' ' + f(median(v)) + ' ms  ' +
	    f(median(base)) + ' ms  ' + r.toFixed(2).padStart(6) + 'x   ' +
	    bar);
}

async function main() {
	const hp = require(path.join(ROOT, 'share', 'hp', 'node'));
	const pm = new hp.ProcessManager({ bin: process.env.HP_BENCH_BIN ||
		path.join(ROOT, 'cmd'),
		stateDir: process.env.HP_STATE_DIR + '.manager' });
	const fifo = [], cmd = [], base = [];
	await pm.start();
	try {
		await pm.spawn({ name: 's', command: SLEEP, args: ['1000'] });
		await pm.stop('s');
		for (let i = 0; i < RUNS; i++) {
			fifo.push(await timed(() => pm.start('s')));
			await pm.stop('s');
			cmd.push(await timed(() => pm.start('[s]')));
			await pm.stop('s');
			let c;
			base.push(await timed(async () => {
				c = await bare();
			}));
			c.kill('SIGKILL');
			await new Promise((res) => c.once('exit', res));
		}
	} finally {
		await pm.shutdown();
	}
	row('pm.start(name), control FIFO', fifo, base,
	    'within 1.5x of spawn(); base: spawn() until exec\'d');
	row('pm.start(name), hp-supervise', cmd, base,
	    'a pattern, or a supervisor joined');
}

main().catch((e) => {
	console.error('manager.js: ' + (e && e.stack || e));
	process.exit(1);
});
