/* hp: see LICENSE. */
/*
 * super.h: the supervisor's insides, shared by super.c, sproc.c,
 * control.c and record.c; include after hp.h. Its face to the commands,
 * struct hp_superopt, hp_super_run() and the verbs, is in hp.h.
 */

#ifndef HP_SUPER_H
#define HP_SUPER_H

#include "model/check.h"

/*
 * life.c: the states of a process, its events, its timers (hp(7),
 * STATES). Queued and held show as starting; removed is never shown.
 */
enum {
	HP_ST_STOPPED, HP_ST_QUEUED, HP_ST_HELD, HP_ST_STARTING,
	HP_ST_RUNNING, HP_ST_BACKOFF, HP_ST_STOPPING, HP_ST_EXITED,
	HP_ST_FAILED, HP_ST_REMOVED, HP_ST_RELOADING, HP_ST_OUTGOING,
	HP_ST_N
};
enum {
	HP_EV_START, HP_EV_RESUME, HP_EV_QUEUE, HP_EV_SPAWN, HP_EV_HOLD,
	HP_EV_EXEC, HP_EV_UP, HP_EV_READY, HP_EV_NOTREADY, HP_EV_KILL,
	HP_EV_EXIT, HP_EV_RETRY, HP_EV_GIVEUP, HP_EV_END, HP_EV_STOP,
	HP_EV_RESTART, HP_EV_REMOVE, HP_EV_RETIRE, HP_EV_ESCALATE,
	HP_EV_ORPHAN, HP_EV_GROUP, HP_EV_DOWN, HP_EV_FAIL, HP_EV_TRIAL,
	HP_EV_SHUTDOWN, HP_EV_FORGET, HP_EV_WAITED, HP_EV_ADOPT,
	HP_EV_WASFAILED, HP_EV_WASEXITED, HP_EV_RELOAD, HP_EV_HANDOVER,
	HP_EV_TAKEBACK, HP_EV_FALLBACK, HP_EV_WATCHDOG, HP_EV_MAINPOLL,
	HP_EV_WASSTOPPING, HP_EV_STAYED, HP_EV_CLOCK, HP_EV_RESTARTAT,
	HP_EV_RUNAT, HP_EV_N
};
enum {
	HP_T_BACKOFF,		/* backoff: the next start */
	HP_T_TRIAL,		/* failed: the circuit's trial */
	HP_T_STOP,		/* stopping: the next signal, then survivors */
	HP_T_ORPHAN,		/* stopping: is the orphan still there? */
	HP_T_GROUP,		/* stopping: is its group gone? */
	HP_T_NOTREADY,		/* starting, not ready: SIGKILL */
	HP_T_WATCHDOG,		/* running: no WATCHDOG=1 in time */
	HP_T_MAIN,		/* a MAINPID= not ours: is it still there? */
	HP_T_CIRCUIT,		/* half-open: the trial stayed up */
	HP_T_SCHEDULE,		/* any: restart-at, run-at: due? */
	HP_T_N
};
/* After a stop: stay, start again, be removed, be failed. */
enum { HP_THEN_STAY, HP_THEN_START, HP_THEN_REMOVE, HP_THEN_FAIL };
/*
 * Whom a start is for (process:started): a request, with its requester
 * as its line names it (-1: none named), or the supervisor's own doing.
 */
enum { HP_BY_NONE, HP_BY_REQUEST, HP_BY_RESTART, HP_BY_RECOVERY,
	HP_BY_AFTER, HP_BY_CONFIG, HP_BY_COMMAND };
