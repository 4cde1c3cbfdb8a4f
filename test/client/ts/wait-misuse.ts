// hp: see LICENSE.
// wait-misuse.ts: what index.d.ts refuses of the verbs: a state wait does
// not know, one answer taken from a pattern's array.
import * as hp from 'hp-client';

const pm = new hp.ProcessManager();
pm.wait('web', 'sleeping');
const one: Promise<hp.VerbResult> = pm.stop('web-*');
console.log(one);
