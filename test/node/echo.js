// hp: see LICENSE.
// echo.js: says it is up over the IPC channel, then answers each message
// with {"echo": message, "pid": its pid}. {"exit": N} makes it exit with
// N; {"off": true} makes it stop listening, after which nothing keeps it
// alive; {"disconnect": true} makes it close the channel and stay.
'use strict';

function onmessage(m) {
	const o = m !== null && typeof m === 'object' ? m : {};

	if ('exit' in o)
		process.exit(o.exit);
	process.send({ echo: m, pid: process.pid });
	if (o.off === true)
		process.off('message', onmessage);
	if (o.disconnect === true) {
		setInterval(() => {}, 60000);
		process.disconnect();
	}
}

process.send({ ready: true, n: 1 });
process.on('message', onmessage);
