// hp: see LICENSE.
// index.d.ts: the types of the Node.js client of hp.
/// <reference types="node" />
import { EventEmitter } from 'node:events';

/** Where the commands are and how they run. */
export interface ClientOptions {
	/** The directory of the hp commands; else PREFIX/bin beside this
	 * module when installed, else PATH. */
	bin?: string;
	/** The state directory (-S); else the commands' default. */
	stateDir?: string;
	/** The environment of the commands; else process.env. */
	env?: NodeJS.ProcessEnv;
}

export interface ManagerOptions extends ClientOptions {
	/** More options of hp-supervise, such as ['--max-procs', '8']. */
	supervisorArgs?: string[];
	/** Events to get besides the usual ones (hp-supervise --events):
	 * 'output', a process:output event a line of what each process
	 * writes, for a log pane; 'metrics', process:metrics at each
	 * sample. */
	events?: ('output' | 'metrics')[];
	/** A file every event is appended to as well, never rotated by
	 * hp, opened again on SIGHUP (hp-supervise --audit). */
	audit?: string;
	/** An hp.conf(5) file for the supervisor to keep (-f). */
	config?: string;
	/** With config: take its [TYPE NAME @profile] sections too
	 * (--profile), as pm2's --env production. */
	profile?: string;
	/** When this process ends (to install an update, say), the
	 * supervisor keeps everything so long for the next one
	 * (--parent-grace), whose start() then joins it. */
	parentGrace?: Duration;
}

/** A duration: a number is milliseconds, a string as hp writes them. */
export type Duration = number | string;

/** start() with parentGrace, joining a supervisor that runs: the
 * supervisor's pid, this process now its parent, the one before. */
export interface SupervisorAdopted {
	event: 'supervisor:adopted';
	pid: number;
	parent: number;
	was: number;
	processes: number;
}

export interface SpawnOptions {
	command: string;
	args?: string[];
	name?: string;
	type?: 'service' | 'system' | 'node';
	cwd?: string;
	/** Added to the environment; with clearEnv, the whole of it. */
	env?: Record<string, string>;
	/** Files of KEY=VALUE lines (dotenv), read at each start, in
	 * order, under env (--env-file; pm2's env_file). */
	envFile?: string | string[];
	clearEnv?: boolean;
	/** true is 'always', false 'no'. */
	restart?: 'no' | 'on-failure' | 'always' | boolean;
	stopSignal?: string | number;
	stopTimeout?: Duration;
	backoffMin?: Duration;
	backoffMax?: Duration;
	maxRestarts?: number;
	restartWindow?: Duration;
	circuitReset?: Duration;
	readyFd?: number;
	/** A check as hp-health takes them: http://..., tcp://..., ... */
	readyCheck?: string;
	readyTimeout?: Duration;
	/** Resolve only once the process is ready. */
	waitReady?: Duration;
	health?: string;
	after?: string | string[];
	/** Any key of hp.conf(5), as -o key=value. */
	options?: Record<string, string | number>;
	/** Resource limits: nofile, as, cpu, nproc, core. */
	limits?: Record<string, string | number>;
	memoryMax?: string | number;
	cpuMax?: number;
	limitInterval?: Duration;
	/** Sockets the supervisor holds for it, passed as systemd does
	 * (LISTEN_FDS, from fd 3): 'tcp://127.0.0.1:3000', 'unix:/run/a.sock';
	 * port 0 binds any free one (ProcessInfo.listen tells which). */
	listen?: string | string[];
	/** Copies of it, NAME:1 ... NAME:N, sharing its sockets; spawn()
	 * then resolves with an array of them. */
	instances?: number;
	/** Restart it when anything under these paths changes (a reload
	 * when it has held sockets); relative to cwd. */
	watch?: string | string[];
	/** Names left out of watch (fnmatch patterns), beside .git and
	 * node_modules. */
	watchIgnore?: string | string[];
	/** Quiet after a change before the restart (500 ms). */
	watchDelay?: Duration;
	/** Restart it when this cron schedule is due, in local time:
	 * '0 4 * * *' (hp.conf(5), restart-at); pm2's cron_restart. */
	restartAt?: string;
	/** A system command: run it again when due (hp.conf(5), run-at). */
	runAt?: string;
}