struct hp_by {
	int		 cause;		/* HP_BY_* */
	long long	 uid, pid;	/* the requester's, or -1 */
};
struct hp_waiter;
struct hp_proc {
	struct hp_spec	 spec;
	int		 state;
	struct hp_ident	 id;		/* id.pid 0: no process */
	int		 orphan;	/* left by an earlier supervisor */
	int		 mine;		/* its last run started by us: its
					   tree is below us (kin.c) */
	pid_t		 group;		/* process group still to watch */
	int		 out, err;	/* read ends of its stdout, stderr */
	int		 ready;		/* read end of its ready-fd, or -1 */
	struct hp_logger log;
	char		*logpath;	/* its log file's path: log.path */
	long long	 timer[HP_T_N];	/* mono ms each is due; 0: not set */
	int		 then;		/* after stopping: HP_THEN_* */
	int		 first;		/* a spawn's first start (add) */
	long long	 started;	/* mono ms of the last start */
	long long	 started_wall;
	long long	 since_wall;
	long long	 killed;	/* mono ms SIGKILL was sent, or 0 */
	long long	 stop_at;	/* mono ms to give up on the signal */
	long long	 stop_wall;	/* the same two as wall ms, kept for */
	long long	 killed_wall;	/* the next supervisor (status) */
	char		 from[HP_NAME_MAX + 1];	/* the .spawn-PID of an add
					   whose client has not heard */
	int		 dirty;		/* its status: HP_CHANGED, HP_FAILED */
	int		 unpid;		/* its pid record to go (record.c) */
	int		 telling;	/* its stop signal to go with the
					   turn's others (life.c) */
	char		*stopline;	/* its line in STATE/stops, until
					   its status is written */
	int		 attempt;	/* restarts since it last stayed up */
	struct hp_breaker breaker;
	int		 restarts;
	int		 asked;		/* restarts asked for (verb, reload) */
	int		 exit_code;	/* -1: none */
	int		 exit_signal;
	char		 code[24];	/* code word of the last failure */
	char		 error[160];
	struct hp_waiter *waiters;
	/* its readiness check, health probes and dependencies: watch.c */
	struct hp_check	*probe;		/* the check being run, or NULL */
	struct hp_check	*chk[2];	/* readiness, health: parsed, kept */
	struct hp_health run;
	int		 health;	/* HP_HEALTH_* */
	int		 hfails;	/* failed probes in a row */
	long long	 hnext;		/* mono ms of the next probe, or 0 */
	long long	 ready_by;	/* mono ms readiness is due, or 0 */
	long long	 rgap;		/* ms between readiness probes */
	/* node.c: a node process's IPC channel, or NULL */
	struct hp_chan	*chan;
	/* its samples: smetric.c; limits and admission: slimit.c */
	struct hp_metrics *m;		/* NULL: never sampled */
	long long	 sample_at;	/* mono ms of its next sample */
	pid_t		 sampled;	/* the pid of its last limit check */
	int		 cpu_over;	/* above cpu-max, and said so */
	unsigned long	 queued;	/* place in the queue; 0: not in it */
	long long	 queue_end;	/* mono ms it stops waiting */
	/* sterm.c: a terminal's pty, scrollback and clients, or NULL */
	struct hp_term	*term;
	int		 stopby;	/* the last signal of a stop */
	const struct hp_state *st;	/* where its records are */
	/* after=: watch.c */
	int		 ix;		/* its place in procs[], the graph's */
	int		 released;	/* in the queue of release */
	int		 boot;		/* ... to start there, at start-up */
	/* kin.c: its whole tree: its cgroup, or the descendants seen */
	char		*cg;		/* its cgroup's directory, or NULL */
	int		 cgnew;		/* made by us, never killed since */
	struct hp_kin	*kin;		/* seen outside its process group */
	int		 nkin;
	char		*resisted;	/* what its stop signal did not end */
	/* unit.c: its name's held sockets and instances; a reload */
	struct hp_unit	*unit;
	int		 instance;	/* I of NAME:I; 0: a name alone */
	struct hp_proc	*old;		/* reloading: the run it replaces */
	struct hp_proc	*heir;		/* outgoing: whose run it was */
	int		 outgoing;	/* a reload's old run: no record */
	struct hp_spec	*respec;	/* the spec a reload brings, or NULL */
	int		 roll;		/* to be reloaded in its turn */
	/* notify.c: NOTIFY_SOCKET, or NULL */
	struct hp_notify *notify;
	int		 foster;	/* its main pid (MAINPID=) not our child */
	/* record.c: whom its next start is for; what its spawn ran */
	struct hp_by	 by;
	char		**execd;	/* from its spawn to process:started */
	long long	 runuid;	/* the user it runs as */
	char		 runuser[HP_NAME_MAX + 1];
	/* sched.c: restart-at, run-at */
	struct hp_cron	 cron;
	long long	 due;		/* wall s it is next due; 0: never */
	int		 skipped;	/* runs not made: the last still ran */
};
enum { HP_W_START = 1, HP_W_STOP = 2, HP_W_REMOVE = 4, HP_W_RELOAD = 8,
	HP_W_ADD = 16 };
