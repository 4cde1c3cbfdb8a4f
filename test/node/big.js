// hp: see LICENSE.
// big.js: for each argument N, a message {"big": N times "x"}; then one
// of Node's own kind, a string, and {"after": true}.
'use strict';

for (const n of process.argv.slice(2))
	process.send({ big: 'x'.repeat(Number(n)) });
process.send({ cmd: 'NODE_HP_TEST' });
process.send('a string');
process.send({ after: true });
