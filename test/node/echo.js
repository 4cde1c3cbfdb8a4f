// hp: see LICENSE.
// echo.js: says it is up over the IPC channel, then answers each message
// with {"echo": message}. {"exit": N} makes it exit with N; {"off": true}
// makes it stop listening, after which nothing keeps it alive.
'use strict';

function onmessage(m) {
	if (m !== null && typeof m === 'object' && 'exit' in m)
		process.exit(m.exit);
	process.send({ echo: m, pid: process.pid });
	if (m !== null && typeof m === 'object' && m.off === true)
		process.off('message', onmessage);
}

process.send({ ready: true, n: 1 });
process.on('message', onmessage);
