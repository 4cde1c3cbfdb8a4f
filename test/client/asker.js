// hp: see LICENSE.
// asker.js LOG: a program that, as vim does at its start, asks its
// terminal where the cursor is and what it is (DSR 6, DA), then prints
// "ready" and writes every byte it reads, in hexadecimal, to LOG.
'use strict';

const fs = require('node:fs');

fs.writeFileSync(process.argv[2], '');
process.stdin.setRawMode(true);
process.stdin.on('data', (b) => fs.appendFileSync(process.argv[2],
    b.toString('hex')));
process.stdout.write('\x1b[6n\x1b[c\x1b[2;3Hready');
