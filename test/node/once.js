// hp: see LICENSE.
// once.js: sends one message saying how it was run, and is done. It
// never listens for messages, so the channel must not keep it alive.
// With READY_FD in its environment it first writes a line there.
'use strict';

if (process.env.READY_FD)
	require('fs').writeSync(Number(process.env.READY_FD), 'ready\n');
process.send({
	done: true,
	argv: process.argv.slice(2),
	execArgv: process.execArgv,
	fd: process.channel.fd,
	wrapper: process.env.HP_WRAPPER || null
});