/** One process, as hp-ls --json and hp-spawn --json print it. */
export interface ProcessInfo {
	name: string;
	type: string;
	state: 'starting' | 'running' | 'reloading' | 'backoff' | 'stopping' |
	    'stopped' | 'exited' | 'failed';
	pid: number | null;
	started: string | null;
	uptime_ms: number | null;
	/** the supervisor's own: after a crash, for its health or memory */
	restarts: number;
	/** those asked for: restart(), a changed configuration */
	manual_restarts: number;
	circuit: 'closed' | 'open' | 'half-open';
	/** false: no supervisor keeps it; running, it runs on unwatched */
	supervised: boolean;
	exit_code: number | null;
	exit_signal: string | number | null;
	health: 'healthy' | 'unhealthy' | 'unknown';
	/** The rate over the last sample's interval (percent of one CPU). */
	cpu_percent: number;
	rss_bytes: number;
	tree_pids: number[];
	/** The average over its life; CPU seconds of its tree. */
	cpu_avg_percent: number;
	cpu_seconds: number;
	pss_bytes: number | null;
	threads: number;
	fds: number | null;
	/** When the figures were sampled, or null: looked at just now. */
	sampled: string | null;
	error?: string;
	/** With hp-ls --history: the samples kept, oldest first. */
	history?: Sample[];
	/** I of an instance NAME:I. */
	instance?: number;
	/** The sockets held for it, as bound. */
	listen?: string[];
	/** What it said with STATUS= on its NOTIFY_SOCKET. */
	status?: string;
	/** 'reloading' or 'stopping', after RELOADING=1 or STOPPING=1. */
	notify?: string;
	/** Runs of run-at not made: the last one still ran. */
	skipped_runs?: number;
}

/** One sample of a process's tree (hp-ls --history). */
export interface Sample {
	ts: string;
	cpu_percent: number;
	rss_bytes: number;
	pss_bytes: number | null;
	threads: number;
	fds: number | null;
	processes: number;
}

/** A line a process wrote (ManagerOptions events: ['output']). */
export interface ProcessOutput extends HpEvent {
	event: 'process:output';
	name: string;
	stream: 'out' | 'err';
	text: string;
	/** The line goes on in the next event. */
	partial?: boolean;
}

/** A sample of a process (ManagerOptions events: ['metrics']). */
export interface ProcessMetrics extends HpEvent {
	event: 'process:metrics';
	name: string;
	cpu_percent: number;
	cpu_avg_percent: number;
	cpu_seconds: number;
	rss_bytes: number;
	pss_bytes: number | null;
	threads: number;
	fds: number | null;
	processes: number;
}

/** save(): where the file went, and how many processes it holds. */
export interface SaveResult {
	file: string;
	processes: number;
}

export interface StartupOptions {
	/** the saved file; the default of save() when not given */
	file?: string;
	/** at login, for this user (the default but for root) */
	user?: boolean;
	/** at boot, for the system (the default for root) */
	system?: boolean;
	/** this system's when not given */
	format?: 'systemd' | 'launchd' | 'rc';
	/** write it where it belongs (no command is run) */
	write?: boolean;
}

export interface StartupResult {
	format: 'systemd' | 'launchd' | 'rc';
	scope: 'user' | 'system';
	/** where it belongs, or was written */
	path: string;
	written: boolean;
	/** what enables it, for the caller to run */
	commands: string[];
	text: string;
}

/** The answer of a verb for one name. */
export interface VerbResult {
	name: string;
	ok: boolean;
	state?: string;
	pid?: number;
	/** stop: the last signal it sent, "TERM", "KILL", "HUP" */
	stopped_by?: string;
	/** stop: what had to be killed, "sleep (4321), ..." */
	resisted?: string;
	/** start, restart that started a supervisor: what it took back */
	recovered?: string[];
	/** A name of instances: how many answered for it. */
	instances?: number;
	error?: { code: string; message: string };
}

export interface ExecResult {
	name: string;
	/** its exit status, or null when a signal ended it */
	code: number | null;
	/** "SIGKILL" ..., or null */
	signal: string | null;
	stdout: string;
	stderr: string;
	/** a stream passed 1 MiB and was cut */
	truncated: boolean;
}

/** An event: process:started, process:crashed, supervisor:started ... */
export interface HpEvent {
	seq?: number;
	ts: string;
	event: string;
	name?: string;
	pid?: number;
	type?: string;
	[key: string]: unknown;
}

