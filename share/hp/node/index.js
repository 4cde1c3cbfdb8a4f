// hp: see LICENSE.
// index.js: the Node.js client of hp, for Electron's main process and
// any Node.js program: a ProcessManager over hp-supervise, CLI tools over
// hp-detect, terminals over hp-pty. No dependency, no native code: it
// runs the hp commands with execFile and spawn, never through a shell.
'use strict';

const { HpError, locate, run, platformName } = require('./run');
const { ProcessManager } = require('./manager');
const { detect, install } = require('./detect');
const { Terminal, terminal, launch, spare, endSpares } =
    require('./terminal');
const { Attached, attach, detached, send } = require('./detached');

module.exports = {
	ProcessManager,
	detect,
	install,
	terminal,
	// node-pty's name for it, so that code written for node-pty needs
	// only its require changed.
	spawn: terminal,
	launch,
	// An hp-pty started ahead, for the next terminal() with spare: true.
	spare,
	endSpares,
	Terminal,
	// Terminals the supervisor keeps, and their clients.
	detached,
	attach,
	send,
	Attached,
	HpError,
	locate,
	run,
	platformName,
};
