// hp: see LICENSE.
// index.mjs: the ES module entry point; the code is index.js.
import hp from './index.js';

export const {
	ProcessManager, detect, install, terminal, spawn, launch, spare,
	endSpares, Terminal,
	detached, attach, send, Attached, HpError, locate, run, platformName,
} = hp;
export default hp;