/** A start: what ran, where, as whom, and for whom (hp(7), EVENTS). */
export interface ProcessStarted extends HpEvent {
	event: 'process:started';
	name: string;
	pid: number;
	uid: number;
	user?: string;
	cwd?: string;
	by: 'request' | 'restart' | 'recovery' | 'after' | 'config' |
	    'command';
	/** The client that asked, as it said itself (self-reported). */
	requester?: { uid: number; pid: number };
	argc: number;
	/** Cut where the line passed its limit: the last ends with '\u2026'. */
	argv: string[];
	/** Bytes of argv left out, when it was cut. */
	argv_cut?: number;
}

/** A request the supervisor refused: a line of events.log and of the
 * audit file, never sent to subscribers. */
export interface RequestRefused extends HpEvent {
	event: 'request:refused';
	verb?: string;
	code: string;
	message?: string;
	requester?: { uid: number; pid: number };
}

/** What a detached terminal does, as hp-pty(1) tells it: facts from
 * which to tell whether a program is busy, waits for input or is idle. */
export interface TerminalActivity extends HpEvent {
	event: 'terminal:activity';
	name: string;
	type: 'terminal';
	activity: 'output' | 'quiet' | 'foreground' | 'title' | 'exit';
	/** output: bytes since the last output event; quiet: since the
	 * last silence. */
	bytes?: number;
	/** quiet: the silence that was waited for (the quiet option). */
	quiet_ms?: number;
	/** foreground: the process group that has the terminal now, and
	 * on Linux the name of its leader. */
	pid?: number;
	command?: string;
	/** title: the window title the program set (OSC 0 or 2). */
	title?: string;
	/** exit: the program's exit status, or the name of its signal. */
	code?: number;
	signal?: string;
}

export interface ToolInfo {
	id: string;
	name: string;
	installed: boolean;
	version: string | null;
	raw_version: string | null;
	path: string | null;
	real_path: string | null;
	source: string | null;
	probe_ms: number | null;
	cache: string | null;
	error?: string;
}

export interface InstallProgress extends HpEvent {
	event: 'cli-tool:install-progress';
	id: string;
	action: 'install' | 'update';
	percent: number | null;
	line: string;
}

export interface DetectOptions extends ClientOptions {
	noCache?: boolean;
	login?: boolean;
	timeout?: Duration;
	/** install(): update instead. */
	update?: boolean;
}

export interface VerbOptions {
	/** How long the verb waits for its answer (hp-supervise -t), and
	 * the deadline of its request: one the supervisor reads after it
	 * (it was stopped, or busy) is not carried out, and the verb
	 * rejects with code timeout. By default, the command's patience
	 * (the stop timeouts of the names and a few seconds). */
	timeout?: Duration;
}

/** What every failure rejects with. */
export class HpError extends Error {
	/** The command's error code: not-found, exists, not-installed,
	 * exec-failed, timeout, usage, ... */
	code: string;
	/** The command's exit status. */
	status: number | null;
	stderr?: string;
	result?: unknown;
}

/**
 * What the verbs take besides names: 'all', every process, and shell
 * patterns (fnmatch(3)) of names, 'web-*', or of instances, 'web:*'.
 * Their answer is an array, one element for each process matched.
 */
export type NamePattern = 'all' | `${string}*${string}` |
    `${string}?${string}` | `${string}[${string}`;

/** The states of hp(7), and ready: running and past its readiness rule. */
export type WaitState = 'starting' | 'running' | 'ready' | 'reloading' |
    'backoff' | 'stopping' | 'stopped' | 'exited' | 'failed';

/** One process's answer to wait(). */
export interface WaitResult {
	name: string;
	ok: boolean;
	state: string;
	pid: number;
	error?: { code: string; message: string };
}