struct hp_super {
	struct hp_state	*st;
	struct hp_events ev;
	struct hp_json	 j;
	struct hp_buf	 jb;
	int		 lockfd, ctlfd, ctlw, sigfd;
	struct hp_proc	**procs;
	int		 nproc;
	int		 implicit;
	int		 shutdown;
	int		 exiting;	/* ... with nothing left to keep */
	char		**waiting;	/* clients of the shutdown */
	int		 nwaiting;
	char		 line[HP_LINE_MAX + 2];
	size_t		 linelen;
	int		 skipping;	/* discarding an overlong line */
	unsigned	 rnd;
	const char	*conf;		/* the hp.conf(5) it keeps, or NULL */
	const char	*profile;	/* of conf, --profile, or NULL */
	struct hp_ident	 parent;	/* shut down once it is gone */
	int		 watch_stdin;	/* shut down at EOF on stdin */
	long long	 grace;		/* --parent-grace: ms to wait for a new one */
	long long	 orphaned;	/* mono ms that grace ends, or 0 (parent.c) */
	pid_t		 was;		/* the parent that went, or 0 */
	int		 alone;		/* its grace ended with no new parent */
	struct hp_allow	 allow;		/* --allow: what may run */
	/* --init */
	int		 init;
	int		 stopsig;	/* signal passed on at shutdown, or 0 */
	int		 last;		/* exit status of the last to end */
	int		 relay;		/* output goes to ours too: RELAY_* */
	long long	 dropped;	/* bytes of it our output refused */
	/* admission: slimit.c */
	struct hp_admit	 admit;
	unsigned long	 arrivals;	/* starts queued so far */
	long long	 mem;		/* available memory, -1 unknown ... */
	double		 load;		/* ... the load, -1 unknown ... */
	long long	 machine_at;	/* ... read then (mono ms), 0 never */
	/* the sampler: smetric.c */
	long long	 minterval;	/* metrics-interval, ms; 0: none */
	long long	 mtick;		/* mono ms of the next pass */
	unsigned	 mseq;		/* processes sampled so far */
	long		 mlastpid;	/* the pid made last, at the pass */
	pid_t		 pid;		/* ours */
	struct hp_shttp	*http;		/* metrics-listen: shttp.c, or NULL */
	long long	 born, born_wall;	/* when we started: mono, wall */
	/* names and after=: super.c, watch.c */
	struct hp_map	 names;		/* name -> its struct hp_proc */
	struct hp_after	 graph;		/* the after= of procs[] ... */
	int		 regraph;	/* ... unless they changed since */
	int		 nheld;		/* processes held (life.c counts) */
	/* record.c */
	int		 ndirty;	/* status not written: how many */
	long long	 retry_at;	/* mono ms to try again */
	/* life.c, stops.c */
	int		 ntell;		/* stop signals still to send */
	int		 stops;		/* STATE/stops written, to go */
	struct hp_kv	*wasstops;	/* an earlier one's, in recovery */
	char		*claimed;	/* its lines a process took */
	char		*stopsleft;	/* its lines no process took: kept */
	struct hp_proc	**rel;		/* released, to look at: a ring */
	int		 nrel, relhead, relcap;
	int		 nboot;		/* of them, starts of start-up */
	int		 readyfd;	/* told once they are done, or -1 */
	int		 booted;	/* they are: READY=1 said */
	/* kin.c */
	char		*cgbase;	/* our cgroups (hp-PID.NS), or NULL */
	int		 reaper;	/* we are a subreaper: orphans of
					   a tree of ours stay below us */
	/* fwatch.c: the system's word of changes, or looks (fwpolled) */
	int		 fwfd;
	int		 fwpolled;
	/* unit.c */
	struct hp_unit	**units;
	int		 nunit;
	struct hp_join	*joins;		/* answers gathered from instances */
	unsigned	 joinseq;
	/* notify.c: the directory of NOTIFY_SOCKETs, made at need */
	char		 notifydir[HP_PATH_MAX];
	unsigned	 notifyseq;
	int		 audit_fixed;	/* --audit: hp.conf's audit not used */
	/* whom starts are for now (HP_BY_NONE: as each was), the verb */
	struct hp_by	 by;
	const char	*verb;		/* of the request read, or NULL */
	/* upgrade.c: an upgrade asked for, waiting for a quiet turn */
	struct hp_upgrade *up;
	int		 fl[2];		/* our stdout's, stderr's flags before */
};
struct hp_proc *hp_super_find(struct hp_super *, const char *);
struct hp_proc *hp_super_add(struct hp_super *, struct hp_spec *);
void	hp_super_respec(struct hp_super *, struct hp_proc *,
	    struct hp_spec *);
void	hp_super_shutdown(struct hp_super *);
int	hp_super_audit(struct hp_super *, const char *, char *, size_t);
				/* hp.conf's audit: -1 + message */
/* init.c: --init */
enum { RELAY_OUT = 1, RELAY_ERR = 2 };
void	hp_super_relay(struct hp_super *, int, const char *, size_t);
				/* stream, bytes: to our stdout or stderr */
