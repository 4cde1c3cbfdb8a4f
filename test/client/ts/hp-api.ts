// hp: see LICENSE.
// hp-api.ts: the client's own terminals, typed: what terminal(), launch()
// and attach() give beyond node-pty's IPty.
import * as hp from 'hp-client';
import { IPty } from 'hp-client';

const t: hp.HpPty = hp.terminal('sh', [], { id: 'sh-1', stateDir: '/s',
	bin: '/b', cols: 80 });
t.on('exit', (code: number, signal?: number) => console.log(code, signal));
t.on('data', (d: string) => console.log(d));
t.destroy();
// A spare hp-pty started ahead, taken by the terminals that ask for it.
hp.spare({ bin: '/b' });
const w: hp.HpPty = hp.terminal('sh', [], { spare: true });
hp.endSpares().then(() => w.kill());
const l: hp.LaunchedPty = hp.launch('claude-code', { args: ['--help'] });
l.launched.then((e) => console.log(e.path, e.version, e.pid));
l.on('version', (e: hp.ToolVersion) => console.log(e.event, e.version));
const a: hp.AttachedPty = hp.attach('work', { cols: 80, rows: 24 });
a.onExit((e) => console.log(e.exitCode, e.detached, e.error));
a.resize(100, 40).then(() => a.detach());
a.kill('SIGUSR1').then((r) => console.log(r.ok));
const pm = new hp.ProcessManager({ stateDir: '/s' });
const all: IPty[] = [t, l, a, pm.terminal('sh'), pm.launch('git'),
	pm.attach('work')];
console.log(all.length);
pm.save('/s/saved.conf').then((r: hp.SaveResult) =>
    console.log(r.file, r.processes));
pm.startup({ format: 'systemd', user: true, write: false }).then(
    (r: hp.StartupResult) => console.log(r.path, r.commands.join('\n')));
// Every verb takes a timeout, its request's deadline.
pm.stop('web', { timeout: '200ms' }).then((r: hp.VerbResult) => r.ok);
pm.signal('HUP', ['a', 'b'], { timeout: 500 })
    .then((r: hp.VerbResult[]) => r.length);
pm.send('echo', { hi: 1 }, { timeout: '1s' }).then((r) => r.pid);
// all and patterns answer for each process matched, a name for itself.
const many: Promise<hp.VerbResult[]> = pm.restart('all');
const some: Promise<hp.VerbResult[]> = pm.stop('web-*');
const one: Promise<hp.VerbResult> = pm.restart('web');
const sig: Promise<hp.VerbResult[]> = pm.signal('HUP', 'web:[12]');
const waited: Promise<hp.WaitResult[]> = pm.wait('web', 'ready',
	{ timeout: 1000 });
console.log(many, some, one, sig, waited);
// The next instance of an application joins, then hands over.
const next = new hp.ProcessManager({ stateDir: '/s', parentGrace: '10s' });
next.start().then((e) => console.log(e.pid, e.event));
next.upgrade('/app/bin/hp-supervise', { timeout: '30s' }).then(
    (r) => console.log(r));