export class ProcessManager extends EventEmitter {
	constructor(options?: ManagerOptions);
	/** The supervisor's pid while it runs. */
	pid: number | null;
	/** The supervisor's last messages. */
	readonly stderr: string;
	/** Start hp-supervise --json --parent <this pid>; with parentGrace,
	 * join the one that runs already: supervisor:adopted. */
	start(): Promise<HpEvent | SupervisorAdopted>;
	/** The verb start. stop, start and restart of names (not all, no
	 * pattern) go to the supervisor start() launched as lines to its
	 * control FIFO, answered among its events: no hp-supervise process;
	 * a timeout then is a number of milliseconds, or they go through
	 * the command. */
	start(pattern: NamePattern, o?: VerbOptions): Promise<VerbResult[]>;
	start(name: string, o?: VerbOptions): Promise<VerbResult>;
	start(names: string[], o?: VerbOptions): Promise<VerbResult[]>;
	spawn(options: SpawnOptions): Promise<ProcessInfo | ProcessInfo[]>;
	stop(pattern: NamePattern, o?: VerbOptions): Promise<VerbResult[]>;
	stop(name: string, o?: VerbOptions): Promise<VerbResult>;
	stop(names: string[], o?: VerbOptions): Promise<VerbResult[]>;
	restart(pattern: NamePattern, o?: VerbOptions): Promise<VerbResult[]>;
	restart(name: string, o?: VerbOptions): Promise<VerbResult>;
	restart(names: string[], o?: VerbOptions): Promise<VerbResult[]>;
	remove(pattern: NamePattern, o?: VerbOptions): Promise<VerbResult[]>;
	remove(name: string, o?: VerbOptions): Promise<VerbResult>;
	remove(names: string[], o?: VerbOptions): Promise<VerbResult[]>;
	signal(sig: string | number, pattern: NamePattern, o?: VerbOptions):
	    Promise<VerbResult[]>;
	signal(sig: string | number, name: string, o?: VerbOptions):
	    Promise<VerbResult>;
	signal(sig: string | number, names: string[], o?: VerbOptions):
	    Promise<VerbResult[]>;
	/**
	 * Until name (each of its instances; each process a pattern or 'all'
	 * matches) is in state; rejects with code timeout after o.timeout,
	 * the answers in the error's result.
	 */
	wait(name: string, state: WaitState, o?: VerbOptions):
	    Promise<WaitResult[]>;
	/**
	 * Run command once (type system, restart no) and wait for its end,
	 * as execFile() does: resolves whatever its exit status; stdout and
	 * stderr are kept up to 1 MiB each, invalid UTF-8 replaced.
	 */
	exec(command: string, args?: string[], options?: Partial<SpawnOptions>):
	    Promise<ExecResult>;
	/** A new run, ready before the old one goes; instances one at a
	 * time. Rejects with code reload-failed, the old run kept. */
	reload(pattern: NamePattern, o?: VerbOptions): Promise<VerbResult[]>;
	reload(name: string, o?: VerbOptions): Promise<VerbResult>;
	reload(names: string[], o?: VerbOptions): Promise<VerbResult[]>;
	/** n instances: added, or taken away; the others untouched. */
	scale(name: string, n: number, o?: VerbOptions): Promise<VerbResult>;
	/** Resolves with the answer: the pid the message went to. */
	send(name: string, message: unknown, o?: VerbOptions):
	    Promise<VerbResult>;
	list(names?: string[]): Promise<ProcessInfo[]>;
	status(name: string): Promise<ProcessInfo>;
	health(checks?: string[]): Promise<any>;
	/** Every process as one hp.conf (mode 0600) that -f brings back;
	 * file: ~/.config/hp/saved.conf when not given. */
	save(file?: string): Promise<SaveResult>;
	/** What starts the saved file at boot or login: printed, or
	 * written where it belongs; the commands that enable it. */
	startup(o?: StartupOptions): Promise<StartupResult>;
	/** Hand the supervisor over, in place, to the hp-supervise at file
	 * (hp-supervise upgrade); resolves with its answer. */
	upgrade(file?: string, o?: VerbOptions): Promise<any>;
	/** Shut the supervisor down; resolves once it has exited. */
	shutdown(o?: VerbOptions): Promise<{ running: false;
	    code?: number | null; signal?: string | null }>;
	/** Let this process end while the supervisor runs; the supervisor
	 * shuts down with it. */
	unref(): this;
	detect(ids?: string[], o?: DetectOptions): Promise<ToolInfo[]>;
	install(id: string, onProgress?: (e: InstallProgress) => void,
	    o?: DetectOptions): Promise<ToolInfo & HpEvent>;
	terminal(file?: string, args?: string[] | string,
	    o?: TerminalOptions): HpPty;
	launch(tool: string, o?: LaunchOptions): LaunchedPty;
	/** detached() and attach() with the options of this manager. */
	detached(file?: string, args?: string[] | string,
	    o?: DetachedOptions): Promise<DetachedInfo>;
	attach(name: string, o?: AttachOptions): AttachedPty;