void	hp_super_forward(struct hp_super *, int);	/* to every group */
void	hp_super_runcmd(struct hp_super *, struct hp_spec *);
/* control.c: the requests of the control FIFO, a table of verbs */
struct hp_request {
	const char	*client;	/* a FIFO in events/, "-": no answer, or
					   "*N": a join of instances (unit.c) */
	const char	*verb;
	char		**arg;		/* the words after the verb */
	int		 narg;
	const char	*rest;		/* REST verbs: the line from the last */
	int		 fanned;	/* one of the instances of a name */
};
int	hp_super_loadspec(struct hp_super *, const char *, struct hp_spec *,
	    char *, size_t);			/* -1 + message */
void	hp_super_control(struct hp_super *);	/* read and act on lines */
int	hp_super_apply(struct hp_super *, int, char *, size_t);
		/* (re)read the conf; 1: first time; -1 + message, -2 its
		   metrics-listen could not be had: nothing changed */
int	hp_super_writespec(struct hp_super *, const struct hp_spec *);
/* life.c: the one table; the only code that sets a state */
int	hp_life(struct hp_super *, struct hp_proc *, int);
		/* an event: 0; -1 a spawn did not exec; 1 queued */
int	hp_life_live(const struct hp_proc *);	/* kept: a process, or one
						   to come */
const char *hp_state_name(int);		/* as status and answers show it */
void	hp_life_timers(struct hp_super *, struct hp_proc *, long long);
				/* now: the timers due, as their events */
int	hp_life_tell(struct hp_super *);	/* the turn's stop signals:
						   how many sent */
long long hp_life_next(const struct hp_proc *);	/* mono ms, or -1 */
void	hp_life_timer(struct hp_proc *, int, long long);
		/* timer t at mono ms, if p's state has that timer */
int	hp_life_row(int, unsigned *, unsigned long long *, int *,
	    const char **);	/* row i: states, events, next, what; -1 */
const char *hp_life_state_name(int);	/* its name in the table */
const char *hp_life_event_name(int);
const char *hp_life_timer_name(int, int *);	/* and its event */
/* sproc.c: a process's mechanics: spawn, output, signals, exit */
int	hp_sproc_spawn(struct hp_super *, struct hp_proc *);
		/* fork and exec: 0 it runs; -1 why it did not, as an exit */
void	hp_sproc_exited(struct hp_super *, struct hp_proc *, int);
				/* reaped with this status: the exit event */
void	hp_sproc_shut(struct hp_super *, struct hp_proc *);
				/* its output pipes read, and closed */
void	hp_sproc_gone(struct hp_super *, struct hp_proc *);
				/* no child of ours, gone: an exit unknown */
void	hp_sproc_output(struct hp_super *, struct hp_proc *, int);
int	hp_sproc_kill(struct hp_super *, struct hp_proc *, int);
				/* its group; -1 not ours */
int	hp_sproc_orphan_alive(const struct hp_proc *);
void	hp_sproc_status(struct hp_super *, struct hp_proc *);
void	hp_sproc_wait(struct hp_proc *, const char *, int);
void	hp_sproc_reply(struct hp_super *, struct hp_proc *, int, int);
					/* ok, which verbs (bit mask) */
/* record.c: the status, the events and the answers about a process */
int	hp_sproc_path(const struct hp_super *, const struct hp_proc *, char *,
	    size_t, int);		/* procs/NAME/FILE, HP_P_* */
struct hp_json *hp_sproc_event(struct hp_super *, struct hp_proc *,
	    const char *);			/* begun; add, then publish */
void	hp_sproc_free(struct hp_proc *);
void	hp_sproc_fail(struct hp_proc *, const char *, const char *,
	    const char *, int);		/* code, "fmt %s: %s", a, errno */
void	hp_sproc_execfail(struct hp_proc *, const struct hp_spawn *, int);
				/* what the spawn said, as the exit */
void	hp_super_reply(struct hp_super *, const char *, int, const char *,
	    const char *, const char *);
				/* client, ok, name, code, msg */
void	hp_super_answer(struct hp_super *, const char *, int, const char *,
	    const char *, const char *, pid_t);	/* the same, and a pid */
void	hp_record_pid(struct hp_super *, struct hp_proc *, const char *);
/* audit.c: whom a start is for, what it ran; refusals */
void	hp_audit_by(struct hp_super *, struct hp_proc *, int);	/* event */
void	hp_audit_ours(struct hp_proc *, int);	/* HP_BY_*: ours */
struct hp_by hp_audit_for(struct hp_super *, int);
				/* starts now for HP_BY_*; the old to put back */
void	hp_audit_spawned(struct hp_proc *, char **, const struct hp_user *);
void	hp_record_started(struct hp_super *, struct hp_proc *);
void	hp_super_refused(struct hp_super *, const char *, const char *,
	    const char *);		/* name, code, message */
