// hp: see LICENSE.
// run.js: find the hp commands and run them with --json, never through a
// shell; turn every way they can fail into an HpError with a code.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');

// An hp command failed: code is its error code word (not-found, exists,
// not-installed, exec-failed, ...), status its exit status.
class HpError extends Error {
	constructor(message, code, status, extra) {
		super(message, extra && extra.cause ? { cause: extra.cause } :
		    undefined);
		this.name = 'HpError';
		this.code = code;
		this.status = status;
		if (extra)
			for (const k of Object.keys(extra))
				if (k !== 'cause')
					this[k] = extra[k];
	}
}

// Where the commands are when this module is installed under
// PREFIX/share/hp/node (make install, or a make dist tarball).
const PREFIX_BIN = path.resolve(__dirname, '..', '..', '..', 'bin');

// The ELF e_machine of each Node.js arch, and the name make dist gives it.
const ELF = { x64: 62, ia32: 3, arm64: 183, arm: 40, riscv64: 243,
	ppc64: 21, s390x: 22, loong64: 258, mips: 8, mipsel: 8 };
const MACHO = { x64: 0x01000007, arm64: 0x0100000c };
const UNAME = { x64: 'x86_64', ia32: 'i686', arm64: 'aarch64', arm: 'armv7l' };

function platformName() {
	const m = process.platform === 'darwin' && process.arch === 'arm64' ?
	    'arm64' : UNAME[process.arch] || process.arch;
	return process.platform + '-' + m;
}

function archOf(table, n) {
	for (const a of Object.keys(table))
		if (table[a] === n)
			return a;
	return 'machine ' + n;
}

// What machine the binary at file is for, or null when it is for this
// one (or is a script, which the kernel runs by its #! line). Checked
// before exec: libuv's execvp hands a binary the kernel refuses
// (ENOEXEC) to /bin/sh, which would then run it as a script.
function foreign(file) {
	const b = Buffer.alloc(20);
	let fd;
	try {
		fd = fs.openSync(file, 'r');
		fs.readSync(fd, b, 0, 20, 0);
	} catch (e) {
		return null;
	} finally {
		if (fd !== undefined)
			fs.closeSync(fd);
	}
	if (b[0] === 0x23 && b[1] === 0x21)
		return null;
	if (b.readUInt32BE(0) === 0x7f454c46) {
		if (process.platform === 'darwin' ||
		    process.platform === 'win32')
			return 'an ELF program';
		const m = b[5] === 2 ? b.readUInt16BE(18) : b.readUInt16LE(18);
		const want = ELF[process.arch];
		return want === undefined || want === m ? null :
		    'a program for ' + archOf(ELF, m);
	}
	if (b.readUInt32LE(0) === 0xfeedfacf) {
		if (process.platform !== 'darwin')
			return 'a macOS program';
		const m = b.readUInt32LE(4);
		return MACHO[process.arch] === undefined ||
		    MACHO[process.arch] === m ? null :
		    'a program for ' + archOf(MACHO, m);
	}
	if (b.readUInt32BE(0) === 0xcafebabe)
		return process.platform === 'darwin' ? null : 'a macOS program';
	return 'not a program';
}

const ASAR = /\.asar([\\/])/;

// Why file cannot be executed, as an HpError naming the fix, or null.
function unfit(cmd, file) {
	if (ASAR.test(file))
		return new HpError(cmd + ': ' + file + ' is inside an asar ' +
		    'archive, which cannot be executed: list the hp ' +
		    'binaries in asarUnpack, or ship them with ' +
		    'extraResources and pass ' +
		    '{ bin: path.join(process.resourcesPath, ...) }',
		    'exec-failed', 126, { file });
	try {
		fs.accessSync(file, fs.constants.X_OK);
	} catch (e) {
		return new HpError(cmd + ': ' + file + ' is not executable: ' +
		    'chmod +x it (a zip or an installer may drop the mode)',
		    'exec-failed', 126, { file, cause: e });
	}
	const what = foreign(file);
	if (what)
		return new HpError(cmd + ': ' + file + ' is ' + what + ', ' +
		    'and this is ' + platformName() + ': ship the hp ' +
		    'binaries of this platform (hp-VERSION-' +
		    platformName() + '.tar.gz)',
		    'exec-failed', 126, { file });
	return null;
}

function isFile(p) {
	try {
		return fs.statSync(p).isFile();
	} catch (e) {
		return false;
	}
}