	on(event: 'event', fn: (e: HpEvent) => void): this;
	on(event: 'process:output', fn: (e: ProcessOutput) => void): this;
	on(event: 'process:metrics', fn: (e: ProcessMetrics) => void): this;
	on(event: 'process:started', fn: (e: ProcessStarted) => void): this;
	/** Only while this manager's supervisor is the one that keeps the
	 * terminals: start() it before detached(). */
	on(event: 'terminal:activity', fn: (e: TerminalActivity) => void):
	    this;
	on(event: 'exit', fn: (e: { code: number | null;
	    signal: string | null }) => void): this;
	on(event: string, fn: (e: HpEvent) => void): this;
}

/** An object that can be disposed of: dispose() undoes what made it. */
export interface IDisposable {
	dispose(): void;
}

/** An event, as node-pty has them: call it with a listener; dispose()
 * of what it returns stops listening. */
export interface IEvent<T> {
	(listener: (e: T) => any): IDisposable;
}

/** node-pty's options of a terminal, on every system. */
export interface IBasePtyForkOptions {
	/** The terminal type, TERM; else TERM of env, else xterm-256color
	 * (node-pty's own default is xterm). */
	name?: string;
	/** The size; 80 by 24 when not given. */
	cols?: number;
	rows?: number;
	/** The program's directory; else ours. PWD is set to it. */
	cwd?: string;
	/** The program's whole environment; else process.env, without
	 * TMUX, TMUX_PANE, STY, WINDOW, WINDOWID, TERMCAP, COLUMNS and
	 * LINES. */
	env?: { [key: string]: string | undefined };
	/** How output is decoded ('utf8' when not given), and strings
	 * written encoded; null: onData gets Buffers. */
	encoding?: string | null;
	/** Whether write(flowControlPause) and write(flowControlResume),
	 * each written whole, pause and resume the output instead of
	 * reaching the program. */
	handleFlowControl?: boolean;
	/** '\x13' (XOFF) when not given. */
	flowControlPause?: string;
	/** '\x11' (XON) when not given. */
	flowControlResume?: string;
}

/** node-pty's options of a terminal on Unix. */
export interface IPtyForkOptions extends IBasePtyForkOptions {
	/** Who the program runs as (hp-pty -u): only root may. */
	uid?: number;
	gid?: number;
}

/** node-pty's options of a terminal on Windows; taken and ignored. */
export interface IWindowsPtyForkOptions extends IBasePtyForkOptions {
	useConpty?: boolean;
	useConptyDll?: boolean;
	conptyInheritCursor?: boolean;
}

/** The options of terminal() and spawn(): node-pty's, and where the hp
 * commands are. */
export interface TerminalOptions extends IPtyForkOptions {
	/** The directory of the hp commands; else PREFIX/bin beside this
	 * module when installed, else PATH. */
	bin?: string;
	/** The state directory (-S); else the commands' default. */
	stateDir?: string;
	/** hp-pty's name of the terminal (-n); made up when not given. */
	id?: string;
	/** Take the hp-pty started ahead for this hp-pty (spare()), if one
	 * waits, and keep one waiting for the next terminal: the terminal
	 * is spared hp-pty's own start. Not by default: the one waiting is
	 * a process of its own, until we end or endSpares(). */
	spare?: boolean;
}

/** node-pty's IPty: a program in a pseudo-terminal. */
export interface IPty {
	/** The program's pid, once hp-pty takes the control channel;
	 * hp-pty's until then. */
	readonly pid: number;
	readonly cols: number;
	readonly rows: number;
	/** The name of the program that has the terminal (the foreground
	 * process group's leader, as hp-pty tells it); the program started
	 * until it does. */
	readonly process: string;
	/** Whether the flow control texts pause and resume the output; may
	 * be changed at any time. */
	handleFlowControl: boolean;
	/** The program's output; every byte comes before onExit. */
	readonly onData: IEvent<string>;
	/** The program's end: exitCode, or 0 and the signal's number for a
	 * death by signal; exitCode 1 when it could not be started. */
	readonly onExit: IEvent<{ exitCode: number, signal?: number }>;
	/** Throws on a size that is not positive. */
	resize(columns: number, rows: number): void;
	/** Does nothing, as node-pty outside Windows. */
	clear(): void;
	write(data: string | Buffer): void;
	/** The signal, SIGHUP unless told, to the program; SIGKILL to its
	 * whole session. */
	kill(signal?: string): void;
	/** Flow control: while paused, nothing is read from the terminal
	 * and the program waits. */
	pause(): void;
	resume(): void;
}