void	hp_record_exited(struct hp_super *, struct hp_proc *);
void	hp_record_failed(struct hp_super *, struct hp_proc *);
void	hp_record_circuit(struct hp_super *, struct hp_proc *);
void	hp_record_stopped(struct hp_super *, struct hp_proc *);
void	hp_record_unstarted(struct hp_super *, struct hp_proc *);
void	hp_record_flush(void *);	/* the struct hp_super: the turn's */
void	hp_record_now(struct hp_super *, struct hp_proc *);
				/* its status at once, not at the turn's end */
const char *hp_record_thename(int);	/* HP_THEN_*: its word */
/* stops.c: STATE/stops, a turn's stops before their signals */
int	hp_record_stops(struct hp_super *);	/* STATE/stops: 0, -1 */
void	hp_stops_told(struct hp_proc *);	/* its status is written */
void	hp_stops_gone(struct hp_super *);	/* removed, if no line is left */
void	hp_record_stops_load(struct hp_super *);	/* an earlier one's */
int	hp_record_stops_of(struct hp_super *, struct hp_proc *,
	    const struct hp_ident *);	/* its run was being stopped: 1 */
void	hp_record_stops_done(struct hp_super *);
enum { HP_CHANGED = 1, HP_FAILED };	/* of a status still to write */
long long hp_record_next(const struct hp_super *);	/* mono ms, or -1 */
int	hp_record_then(const char *);	/* status's then: HP_THEN_*; -1 */
/* node.c: a node process's interpreter and IPC channel */
int	hp_node_pair(int [2]);		/* socketpair, ours [0]; -1 errno */
void	hp_node_exec(const struct hp_spec *, struct hp_spawn *, int);
				/* sp: node runs the script, fd the channel */
void	hp_node_open(struct hp_proc *, int);	/* started: our end */
void	hp_node_pollfd(const struct hp_proc *, struct pollfd *);
void	hp_node_io(struct hp_super *, struct hp_proc *,
	    const struct pollfd *);		/* what poll() said of it */
void	hp_node_close(struct hp_super *, struct hp_proc *);
				/* with s: what is left is read first */
void	hp_node_send(struct hp_super *, const struct hp_request *);
				/* "send NAME JSON" */
/* sterm.c: terminals: the pty, its scrollback, its clients */
struct hp_term;
int	hp_term_open(struct hp_super *, struct hp_proc *, int [2]);
				/* its pty: [0] ours, [1] its side; -1 errno */
void	hp_term_exec(struct hp_proc *, struct hp_spawn *, int);
void	hp_term_started(struct hp_proc *, int);	/* the master */
void	hp_term_session(struct hp_proc *, int);	/* the rest of it */
void	hp_term_ended(struct hp_super *, struct hp_proc *);
void	hp_term_free(struct hp_proc *);
int	hp_term_nfds(const struct hp_proc *);
int	hp_term_fds(const struct hp_proc *, struct pollfd *);
void	hp_term_io(struct hp_super *, struct hp_proc *, struct pollfd *,
	    int);
long long hp_term_next(const struct hp_proc *);	/* mono ms, or -1 */
void	hp_term_timer(struct hp_super *, struct hp_proc *, long long);
void	hp_term_attach(struct hp_super *, const struct hp_request *);
void	hp_term_resize(struct hp_super *, const struct hp_request *);
void	hp_term_write(struct hp_super *, const struct hp_request *);
void	hp_term_launched(struct hp_super *, const struct hp_request *);
void	hp_term_status(const struct hp_proc *, struct hp_buf *);

/* watch.c: readiness checks, health probes and dependencies */
enum { HP_HEALTH_UNKNOWN, HP_HEALTH_HEALTHY, HP_HEALTH_UNHEALTHY };
const char *hp_health_name(int);
void	hp_watch_started(struct hp_super *, struct hp_proc *);
void	hp_watch_ready(struct hp_super *, struct hp_proc *);
void	hp_watch_ended(struct hp_proc *);
long long hp_watch_next(const struct hp_proc *);  /* mono ms, or -1 */
int	hp_watch_nfds(const struct hp_proc *);
int	hp_watch_fds(struct hp_proc *, struct pollfd *, int);
void	hp_watch_step(struct hp_super *, struct hp_proc *, struct pollfd *,
	    int);			/* after poll: its entries */
void	hp_watch_timer(struct hp_super *, struct hp_proc *, long long);
const char *hp_watch_blocker(struct hp_super *, const struct hp_proc *);
		/* the first of its after= not ready, or NULL: may start */
void	hp_watch_release(struct hp_super *, struct hp_proc *);
			/* it is ready: what waits on it, to look at again */
