// hp: see LICENSE.
// holder.js DIR [unref | grace=DUR]: a Node.js program that keeps a
// supervisor and two processes through the client, prints their pids as
// a JSON line, and waits to be killed, or with unref ends; with grace,
// its supervisor waits so long for a new parent (parentGrace).
'use strict';

const path = require('node:path');
const hp = require(path.join(__dirname, '..', '..', 'share', 'hp', 'node'));

(async () => {
	const how = process.argv[3] || '';
	const pm = new hp.ProcessManager({ stateDir: process.argv[2],
		bin: process.env.HP_TEST_BIN ||
		    path.join(__dirname, '..', '..', 'cmd'),
		parentGrace: how.startsWith('grace=') ? how.slice(6) :
		    undefined });
	const sup = await pm.start();
	const web = await pm.spawn({ name: 'web', command: 'sleep',
		args: ['100'] });
	const worker = await pm.spawn({ name: 'worker', command: 'sh',
		args: ['-c', 'trap "" TERM; sleep 100'], stopTimeout: 500 });
	process.stdout.write(JSON.stringify({ supervisor: sup.pid,
		web: web.pid, worker: worker.pid }) + '\n');
	// unref: end once this is written; else wait to be killed.
	if (how === 'unref')
		pm.unref();
	else
		setInterval(() => {}, 60000);
})().catch((e) => {
	console.error('holder:', e.message);
	process.exit(1);
});