/** What terminal() gives: node-pty's IPty and what node-pty's objects
 * have beyond their typings. */
export interface HpPty extends IPty {
	/** hp-pty's name of the terminal. */
	readonly id: string;
	/** No more data; the terminal hangs up (its program gets SIGHUP);
	 * onExit still comes. */
	destroy(): void;
	on(event: 'data', fn: (data: string) => void): this;
	on(event: 'exit', fn: (exitCode: number, signal?: number) => void):
	    this;
	once(event: 'data', fn: (data: string) => void): this;
	once(event: 'exit', fn: (exitCode: number, signal?: number) =>
	    void): this;
	off(event: 'data' | 'exit', fn: (...args: any[]) => void): this;
}

export type Terminal = HpPty;

/** The cli-tool:launched event of hp-pty -t. */
export interface ToolLaunched extends HpEvent {
	event: 'cli-tool:launched';
	id: string;
	tool: string;
	path: string;
	version: string | null;
	pid: number;
	terminal: string | null;
}

/** hp-pty -t's cli-tool:version event: the version probed after the
 * launch, when cli-tool:launched said null (null: none found). */
export interface ToolVersion extends Omit<ToolLaunched, 'event'> {
	event: 'cli-tool:version';
}

export interface LaunchOptions extends TerminalOptions {
	/** The tool's arguments. */
	args?: string[];
}

/** A tool of the registry in a terminal. */
export interface LaunchedPty extends HpPty {
	/** Its cli-tool:launched event; rejects with an HpError
	 * (not-installed, not-found for an unknown tool ...). */
	readonly launched: Promise<ToolLaunched>;
	on(event: 'launched', fn: (e: ToolLaunched) => void): this;
	/** Once the version is probed, when launched's was null. */
	on(event: 'version', fn: (e: ToolVersion) => void): this;
	on(event: 'data', fn: (data: string) => void): this;
	on(event: 'exit', fn: (exitCode: number, signal?: number) => void):
	    this;
}

export interface DetachedOptions extends ClientOptions {
	/** hp-pty's name of the terminal (-n); else derived from the
	 * command, with -2, -3 ... added when it is taken. */
	id?: string;
	/** The terminal type, TERM (-T). */
	name?: string;
	/** The size; 80 by 24 when not given. */
	cols?: number;
	rows?: number;
	cwd?: string;
	/** The program's environment; else process.env. */
	env?: NodeJS.ProcessEnv;
	/** How much of its output the supervisor keeps for a replay:
	 * bytes, or a size as '64K'; 256K when not given. */
	scrollback?: number | string;
	/** The silence after which a quiet activity comes; 2s when not
	 * given, 100ms at least. */
	quiet?: Duration;
	/** Any key of hp.conf(5), as -o key=value: restart,
	 * stop-timeout ... */
	options?: Record<string, string | number>;
}

/** The supervisor's answer to hp-pty -d. */
export interface DetachedInfo {
	name: string;
	pid: number;
	state: string;
}

export interface AttachOptions extends ClientOptions {
	/** The size given to the terminal as we attach, both or neither;
	 * else it stays as it is. */
	cols?: number;
	rows?: number;
	/** How much of the scrollback comes first: bytes, a size as
	 * '64K', 0 for none, or 'all' (the default). */
	replay?: number | string;
	/** false: no draw of the screen after the replay (hp-pty
	 * --no-draw); by default the screen is drawn as it is. */
	draw?: boolean;
	/** null: onData gets Buffers. */
	encoding?: string | null;
}

/** The supervisor's answer to attach. */
export interface AttachAnswer {
	ok: true;
	name: string;
	state: string;
	/** The program's pid. */
	pid: number;
	cols: number;
	rows: number;
}