struct hp_proc *hp_watch_next_held(struct hp_super *);
			/* one that was released and may start, or NULL */
void	hp_watch_forget(struct hp_super *, struct hp_proc *);
void	hp_watch_boot(struct hp_super *, struct hp_proc *);
			/* a start of start-up: in the queue, on the loop's turn */
void	hp_watch_unboot(struct hp_super *, struct hp_proc *);
void	hp_super_booted(struct hp_super *);	/* -b, READY=1: told */
			/* that start done, or no longer to be done */
void	hp_watch_work(struct hp_super *);	/* a turn's worth of starts */
int	hp_watch_pending(const struct hp_super *);	/* 1: more to do */
void	hp_sproc_ready(struct hp_super *, struct hp_proc *);
				/* its ready-fd is readable */
/* kin.c: a process's whole tree: a cgroup each, or what was seen of it */
void	hp_kin_setup(struct hp_super *);	/* unless HP_CGROUP=off */
void	hp_kin_cleanup(struct hp_super *);	/* our cgroups go, if empty */
int	hp_kin_join(struct hp_super *, struct hp_proc *, int *);
				/* before a spawn: the group's fd, or -1;
				   1: the child must move itself in */
void	hp_kin_joined(struct hp_super *, struct hp_proc *, int, pid_t,
	    int);
				/* after it: fd closed; in its cgroup? */
void	hp_kin_seen(struct hp_super *, struct hp_proc *, pid_t);
				/* the sampler saw pid in p's tree */
int	hp_kin_list(const struct hp_proc *, struct hp_kin *, int);
				/* the descendants known: count */
int	hp_kin_signal(struct hp_super *, struct hp_proc *, int);
				/* sig to all of it: -1 none was there */
void	hp_kin_kill(struct hp_super *, struct hp_proc *);  /* SIGKILL */
int	hp_kin_left(struct hp_super *, struct hp_proc *, char *, size_t);
				/* members still there, named: count */
void	hp_kin_move(struct hp_super *, struct hp_proc *, struct hp_proc *);
				/* a reload: to gets from's run's tree */
void	hp_kin_over(struct hp_super *, struct hp_proc *);
				/* its run is over: what was seen goes */
void	hp_kin_forget(struct hp_super *, struct hp_proc *);  /* removed */
void	hp_kin_status(const struct hp_proc *, struct hp_buf *);
void	hp_kin_load(struct hp_proc *, const struct hp_kv *);  /* recovery */
/* slimit.c: the limits the supervisor watches, its admission queue */
int	hp_queue_wait(struct hp_super *, const struct hp_proc *);
		/* 1: a start of p must wait for its place */
void	hp_queue_enter(struct hp_super *, struct hp_proc *);
		/* its place in the queue, told (process:limit) */
void	hp_slimit_tick(struct hp_super *, long long);	/* sample, admit */
int	hp_slimit_restart(struct hp_super *, struct hp_proc *, long long);
		/* a restart of ours, counted: 1 given up on (failed) */
long long hp_slimit_next(const struct hp_super *, long long);
		/* mono ms the tick is due, -1 never */
void	hp_slimit_check(struct hp_super *, struct hp_proc *, long long);
		/* its latest sample against its limits */
/* sshow.c: what the supervisor shows: list, subscribe, process:output */
void	hp_sproc_info(struct hp_super *, struct hp_proc *, struct hp_info *,
	    int);		/* as hp-ls --json gives it; 1: its history */
void	hp_show_list(struct hp_super *, const struct hp_request *);
void	hp_show_subscribe(struct hp_super *, const struct hp_request *);
void	hp_show_output(struct hp_super *, struct hp_proc *, int,
	    const char *, size_t);	/* stream, what it wrote */
/* shttp.c: /metrics, /healthz, /readyz at metrics-listen */
int	hp_shttp_listen(struct hp_super *, const char *, char *, size_t);
		/* there from now on (NULL: nowhere); -1 + message */
void	hp_shttp_close(struct hp_super *);
int	hp_shttp_fds(const struct hp_super *, struct pollfd *, int);
void	hp_shttp_io(struct hp_super *, const struct pollfd *, int);
long long hp_shttp_next(const struct hp_super *);	/* mono ms, or -1 */
/* smetric.c: the sampler: every process's tree, a ring of samples each */
struct hp_metrics;
enum { HP_SAMPLE_RING = 1, HP_SAMPLE_SAME = 2 };
int	hp_metrics_sample(struct hp_super *, struct hp_proc *, long long,
	    int);	/* now, HP_SAMPLE_*; -1 gone, or cannot tell */
