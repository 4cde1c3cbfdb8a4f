// hp: see LICENSE.
// static.js DIR...: exit 1, naming it, when an ELF program in one of the
// DIRs has an interpreter (PT_INTERP): it is not static.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

let status = 0;
for (const dir of process.argv.slice(2)) {
	for (const f of fs.readdirSync(dir)) {
		const b = fs.readFileSync(path.join(dir, f));
		if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 ||
		    b[4] !== 2)
			continue;
		const off = Number(b.readBigUInt64LE(0x20));
		const size = b.readUInt16LE(0x36);
		for (let i = 0; i < b.readUInt16LE(0x38); i++)
			if (b.readUInt32LE(off + i * size) === 3) {
				console.error(path.join(dir, f) +
				    ': not static');
				status = 1;
			}
	}
}
process.exit(status);