/** How a client of a detached terminal ended. */
export interface AttachExit {
	/** The program's status (0, and signal, for a death by signal);
	 * 0 when detached; hp-pty's (1 ...) when it could not attach. */
	exitCode: number;
	signal?: number;
	/** Our client ended (detach(), or hp-pty attach was signalled);
	 * the program goes on. */
	detached?: true;
	/** We never attached: what attached rejected with. */
	error?: HpError;
}

/** A client of a detached terminal, over hp-pty attach. pid is that of
 * hp-pty attach, process and id the terminal's name. */
export interface AttachedPty extends HpPty {
	/** The supervisor's answer; rejects with an HpError (not-found,
	 * not-running, too-many ...) when we could not attach. */
	readonly attached: Promise<AttachAnswer>;
	/** End our client only: the program goes on. Resolves with what
	 * onExit gets. destroy() does the same. */
	detach(): Promise<AttachExit>;
	/** Stop the program through the supervisor (hang-up, its stop
	 * signal, SIGKILL), or with signal, send it that; resolves with
	 * the supervisor's answer. The client ends when the program does. */
	kill(signal?: string | number): Promise<VerbResult>;
	/** As terminal()'s; the promise settles once the size is set
	 * (hp-pty resize), after the attach; it never rejects. */
	resize(columns: number, rows: number): Promise<void>;
	readonly onExit: IEvent<AttachExit>;
}

export type Attached = AttachedPty;

export interface SendOptions extends ClientOptions {
	/** Add Enter, a carriage return, after the text. */
	enter?: boolean;
}

/** A program in a new terminal, kept by hp-pty in the foreground: the
 * user's sh when file is not given. Throws as node-pty does on a bad
 * option, and an HpError (not-installed) when hp-pty is not found. */
export function terminal(file?: string, args?: string[] | string,
    options?: TerminalOptions): HpPty;
/** terminal() under node-pty's name and typing: code written for
 * node-pty needs only its import changed. args as a string throws, as
 * node-pty's does outside Windows. */
export function spawn(file?: string, args?: string[] | string,
    options?: TerminalOptions | IWindowsPtyForkOptions): IPty;
/** Start an hp-pty ahead (hp-pty --spare), unless one waits, for the
 * next terminal() or launch() with spare: true and these bin options. */
export function spare(options?: ClientOptions): void;
/** End the hp-pty started ahead; resolves once they have exited. */
export function endSpares(): Promise<void[]>;
/** The CLI tool tool of the registry (hp-detect(1)) in a terminal, with
 * its environment: hp-pty -t. */
export function launch(tool: string, options?: LaunchOptions):
    LaunchedPty;
/** Hand a terminal running file (else the user's shell) to the
 * supervisor, started when none runs; rejects with an HpError (exists,
 * exec-failed, usage ...). */
export function detached(file?: string, args?: string[] | string,
    options?: DetachedOptions): Promise<DetachedInfo>;
/** A client of the detached terminal name. */
export function attach(name: string, options?: AttachOptions):
    AttachedPty;
/** Type text into the detached terminal name, byte for byte; resolves
 * once it is written or queued (64 KiB at most: code full beyond). */
export function send(name: string, text?: string | Uint8Array,
    options?: SendOptions): Promise<{ ok: true; name: string;
    state?: string; pid?: number }>;
export function detect(ids?: string[], o?: DetectOptions):
    Promise<ToolInfo[]>;
export function install(id: string,
    onProgress?: (e: InstallProgress) => void, o?: DetectOptions):
    Promise<ToolInfo & HpEvent>;
/** The path of an hp command; throws HpError (not-installed,
 * exec-failed). */
export function locate(cmd: string, o?: ClientOptions): string;
/** Run cmd --json args; ok: exit statuses that are answers; input goes
 * to its standard input. */
export function run(cmd: string, args: string[],
    o?: ClientOptions & { input?: string | Uint8Array },
    ok?: number[]): Promise<any>;
/** This machine as make dist names it: linux-x86_64 ... */
export function platformName(): string;

/** import hp from 'hp-client': the same as the named exports. */
declare const hp: {
	ProcessManager: typeof ProcessManager;
	HpError: typeof HpError;
	terminal: typeof terminal;
	spawn: typeof spawn;
	launch: typeof launch;
	detached: typeof detached;
	attach: typeof attach;
	send: typeof send;
	detect: typeof detect;
	install: typeof install;
	locate: typeof locate;
	run: typeof run;
	platformName: typeof platformName;
};
export default hp;