const struct hp_sample *hp_metrics_last(const struct hp_proc *);
				/* of the process it runs now, or NULL */
void	hp_metrics_info(struct hp_super *, struct hp_proc *,
	    struct hp_info *, int);	/* its figures; 1: its history */
void	hp_metrics_ended(struct hp_proc *);	/* its process ended */
void	hp_metrics_free(struct hp_proc *);
void	hp_metrics_tick(struct hp_super *, long long);	/* the pass, due */
long long hp_metrics_next(const struct hp_super *);	/* mono ms, -1 */
void	hp_metrics_interval(struct hp_super *, long long);	/* ms, 0 */

/*
 * unit.c: a name beyond one process: the sockets the supervisor holds
 * for it, its instances NAME:1 ... NAME:N, and the answers of a verb on
 * NAME gathered from its instances (joins). roll.c: their reload, a new
 * run ready before the old one goes, one instance at a time.
 */
struct hp_unit {
	char		 name[HP_NAME_MAX + 1];
	int		 refs;		/* records that point here */
	int		 instances;	/* wanted; 0: the name alone */
	int		 nheld;		/* sockets held, or 0 */
	int		 fd[HP_SPAWN_PASS];
	char		 (*bound)[128];	/* what each is bound to */
	char		**addr;		/* the addresses they were opened for */
	struct hp_fwatch *fw;		/* watch =: fwatch.c, or NULL */
	const struct hp_spec *fwant;	/* the spec that wants it, or NULL */
};
struct hp_unit *hp_unit_find(struct hp_super *, const char *);
void	hp_unit_attach(struct hp_super *, struct hp_proc *);
void	hp_unit_detach(struct hp_super *, struct hp_proc *);
int	hp_unit_members(struct hp_super *, struct hp_unit *,
	    struct hp_proc **, int);	/* its records, by instance: count */
int	hp_unit_add(struct hp_super *, struct hp_spec *, struct hp_proc **,
	    int);		/* a spec: its record(s), made: count */
int	hp_unit_sockets(struct hp_super *, struct hp_proc *);
		/* open what it listens on, unless held: 0; -1 p->error */
void	hp_unit_status(const struct hp_proc *, struct hp_buf *);
void	hp_unit_info(const struct hp_proc *, struct hp_info *);
				/* the same, for the list verb */
void	hp_unit_settle(struct hp_super *);	/* end of a turn: close
						   what no run needs */
int	hp_unit_ready(struct hp_super *, const char *);
		/* NAME (every instance) or NAME:I is running: 1; -1 none */
/* roll.c */
struct hp_proc *hp_unit_handover(struct hp_super *, struct hp_proc *);
		/* p's run to a new record, outgoing; p to start anew */
void	hp_unit_takeback(struct hp_super *, struct hp_proc *);
		/* p's outgoing run back into p */
void	hp_unit_rolled(struct hp_super *, struct hp_proc *, const char *);
		/* p's reload is over: the next one's turn; or why not */
void	hp_unit_reload(struct hp_super *, const char *, const char *);
		/* client, NAME or NAME:I: a rolling reload */
void	hp_unit_roll(struct hp_super *, struct hp_proc *, const char *,
	    struct hp_spec *);	/* p's reload in its turn (client, spec) */
/* unit.c */
void	hp_unit_scale(struct hp_super *, const struct hp_request *);
int	hp_unit_apply(struct hp_super *, struct hp_spec *, int);
		/* a section, first time: 0 added, 1 changed, 2 same */
int	hp_unit_fan(struct hp_super *, const struct hp_request *, int,
	    void (*)(struct hp_super *, const struct hp_request *));
		/* a verb on every instance of arg[i]: 1 done, 0 not a unit */
const char *hp_join_open(struct hp_super *, const char *, const char *,
	    int);		/* client, NAME, answers to wait for: "*N" */
int	hp_join_take(struct hp_super *, const char *, int, const char *,
	    const char *, const char *);
		/* id, ok, state, code, msg: 1 it was a join's */
void	hp_join_free(struct hp_super *);

/*
 * notify.c: systemd's readiness protocol: a NOTIFY_SOCKET for each
 * process that speaks it, READY=1, STATUS=, WATCHDOG=1, MAINPID= ...
 */
int	hp_notify_open(struct hp_super *, struct hp_proc *);
		/* its socket, before it starts: 0; -1 p->error */
void	hp_notify_env(const struct hp_proc *, char **, int *);
		/* NOTIFY_SOCKET=, WATCHDOG_USEC= into envp at *n */