// The path of the hp command cmd: in o.bin when given, else beside the
// installed module, else on PATH. A path inside app.asar is taken from
// app.asar.unpacked, where Electron's asarUnpack puts it. Throws an
// HpError (not-installed, exec-failed) that says what to do.
function locate(cmd, o) {
	const dirs = o && o.bin ? [o.bin] : [PREFIX_BIN].concat(
	    (process.env.PATH || '').split(path.delimiter).filter(Boolean));
	let bad = null;
	for (const d of dirs) {
		let p = path.resolve(d, cmd);
		if (ASAR.test(p)) {
			const u = p.replace(ASAR, '.asar.unpacked$1');
			if (isFile(u))
				p = u;
		}
		if (!isFile(p))
			continue;
		const err = unfit(cmd, p);
		if (!err)
			return p;
		if (o && o.bin)
			throw err;
		bad = bad || err;
	}
	if (bad)
		throw bad;
	throw new HpError(cmd + ': not found in ' + (o && o.bin ? o.bin :
	    PREFIX_BIN + ' or PATH') + ': install hp, or pass { bin } ' +
	    'naming the directory of its commands', 'not-installed', 127);
}

// The environment of a command: o.env or ours, with HP_STATE_DIR for
// the commands that take no -S.
function envOf(o, state) {
	const env = Object.assign({}, o.env || process.env);
	if (state && o.stateDir)
		env.HP_STATE_DIR = o.stateDir;
	return env;
}

// An exec failure of libuv (ENOENT, EACCES ...) as an HpError.
function execError(cmd, file, e) {
	if (e.code === 'ENOENT')
		return new HpError(cmd + ': ' + file + ': not found: install ' +
		    'hp, or pass { bin }', 'not-installed', 127, { cause: e });
	return unfit(cmd, file) || new HpError(cmd + ': ' + file + ': ' +
	    e.message, 'exec-failed', 126, { cause: e });
}

function parse(text) {
	try {
		return JSON.parse(text);
	} catch (e) {
		return undefined;
	}
}

// The error of a finished command: its JSON error object, else the
// first failed element of an answer per name, else its stderr.
function failure(cmd, out, status, stderr, signal) {
	const x = { stderr, result: out };
	if (out && out.error && out.error.code)
		return new HpError(out.error.message, out.error.code, status,
		    x);
	const bad = Array.isArray(out) &&
	    out.find((r) => r && r.ok === false && r.error);
	if (bad)
		return new HpError(bad.name + ': ' + bad.error.message,
		    bad.error.code, status, x);
	const why = stderr.trim() || (signal ? 'killed by ' + signal :
	    'exit status ' + status);
	return new HpError(cmd + ': ' + why, signal ? 'killed' : 'failed',
	    status, x);
}

// run(cmd, args, o, ok): the JSON that cmd --json ARGS prints. ok lists
// the exit statuses that are answers (1 is "no" to hp-health and
// hp-detect); any other rejects with an HpError. o.input, a string or a
// Buffer, is written to its standard input, which is then closed.
function run(cmd, args, o, ok) {
	o = o || {};
	return new Promise((resolve, reject) => {
		const file = locate(cmd, o);
		const child = execFile(file, ['--json'].concat(args), {
			env: envOf(o, cmd === 'hp-detect'),
			cwd: o.cwd,
			maxBuffer: 64 * 1024 * 1024,
			windowsHide: true,
		}, (e, stdout, stderr) => {
			if (e && typeof e.code === 'string')
				return reject(execError(cmd, file, e));
			const status = e ? e.code : 0;
			const out = parse(stdout);
			if (out !== undefined && !(out && out.error) &&
			    (ok || [0]).includes(status))
				return resolve(out);
			reject(failure(cmd, out, status, stderr,
			    e && e.signal));
		});
		if (o.input !== undefined) {
			// A command that ends first is told by its status.
			child.stdin.on('error', () => {});
			child.stdin.end(o.input);
		}
	});
}

// A duration: a number is milliseconds, a string goes as it is ("10s").
function dur(v) {
	return typeof v === 'number' ? Math.round(v) + 'ms' : String(v);
}

// stateArgs(o): -S DIR when the client was given a state directory.
function stateArgs(o) {
	return o && o.stateDir ? ['-S', o.stateDir] : [];
}

// Call fn with each line of a readable stream.
function lines(stream, fn) {
	let buf = '';
	stream.setEncoding('utf8');
	stream.on('data', (d) => {
		buf += d;
		let i;
		while ((i = buf.indexOf('\n')) >= 0) {
			const l = buf.slice(0, i);
			buf = buf.slice(i + 1);
			if (l)
				fn(l);
		}
	});
	stream.on('end', () => {
		if (buf)
			fn(buf);
		buf = '';
	});
}

module.exports = { HpError, locate, run, parse, failure, execError, envOf,
	stateArgs, platformName, lines, dur };
