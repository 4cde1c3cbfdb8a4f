// hp: see LICENSE.
// detect.js: CLI tools over hp-detect: what is installed, and installing
// one with its progress as cli-tool:install-progress events.
'use strict';

const { spawn } = require('node:child_process');
const { locate, run, parse, failure, execError, envOf,
	lines } = require('./run');

function detectArgs(o) {
	const a = [];
	if (o.noCache)
		a.push('--no-cache');
	if (o.login)
		a.push('--login');
	if (o.timeout !== undefined)
		a.push('-t', typeof o.timeout === 'number' ?
		    o.timeout + 'ms' : String(o.timeout));
	return a;
}

// detect(ids?, o): hp-detect --json; an array with an object a tool.
// A tool that is not installed is an answer (installed: false).
function detect(ids, o) {
	o = o || {};
	return run('hp-detect', detectArgs(o).concat(ids || []), o, [0, 1]);
}

// install(id, onProgress, o): hp-detect install (o.update: update);
// onProgress gets each cli-tool:install-progress event; resolves with
// the cli-tool:detected event that follows the installer.
function install(id, onProgress, o) {
	o = o || {};
	return new Promise((resolve, reject) => {
		const file = locate('hp-detect', o);
		const child = spawn(file, [o.update ? 'update' : 'install',
			'--json'].concat(o.timeout !== undefined ?
			detectArgs({ timeout: o.timeout }) : [], id), {
			env: envOf(o, true), stdio: ['ignore', 'pipe', 'pipe'],
			windowsHide: true });
		let error = null;
		let err = '';
		let result = null;
		child.on('error', (e) => {
			error = execError('hp-detect', file, e);
		});
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (d) => {
			err = (err + d).slice(-4096);
		});
		lines(child.stdout, (l) => {
			const e = parse(l);
			if (!e || typeof e !== 'object')
				return;
			if (e.event === 'cli-tool:install-progress') {
				if (onProgress)
					onProgress(e);
			} else if (e.event === 'cli-tool:detected') {
				result = e;
			} else if (e.error) {
				result = e;
			}
		});
		child.on('close', (code, signal) => {
			if (error)
				return reject(error);
			if (code === 0 && result && !result.error)
				return resolve(result);
			reject(failure('hp-detect', result, code, err, signal));
		});
	});
}

module.exports = { detect, install };