int	hp_notify_fd(const struct hp_proc *);	/* to poll, or -1 */
void	hp_notify_read(struct hp_super *, struct hp_proc *);
void	hp_notify_close(struct hp_proc *);	/* its run has ended */
void	hp_notify_ready(struct hp_proc *);	/* running: the watchdog */
void	hp_notify_status(const struct hp_proc *, struct hp_buf *);
void	hp_notify_info(const struct hp_proc *, struct hp_info *);
				/* the same, for the list verb */
void	hp_notify_end(struct hp_super *);	/* the directory goes */
void	hp_notify_take(int);	/* our own NOTIFY_SOCKET: 1 keep, 0 drop */
void	hp_notify_self(const char *);	/* READY=1 ..., to it */

/* fwatch.c: watch = PATH, a restart on a change under it */
void	hp_fwatch_settle(struct hp_super *);	/* watches made, ended */
void	hp_fwatch_free(struct hp_super *, struct hp_unit *);
void	hp_fwatch_io(struct hp_super *, short);	/* the word, read */
void	hp_fwatch_timer(struct hp_super *, long long);
long long hp_fwatch_next(struct hp_super *);	/* mono ms; -1 none */
/* sched.c: restart-at and run-at, on the wall clock (or HP_TEST_CLOCK) */
void	hp_sched_arm(struct hp_proc *);	/* its next due time and timer */
int	hp_sched_due(const struct hp_proc *);
void	hp_sched_skip(struct hp_super *, struct hp_proc *);
				/* a run not made: process:skipped */
/* parent.c: --parent-grace, and "parent PID" */
void	hp_parent_gone(struct hp_super *, const char *);
				/* "parent" or "stdin": the grace, or shutdown */
long long hp_parent_next(const struct hp_super *);	/* mono ms; -1 */
void	hp_parent_timer(struct hp_super *, long long);
void	hp_parent_verb(struct hp_super *, const struct hp_request *);

/*
 * upgrade.c: hand the supervisor over to another binary, by exec; each
 * part puts its own state into the handover (handover.h) and takes it
 * back in the new image.
 */
struct hp_howr;
struct hp_hord;
struct hp_hosec;
void	hp_upgrade_verb(struct hp_super *, const struct hp_request *);
void	hp_upgrade_step(struct hp_super *);	/* a turn: now, later */
long long hp_upgrade_next(const struct hp_super *);	/* mono ms, -1 */
int	hp_upgrade_takeover(struct hp_super *, const struct hp_hord *, int,
	    char *, size_t);	/* the new image (1: brought back): 0; -1 */
void	hp_upgrade_done(struct hp_super *, struct hp_hord *, const char *);
void	hp_upgrade_sigmask(const struct hp_hord *);	/* as it was */
				/* taken over (why it came back, or NULL) */
void	hp_life_takeover(struct hp_super *, struct hp_proc *, int);
void	hp_watch_pause(struct hp_proc *);	/* a probe: again, after */
int	hp_shttp_busy(const struct hp_super *);
void	hp_shttp_handover(struct hp_super *, struct hp_howr *);
int	hp_shttp_takeover(struct hp_super *, const struct hp_hosec *);
void	hp_unit_held_handover(struct hp_howr *, const struct hp_unit *);
void	hp_unit_held_takeover(struct hp_super *, const struct hp_hosec *);
void	hp_record_handover(struct hp_howr *, const struct hp_proc *);
void	hp_record_takeover(struct hp_proc *, const struct hp_hosec *);
void	hp_node_handover(struct hp_howr *, const struct hp_proc *);
int	hp_node_takeover(struct hp_proc *, const struct hp_hosec *);
void	hp_notify_handover(struct hp_howr *, const struct hp_proc *);
int	hp_notify_takeover(struct hp_super *, struct hp_proc *,
	    const struct hp_hosec *);
void	hp_metrics_handover(struct hp_howr *, const struct hp_proc *);
int	hp_metrics_takeover(struct hp_proc *, const struct hp_hosec *);
void	hp_fwatch_handover(struct hp_super *, struct hp_howr *);
void	hp_fwatch_takeover(struct hp_super *, const struct hp_hord *);
			/* watched anew; a change in between, a change */
const char *hp_notify_own(void);	/* systemd's NOTIFY_SOCKET, or NULL */
void	hp_notify_keep(const char *);
/* sterm_ho.c */
int	hp_term_quiet(const struct hp_proc *, char *, size_t);
				/* 1 it can be handed over now; 0 + why not */
void	hp_term_handover(struct hp_howr *, const struct hp_proc *);
				/* its sections "term" and "tclient" */
int	hp_term_takeover(struct hp_super *, struct hp_proc *,
	    const struct hp_hord *);	/* p->term as it was (NULL: none
					   handed); -1 a bad one */

#endif
