/* hp: see LICENSE. */
/*
 * hp.h: the one header of libhp: its table of contents, one block per
 * lib/ file, grouped by layer. Each layer is a folder and an archive and
 * calls only the layers above it in this file:
 *
 *	base/	bytes, descriptors, errors, clocks, processes: nothing of hp
 *	model/	what hp knows: the state directory and its layout, specs and
 *		their keys, configuration, events, checks, what a process is
 *	client/	what the commands use to ask and to read: the control FIFO,
 *		starting a supervisor, terminals, CLI tools
 *	super/	the supervisor: its poll() loop and the life of a process
 *		(super/super.h, only hp-supervise links it)
 *
 * The commands link top-down (super, client, model, base), so a call to
 * a later layer fails to link; `make lint` finds any that would link.
 * Only the commands exit: lib/ returns errors (struct hp_error) and the
 * commands report them with the macros of err.c's block.
 */

#ifndef HP_H
#define HP_H

#include <sys/types.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>

#define HP_VERSION "0.1.0"

/* Exit statuses shared by every command (see each page's EXIT STATUS). */
#define HP_EXIT_OK		0
#define HP_EXIT_FAIL		1
#define HP_EXIT_USAGE		2
#define HP_EXIT_NOEXEC		126
#define HP_EXIT_NOTFOUND	127

#define HP_NAME_MAX	64
#define HP_INSTANCES_MAX 256	/* instances of one name, at most */
#define HP_REF_MAX	(HP_NAME_MAX + 4)	/* NAME:I */
#define HP_PATH_MAX	1024
#define HP_LINE_MAX	4000	/* a control or event line: below PIPE_BUF */
#define HP_PROTO	3	/* the control protocol's version (hp(7)) */

/* The out-of-memory death does not return: let the compiler know. */
#if defined(__GNUC__) || defined(__clang__)
#define HP_DEAD	__attribute__((__noreturn__))
#else
#define HP_DEAD
#endif

/* ================================ base ================================ */

/* err.c: messages, errors handed up, the JSON error object */
extern const char *hp_progname;		/* set by main from a literal */
extern const char *hp_argv0;		/* main's argv[0], or NULL */
extern int hp_json_mode;		/* --json: errors go to stdout too */
struct hp_error {
	int	 status;		/* the exit status it calls for */
	char	 code[24];		/* not-found, system, ... */
	char	 msg[1024];
};
int	hp_error_set(struct hp_error *, int, const char *, const char *, ...);
				/* status, code, msg: always -1 */
int	hp_error_sys(struct hp_error *, const char *, ...);
				/* msg: strerror, code of errno: always -1 */
void	hp_say(const char *, const char *, ...);   /* code, msg: stderr
						      (and JSON) */
void	hp_say_errno(const char *, ...);	/* msg: strerror */
void	hp_say_usage(const char *, const char *, ...);
			/* synopsis (unused), msg; then where help is */
void	hp_warn(const char *, ...);
void	hp_warnx(const char *, ...);
void	hp_warn_limit(int);		/* at most n a second; 0: all */
void	hp_warn_flush(void);		/* say how many were held back */
void	hp_error_json(const char *, const char *);  /* code, message;
						       allocates nothing */
int	hp_errno_code(int, char *, size_t);	/* errno -> code word */
int	hp_stdout_flush(void);		/* -1: stdout failed (said) */
void	hp_oom(void) HP_DEAD;		/* a fixed message, exit 1 */
size_t	hp_utf8_len(const unsigned char *, size_t);
				/* bytes of a valid UTF-8 sequence, or 0 */
/*
 * The exits, for cmd/ only (make lint fails on a lib/ object that calls
 * exit): a message on stderr, with --json the error object on stdout.
 */
#define hp_die(...)	(hp_say_errno(__VA_ARGS__), exit(HP_EXIT_FAIL))
#define hp_fail(st, code, ...)	(hp_say((code), __VA_ARGS__), exit(st))
#define hp_fail_error(e)	(hp_say((e)->code, "%s", (e)->msg), \
	exit((e)->status))
#define hp_usage(syn, ...)	(hp_say_usage((syn), __VA_ARGS__), \
	exit(HP_EXIT_USAGE))
#define hp_help(syn, lo)	(hp_opt_help((syn), (lo), NULL), \
	exit(hp_stdout_flush() == 0 ? HP_EXIT_OK : HP_EXIT_FAIL))
#define hp_stdout_close()	(hp_stdout_flush() == 0 ? (void)0 : \
	exit(HP_EXIT_FAIL))

/* mem.c: allocation that dies on failure (hp_oom), a growable buffer */
struct hp_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};
void	*hp_xmalloc(size_t);
void	*hp_xcalloc(size_t, size_t);
void	*hp_xrealloc(void *, size_t);
char	*hp_xstrdup(const char *);
void	 hp_buf_add(struct hp_buf *, const void *, size_t);
void	 hp_buf_adds(struct hp_buf *, const char *);
void	 hp_buf_addc(struct hp_buf *, int);
void	 hp_buf_printf(struct hp_buf *, const char *, ...);
char	*hp_buf_str(struct hp_buf *);		/* NUL-terminated view */
void	 hp_buf_free(struct hp_buf *);

/* map.c: a hash table of strings, keys kept by the caller */
struct hp_slot {
	const char	*key;		/* NULL: a free slot */
	size_t		 len;
	union {
		void	*p;
		size_t	 i;
	} v;
};
struct hp_map {
	struct hp_slot	*slot;
	size_t		 cap, n;
};
void	 hp_map_init(struct hp_map *);
struct hp_slot *hp_map_get(const struct hp_map *, const char *, size_t);
						/* NULL: not there */
struct hp_slot *hp_map_put(struct hp_map *, const char *, size_t);
				/* its slot; a new one has v.p NULL */
void	 hp_map_del(struct hp_map *, const char *, size_t);
void	 hp_map_free(struct hp_map *);

/* opt.c: getopt with long options, stopping at the first operand */
struct hp_opt {
	const char	*name;		/* long name, without "--" */
	const char	*arg;		/* its argument, as help names it;
					   NULL: it takes none */
	int		 val;		/* what hp_getopt returns; below 256:
					   the short option too */
	const char	*help;		/* one line; NULL: about() says */
};
struct hp_getopt {
	int		 ind;		/* next argv index; starts at 1 */
	int		 pos;		/* within a cluster of short options */
	char		*arg;		/* the option's argument */
	int		 dashdash;	/* "--" ended the options */
	char		 bad[64];	/* the offending option, for usage */
};
int	hp_getopt(struct hp_getopt *, int, char **, const char *,
	    const struct hp_opt *);	/* option, -1 done, '?' bad */
/* The last rows of every command's table: -h, -V, the end. */
#define HP_OPT_END \
	{ "help", NULL, 'h', "print this help and exit" }, \
	{ "version", NULL, 'V', "print the version and exit" }, \
	{ NULL, NULL, 0, NULL }
void	hp_opt_help(const char *, const struct hp_opt *,
	    const char *(*)(const char *));
		/* -h: synopsis, a line an option; about(name) for NULL help */

/* io.c: EINTR-safe descriptors and paths */
ssize_t	hp_read(int, void *, size_t);		/* -1 and errno */
int	hp_write_all(int, const void *, size_t); /* -1 and errno */
pid_t	hp_waitpid(pid_t, int *, int);
int	hp_open(const char *, int, mode_t);	/* always O_CLOEXEC */
int	hp_pipe(int [2], int);			/* CLOEXEC; flag 1: nonblock */
int	hp_cloexec(int);
int	hp_anonfile(const char *);	/* a file made in dir and unlinked:
					   its fd; -1 errno */
int	hp_nonblock(int);
int	hp_path(char *, size_t, const char *, ...); /* -1 ENAMETOOLONG */
int	hp_copy(char *, size_t, const char *);	/* -1 ENAMETOOLONG */
ssize_t	hp_file_read(const char *, char *, size_t); /* NUL-terminated */
ssize_t	hp_file_readall(const char *, char *, size_t);	/* to its end */
int	hp_file_write(const char *, const void *, size_t, mode_t); /* atomic */
int	hp_dir_open(const char *, const char **);
			/* path's directory, no link (ELOOP); *base its name */
ssize_t	hp_file_readat(int, const char *, char *, size_t);
int	hp_file_writeat(int, const char *, const void *, size_t, mode_t);
			/* the same, in the directory open as fd, no link */
int	hp_rmtree(const char *);		/* -1 and errno */
int	hp_mkdirs(const char *, mode_t);	/* and its parents; -1 errno */

/* time.c: clocks and RFC 3339 */
long long hp_mono_ms(void);
long long hp_mono_us(void);
long long hp_wall_ms(void);
void	hp_time_fmt(char [32], long long);	/* wall ms -> ...Z */
long long hp_time_parse(const char *);		/* ...Z -> wall ms; -1 */

/* parse.c: names, durations, sizes, signals, exec-line words */
int	hp_name_ok(const char *);		/* 1 valid, 0 not */
int	hp_ref_ok(const char *);	/* NAME or NAME:I: 1 valid, 0 not */
int	hp_name_reserved(const char *);	/* 1: "all", no process's name */
int	hp_ref_split(const char *, char *, int *);
				/* -> name, instance (0: none); -1 bad */
int	hp_hexval(int);			/* 0-15, -1 not a hex digit */
void	hp_name_derive(char *, size_t, const char *);	/* from a command */
int	hp_duration(const char *, long long *);	/* ms; -1 bad */
int	hp_size(const char *, long long *);	/* bytes; -1 bad */
int	hp_signal(const char *);		/* number, -1 unknown */
const char *hp_signame(int);			/* "TERM", or "?" */
int	hp_split(const char *, char ***, int *); /* -1 and message */
const char *hp_split_error(void);		/* why the last split failed */
void	hp_quote(struct hp_buf *, const char *);/* one word, re-splittable */
char	**hp_argv_dup(char *const *);		/* NULL: NULL */
void	hp_argv_free(char **);
long long hp_backoff(int, long long, long long, unsigned);
						/* attempt, min, max, rnd */

/* json.c: a writer that always emits valid JSON, and a flat reader */
struct hp_json {
	struct hp_buf	*b;
	int		 depth;
	unsigned char	 comma[32];
};
void	hp_json_init(struct hp_json *, struct hp_buf *);
void	hp_json_open(struct hp_json *, int);	/* '{' or '[' */
void	hp_json_close(struct hp_json *, int);	/* '}' or ']' */
void	hp_json_key(struct hp_json *, const char *);
void	hp_json_str(struct hp_json *, const char *);
void	hp_json_strn(struct hp_json *, const char *, size_t);
void	hp_json_int(struct hp_json *, long long);
void	hp_json_num(struct hp_json *, double);
void	hp_json_bool(struct hp_json *, int);
void	hp_json_null(struct hp_json *);
void	hp_json_kstr(struct hp_json *, const char *, const char *);
void	hp_json_kint(struct hp_json *, const char *, long long);
void	hp_json_kbool(struct hp_json *, const char *, int);
int	hp_json_get(const char *, const char *, char *, size_t);
				/* top-level key's value; 0 found, -1 not */
struct hp_jsonit {
	const char	*p;
	int		 arr;
	int		 first;
};
void	hp_json_iter(struct hp_jsonit *, const char *);	/* at { or [ */
int	hp_json_item(struct hp_jsonit *, char *, size_t, const char **,
	    size_t *);	/* key (objects), value, its length: 1, 0 end, -1 */
int	hp_json_string(const char *, char *, size_t);
				/* a string value unescaped; -1 not one */
/* jsonraw.c: JSON from elsewhere, checked */
int	hp_json_valid(const char *, size_t);	/* 1: one JSON value */
void	hp_json_raw(struct hp_json *, const char *, size_t);
				/* as it is if valid JSON, else a string */

/* kv.c: "key = value" files: spec and status */
#define HP_KV_MAX	(1024 * 1024)	/* the largest such file */
struct hp_kv {
	char	**key;
	char	**val;
	int	 *line;
	int	  n;
	char	 *err;		/* "LINE: message" of the first bad line */
};
int	hp_kv_parse(struct hp_kv *, const char *);	/* -1: kv->err */
int	hp_kv_load(struct hp_kv *, const char *);	/* -1 errno or err */
const char *hp_kv_get(const struct hp_kv *, const char *);
long long hp_kv_int(const struct hp_kv *, const char *, long long);
void	hp_kv_free(struct hp_kv *);
void	hp_kv_add(struct hp_buf *, const char *, const char *);
void	hp_kv_addi(struct hp_buf *, const char *, long long);

/* lock.c: fcntl write locks */
int	hp_lock_take(const char *);	/* fd held; -1 errno (EAGAIN: busy) */
pid_t	hp_lock_holder(const char *);	/* holder, 0 free, -1 errno */
int	hp_lock_from(int, off_t, int);	/* fd, start, 1 take / 0 free;
					   -1 errno (EAGAIN: busy) */

/* fifo.c: control FIFOs and the events fifodir */
int	hp_fifo_make(const char *);		/* mkfifo 0600, EEXIST ok */
int	hp_fifo_listen(const char *, int *);	/* read fd; keeps a writer */
int	hp_fifo_send(const char *, const char *); /* one line; ENXIO: none */

/* platform.c: what only some systems have, with portable fallbacks */
struct hp_pstat {
	pid_t		ppid;
	pid_t		pgid;
	pid_t		sid;
	unsigned long long start;	/* start time, clock ticks since boot */
	unsigned long long cpu;		/* user+system, clock ticks */
	unsigned long long ccpu;	/* of its children reaped, the same */
	unsigned long long faults;	/* page faults, minor and major */
	unsigned long long rss;		/* bytes */
	int		threads;
	char		state;		/* Z: every thread of it has ended */
};
int	hp_pstat(pid_t, struct hp_pstat *);	/* -1 ESRCH or ENOSYS */
int	hp_pstat_kept(pid_t, int *, struct hp_pstat *);
		/* the same through a descriptor kept in *fd (-1: open one) */
int	hp_proc_children(pid_t, int, pid_t *, int);
				/* pid, its threads: count, -1 ENOSYS */
int	hp_proc_kids(pid_t, int *, pid_t *, int);
		/* children of its first thread, fd kept as above (NULL: not);
		   count, -1 ESRCH or ENOSYS */
long long hp_proc_pss(pid_t);		/* bytes, -1: cannot tell */
int	hp_proc_nfds(pid_t);		/* its open descriptors, -1 */
int	hp_proc_session(pid_t, pid_t *, int);	/* sid: count, -1 ENOSYS */
int	hp_proc_comm(pid_t, char *, size_t);	/* its name; -1 */
int	hp_proc_argv0(pid_t, char *, size_t);	/* its argv[0]; -1 */
int	hp_boot_id(char *, size_t);		/* -1 ENOSYS */
void	hp_closefrom(int);
int	hp_subreaper(void);			/* -1 ENOSYS */
unsigned long long hp_pidns(void);	/* our PID namespace's id; 0 */
int	hp_sig_reserved_default(int);	/* libc's own signal: SIG_DFL */
int	hp_parent_death(int);			/* -1 ENOSYS */
int	hp_loadavg(double *);			/* -1 ENOSYS */
long	hp_proc_lastpid(void);		/* the pid made last; -1 unknown */
long long hp_mem_available(void);		/* bytes, or -1 */
int	hp_rlimit_nproc(void);			/* RLIMIT_NPROC, -1 ENOSYS */
int	hp_groups_set(const char *, gid_t);	/* name (NULL: none), gid */
int	hp_no_new_privs(void);			/* -1 ENOSYS */
int	hp_self_path(char *, size_t);	/* our executable; -1 errno */
int	hp_self_image(void);		/* it, open (fexecve); -1 errno */
int	hp_memfile(const char *);	/* a file in memory: fd; -1 ENOSYS */
int	hp_proc_all(pid_t *, int);		/* every pid: count; -1 ENOSYS */
int	hp_pipe_reopen(int);	/* a non-blocking fd of our own; -1 */
/* dirwatch.c: word of changes (inotify, kqueue); -1 ENOSYS: poll */
int	hp_dirwatch_open(void);		/* a descriptor to poll, CLOEXEC */
int	hp_dirwatch_add(int, const char *);	/* its id; -1 ENOSPC: limit */
void	hp_dirwatch_rm(int, int);
int	hp_dirwatch_read(int, void (*)(void *, int, const char *, int, int),
	    void *);	/* fn(arg, id, name, a dir came, id gone) each: 0, -1 */
int	hp_dirwatch_names(void);	/* 0: a watch per file, no name told */
/* cgroup v2 (Linux): a group per process, so that its whole tree ends */
int	hp_cgroup_base(char *, size_t);	/* ours, writable; -1 ENOSYS */
int	hp_cgroup_of(pid_t, char *, size_t);	/* its group (0: ours); -1 */
int	hp_cgroup_make(const char *);		/* mkdir: 0, 1 there; -1 */
int	hp_cgroup_remove(const char *);	/* pruned, rmdir: -1 EBUSY if used */
void	hp_cgroup_prune(const char *);		/* the empty groups below */
int	hp_cgroup_procs(const char *, pid_t *, int);	/* members; -1 */
int	hp_cgroup_populated(const char *);	/* 1, 0 empty, -1 errno */
int	hp_cgroup_kill(const char *);	/* SIGKILL to all; -1 errno */
int	hp_cgroup_freezekill(const char *);	/* the same, frozen first */
pid_t	hp_cgroup_fork(int);	/* fork into the group open there; -1 */
pid_t	hp_cgroup_vfork(int, void (*)(void *), void *);
		/* vfork there, the child runs fn(arg) to exec; -1 ENOSYS */
void	hp_cgroup_forktest(const char *);	/* may it, in a new base? */
int	hp_dgram_creds(int);		/* senders told; -1 ENOSYS */
ssize_t	hp_dgram_recv(int, char *, size_t, pid_t *);
				/* a datagram, its sender or 0; -1 errno */

/* proc.c: process identity and spawning with an exec-error pipe */
struct hp_ident {
	pid_t		pid;
	unsigned long long start;
	char		boot[40];
};
int	hp_ident_get(pid_t, struct hp_ident *);	/* -1 errno */
int	hp_ident_alive(const struct hp_ident *); /* 1 ours, 0 gone/reused */
int	hp_ident_kill(const struct hp_ident *, int, int);
				/* sig, 1: its group; -1 ESRCH if not ours */
int	hp_pidfile_read(const char *, struct hp_ident *);
int	hp_pidfile_write(const char *, const struct hp_ident *);
int	hp_pidfile_readat(int, const char *, struct hp_ident *);
int	hp_pidfile_writeat(int, const char *, const struct hp_ident *);
				/* in the directory open as fd; -1 errno */

enum {
	HP_RLIM_AS, HP_RLIM_NOFILE, HP_RLIM_CPU, HP_RLIM_NPROC, HP_RLIM_CORE,
	HP_RLIM_N
};
#define HP_UNLIMITED	(-2)	/* an rlimit of RLIM_INFINITY */
int	hp_rlimit_apply(const long long *);	/* -1 errno; fork-safe */

#define HP_SPAWN_EXTRA	2
#define HP_SPAWN_PASS	16	/* descriptors passed from 3 up, at most */
struct hp_user;
struct hp_spawn {
	char	**argv;
	char	**envp;		/* NULL: inherit */
	const char *dir;	/* NULL: stay */
	int	  fd[3];	/* child's 0, 1, 2; -1: /dev/null */
	int	  setsid;
	int	  extra[HP_SPAWN_EXTRA][2];
			/* fd [i][0] becomes the child's [i][1]; 0: none */
	const int *pass;	/* become the child's 3, 4, ... (sockets) */
	int	  npass;
	char	 *pidvar;	/* of envp, "NAME=" and room for 20 digits:
				   the child writes its own pid there */
	int	  stage;	/* out: 0 exec, 1 chdir, 2 set-up failed,
				   3 pipe, 4 fork: no child at all,
				   5 record failed: the child never ran */
	pid_t	  pid;		/* out: the child's; 0: none */
	int	(*record)(void *);	/* in the child, before it may
				   exec: who it is, kept; -1 errno */
	void	 *arg;		/* record's */
	const struct hp_user *user;	/* become this user; NULL: stay */
	int	  setumask;	/* 1: umask below */
	mode_t	  umask;
	/* limits, set in the child */
	const long long *rlim;	/* HP_RLIM_N of them, -1 unset; NULL none */
	const char *ctty;	/* after setsid, the terminal (tty.c) */
	int	  mark;		/* hp_spawn_exec: a byte before the exec */
	int	  cgfd;		/* > 0: the directory of a cgroup it
				   goes in first */
	int	  cgmove;	/* 1: it moves itself in, never made
				   there by the kernel */
	int	  joined;	/* out: 1 it was made in that cgroup */
};
pid_t	hp_spawn(struct hp_spawn *);	/* pid; -1 errno (of exec too) */
void	hp_spawn_exec(struct hp_spawn *, int) HP_DEAD;
		/* in place, report pipe: exec, or _exit 127, 126 or 1 */
struct hp_spawnerr {			/* what the report pipe said */
	int	  stage;		/* 0 exec, 1 chdir, 2 set-up */
	int	  err;			/* its errno */
};
int	hp_exec_status(int);		/* errno -> 126 or 127 */

/* tree.c: a process and all it started, wherever their group or session went */
struct hp_kin {
	pid_t			pid;
	unsigned long long	start;
};
struct hp_tree {
	pid_t		 leader;	/* its pid, group and session; 0 none */
	const char	*cg;		/* its cgroup, or NULL: by ancestry */
	const struct hp_kin *known;	/* members seen before (a sampler) */
	int		 nknown;
	int		 below;		/* 1: all of it is below us (our child
					   led it; we are a subreaper) */
	const pid_t	*others;	/* with below: our children that lead
					   other trees, not looked under;
					   in order (hp_pid_order) */
	int		 nothers;
};
int	hp_pid_order(const void *, const void *);	/* for qsort */
int	hp_tree_list(const struct hp_tree *, struct hp_kin *, int, int);
		/* members now, at most n; all 1: its session and group too
		   (a look at every process): count, -1 ENOSYS */
#define HP_SIG_CONT	0x1000	/* sig | HP_SIG_CONT: and SIGCONT after it */
int	hp_tree_signal(const struct hp_tree *, int);	/* count, -1 */
int	hp_tree_signal_each(const struct hp_tree *, int,
	    void (*)(void *, pid_t, const struct hp_pstat *), void *);
				/* the same, each member read told */
int	hp_tree_kill(const struct hp_tree *);	/* SIGKILL to all of it */
void	hp_tree_forget(void);		/* the next look is a fresh one */
void	hp_tree_names(const struct hp_kin *, int, char *, size_t);
					/* "sleep (4321), ..." */
int	hp_cgroup_mine(char *, size_t);	/* hp-PID.NS, made; -1 none */
void	hp_cgroup_unmine(const char *);	/* its empty groups, and it */

/* tty.c: pseudo-terminals, their size, raw mode */
struct hp_pty {
	int	master;			/* ours: close-on-exec, non-blocking */
	char	slave[HP_PATH_MAX];	/* the terminal's path */
};
int	hp_pty_open(struct hp_pty *, int, int);	/* cols, rows; -1 errno */
int	hp_pty_slave(const struct hp_pty *);	/* fd; -1 errno */
int	hp_pty_ctty(const char *);	/* after setsid, in a child; -1 */
int	hp_pty_size_set(int, int, int);		/* fd, cols, rows; -1 */
int	hp_pty_size_get(int, int *, int *);	/* -1 errno */
int	hp_pty_resize(int, int, int);	/* set, and SIGWINCH even if same */
int	hp_tty_raw(int);			/* -1 errno: not a terminal */
void	hp_tty_restore(void);			/* as before hp_tty_raw */
int	hp_tty_colour(int);	/* 1: a terminal, and NO_COLOR not set */

/* log.c: timestamped, rotated logs of stdout and stderr */
struct hp_logger {
	const char	*path;
	long long	 max;		/* bytes a file */
	int		 count;		/* files kept, rotated by rename */
	int		 mid[2];	/* the stream is in mid-line */
	int		 last;		/* stream of the last byte */
	int		 checked;	/* the file's last byte was looked at */
	int		 failing;	/* writes that failed in a row */
};
int	hp_log_write(struct hp_logger *, int, const char *, size_t);
void	hp_log_end(struct hp_logger *);	/* a new run: a new line */
int	hp_log_rotate(const char *, int);
int	hp_log_parse(const char *, int *, const char **);
				/* line -> stream, text (ts: first 24); -1 */

/* sig.c: the self-pipe */
int	hp_sig_catch(const int *);	/* read end, -1 errno; list ends 0 */
void	hp_sig_ignore(int);		/* SIG_IGN, remembered */
void	hp_sig_flag(const int *);	/* noted, no restart; list ends 0 */
int	hp_sig_flagged(void);		/* the last one noted, 0 none */
void	hp_sig_known(void);		/* what we came with, remembered */
int	hp_sig_next(int);		/* a caught signal, or 0 */
void	hp_sig_default(void);		/* in a child: defaults, mask clear */
void	hp_sig_block(sigset_t *);	/* block all, save old */
void	hp_sig_restore(const sigset_t *);

/* user.c: running a process as another user */
struct hp_user {
	uid_t	uid;
	gid_t	gid;
	int	nogroups;	/* a number the database does not know */
	char	name[HP_NAME_MAX + 1];
	char	home[HP_PATH_MAX];
};
int	hp_user_find(struct hp_user *, const char *, const char *, char *,
	    size_t);		/* user, group or NULL; -1 + message */
int	hp_user_allowed(const struct hp_user *, char *, size_t);
				/* -1 + message: only root may */
int	hp_user_become(const struct hp_user *);	/* in the child; -1 */

/* breaker.c: give up on a process that keeps failing, try it again later */
#define HP_BREAKER_MAX	64
enum { HP_CIRCUIT_CLOSED, HP_CIRCUIT_OPEN, HP_CIRCUIT_HALF };
struct hp_breaker {
	long long	fail[HP_BREAKER_MAX];	/* recent failures, ms */
	int		n;
	int		state;
	long long	since;			/* when it opened */
};
int	hp_breaker_fail(struct hp_breaker *, long long, int, long long);
				/* now, max, window: the new state */
int	hp_breaker_due(const struct hp_breaker *, long long, long long);
				/* now, reset: 1 time for the trial */
void	hp_breaker_trial(struct hp_breaker *);	/* open -> half-open */
void	hp_breaker_ok(struct hp_breaker *);	/* it stayed up: closed */
void	hp_breaker_open(struct hp_breaker *, long long);	/* taken back failed */
void	hp_breaker_fmt(const struct hp_breaker *, struct hp_buf *);
int	hp_breaker_parse(struct hp_breaker *, const char *);	/* 0; -1 */
const char *hp_circuit_name(int);	/* closed, open, half-open */


/* ================================ model =============================== */

/*
 * state.c: the state directory: where it is, whether it is ours, and its
 * layout. Every path inside it is made here (hp(7), FILES), nowhere else.
 */
struct hp_state {
	char	dir[HP_PATH_MAX];
};
enum {					/* STATE/... */
	HP_F_LOCK,			/* lock: held by the supervisor */
	HP_F_CONTROL,			/* control: its FIFO */
	HP_F_EVENTS,			/* events/: subscribers' FIFOs */
	HP_F_EVENTS_LOG,		/* events.log */
	HP_F_PROCS,			/* procs/ */
	HP_F_LIMITS,			/* limits: the supervisor's */
	HP_F_SUPERVISE_LOG,		/* supervise.log: a detached one's */
	HP_F_CACHE,			/* cache/: hp-detect's, at need */
	HP_F_STOPS,			/* stops: a turn's, before signals */
	HP_F_N
};
enum {					/* STATE/procs/NAME/... */
	HP_P_DIR,			/* the directory itself */
	HP_P_SPEC,			/* spec */
	HP_P_LOCK,			/* lock: a keeper outside */
	HP_P_PID,			/* pid */
	HP_P_STATUS,			/* status */
	HP_P_CONTROL,			/* control: a keeper outside */
	HP_P_LOG,			/* log */
	HP_P_CLIENTS,			/* clients/: a terminal's */
	HP_P_N
};
int	hp_state_resolve(struct hp_state *, const char *); /* -S or env */
int	hp_state_open(struct hp_state *, int);	/* 1: create; -1 errno */
const char *hp_state_error(void);		/* why it was refused */
int	hp_state_need(struct hp_state *, const char *, int,
	    struct hp_error *);		/* resolve + open; -1 state-dir */
const char *hp_state_filename(int);		/* HP_F_*: its name */
const char *hp_proc_filename(int);		/* HP_P_*: its name */
int	hp_state_file(const struct hp_state *, char *, size_t, int);
				/* STATE/HP_F_*; -1 ENAMETOOLONG */
int	hp_proc_file(const struct hp_state *, char *, size_t, const char *,
	    int);		/* procs/NAME/HP_P_*; -1 ENAMETOOLONG */
int	hp_proc_log(const struct hp_state *, char *, size_t, const char *,
	    int);		/* procs/NAME/log, or log.K for K > 0 */
int	hp_proc_client(const struct hp_state *, char *, size_t,
	    const char *, const char *, int);
			/* procs/NAME/clients/ID, or ID.in (1) */
int	hp_proc_spawnfile(const struct hp_state *, char *, size_t, char *,
	    size_t);	/* procs/.spawn-PID, and its name within procs/ */
int	hp_proc_spawnname(const char *);	/* 1: a name made so */
void	hp_proc_spawnsweep(const struct hp_state *);
				/* those of hp-spawns gone: removed */
int	hp_state_subscriber(const struct hp_state *, char *, size_t,
	    const char *);		/* events/ID: a subscriber's FIFO */
int	hp_state_proc(const struct hp_state *, const char *);
				/* procs/NAME is ours, no link; -1 errno */
int	hp_proc_open(const struct hp_state *, const char *);
		/* procs/NAME as a directory fd: no link (ELOOP), ours */
int	hp_state_names(const struct hp_state *, char ***, int *);
						/* sorted procs/ names */
int	hp_state_names_raw(const struct hp_state *, char ***, int *);
						/* the same, not vetted */
int	hp_state_instances(const struct hp_state *, const char *, int **,
	    int *);		/* NAME's instances I, in order; free() */
pid_t	hp_state_supervisor(const struct hp_state *);
int	hp_state_version(const struct hp_state *, char *, size_t);
			/* the running supervisor's, from its lock: -1 */
				/* the lock's holder: 0 none, -1 errno */

/* spec.c: how a process is started, read from procs/NAME/spec */
enum { HP_SERVICE, HP_SYSTEM, HP_NODE, HP_TERMINAL };
enum { HP_RESTART_NO, HP_RESTART_ON_FAILURE, HP_RESTART_ALWAYS };
struct hp_spec {
	char		name[HP_REF_MAX + 1];	/* NAME, or NAME:I */
	int		type;
	char		**argv;
	char		**env;		/* NAME=VALUE, NULL-terminated */
	int		clear_env;
	char		*dir;
	int		restart;
	int		stop_signal;
	long long	stop_timeout;	/* ms */
	long long	backoff_min;
	long long	backoff_max;
	long long	backoff_reset;	/* up this long: backoff starts over */
	int		max_restarts;	/* failures within the window ... */
	long long	restart_window;	/* ... that open the circuit */
	long long	circuit_reset;	/* then, a trial after this long */
	long long	log_size;
	int		log_count;
	int		ready_fd;	/* it writes a line here once ready */
	char		*config;	/* the hp.conf(5) it comes from */
	/* readiness by a check, dependencies, health probes */
	char		*ready_check;	/* ready once this check passes */
	long long	ready_timeout;	/* ms to be ready in; 0: no limit */
	char		**after;	/* started once these are ready */
	char		*health;	/* probed while it runs */
	long long	health_interval;
	long long	health_timeout;
	long long	health_start;	/* ms from ready to the first probe */
	int		health_retries;	/* failures in a row: unhealthy */
	int		health_restart;	/* unhealthy: restart it */
	char		**env_allow;	/* what may be inherited; NULL: all */
	char		*user;		/* run as this user, and group */
	char		*group;
	int		umask;		/* -1: the supervisor's */
	/* type node: the interpreter (NULL: node on PATH), its arguments */
	char		*node;
	char		**node_args;
	/* limits: limit.c */
	long long	rlim[HP_RLIM_N];	/* -1: not set */
	long long	memory_max;	/* bytes its tree may hold; 0: any */
	int		cpu_max;	/* percent of one CPU; 0: any */
	long long	limit_interval;	/* ms between samples */
	/* type terminal: termenv.c */
	int		cols, rows;	/* its size when it starts */
	long long	scrollback;	/* bytes of output kept */
	long long	quiet;		/* ms of silence that is "quiet" */
	/* held sockets, instances, the readiness protocol of systemd */
	char		**listen;	/* addresses, passed from fd 3 up */
	char		**watch;	/* restarted on a change under these */
	char		**watch_ignore;	/* fnmatch(3) patterns not watched */
	long long	watch_delay;	/* ms of quiet after a change */
	int		listen_mode;	/* of a unix: socket */
	char		*listen_owner;	/* USER[:GROUP] of a unix: socket */
	int		instances;	/* NAME:1 ... NAME:N; 0: one, NAME */
	int		notify;		/* ready = notify: NOTIFY_SOCKET */
	long long	watchdog;	/* ms between WATCHDOG=1, at most */
	/* schedules (cron.c): restarted, or run, when due */
	char		*restart_at;
	char		*run_at;
	/* env-file: dotenv files read at each start (envfile.c) */
	char		**env_file;	/* paths, in order */
	char		**env_recorded;	/* names of env that hp-spawn
					   recorded: under the env-files */
	char		**env_read;	/* what they held at its last start
					   (not a key) */
};
void	hp_spec_init(struct hp_spec *, const char *, int);
int	hp_spec_set(struct hp_spec *, const char *, const char *, char *,
	    size_t);				/* key, value; -1 + message */
int	hp_spec_load(struct hp_spec *, const char *, const char *, char *,
	    size_t);				/* name, path; -1 + message */
int	hp_spec_option(struct hp_spec *, const char *, char *, size_t);
				/* -o KEY=VALUE; -1 + message */
int	hp_spec_opt(struct hp_spec *, int, const char *, char *, size_t);
				/* -C DIR, -u USER[:GROUP]; -1 + message */
void	hp_spec_free(struct hp_spec *);
int	hp_spec_check(const struct hp_spec *, char *, size_t);
				/* keys that do not go together; -1 + msg */
void	hp_spec_copy(struct hp_spec *, const struct hp_spec *, const char *);
				/* dst, src, the copy's name */
/* specenv.c: the environment a spec gives its process */
void	hp_env_add(char ***, char *const *, size_t);
			/* NAME=VALUE words, each in place of its name */
void	hp_spec_addenv(struct hp_spec *, const char *); /* NAME=VALUE */
void	hp_spec_addenvs(struct hp_spec *, char *const *, size_t);
				/* n of them at once, in linear time */
int	hp_env_split(const char *, char ***, int *, char *, size_t);
				/* env's words, NAME=VALUE; -1 + message */
int	hp_spec_envallow(struct hp_spec *, const char *, char *, size_t);
					/* env-allow's value; -1 + message */
char	**hp_spec_envp(const struct hp_spec *);	/* the child's environ */
void	  hp_spec_envfresh(void);	/* the enhanced PATH made again,
					   if a start used it a second on */
void	hp_spec_inherit(struct hp_spec *);	/* our environ, as its env */

int	hp_user_spec(const struct hp_spec *, struct hp_user *, char *,
	    size_t);		/* 1 set, 0 none, -1 + message */
void	hp_spec_recorded(struct hp_spec *, char *const *, size_t);
		/* its env but these NAME=VALUE words: recorded (hp-spawn) */

/* envfile.c: env-file = PATH, dotenv's KEY=VALUE lines */
#define HP_ENVFILE_MAX	(1024 * 1024)	/* the largest env-file read */
int	hp_envfile_parse(const char *, char ***, char *, size_t);
			/* text into NAME=VALUE words; -1 + "LINE: why" */
int	hp_spec_envload(struct hp_spec *, char *, size_t);
			/* its env-files into env_read; -1 + message */

/* keys.c: the keys of a spec, one table (hp.conf(5), spec, hp-spawn -o) */
const char *hp_type_name(int);
int	hp_type_parse(const char *);		/* -1 unknown */
const char *hp_restart_name(int);
int	hp_restart_parse(const char *);		/* -1 unknown */
struct hp_key;
struct hp_keyinfo {
	const char	*name;
	const char	*arg;		/* its value, as hp.conf(5) says it */
	const char	*def;		/* its default, as written; NULL none */
	const char	*help;		/* one line */
	int		 types;		/* 1 << HP_SERVICE ...: what it is for */
	int		 conf;		/* hp.conf(5) takes it */
	int		 opt;		/* hp-spawn -o takes it */
};
const struct hp_key *hp_key_find(const char *);	/* NULL: no such key */
const struct hp_key *hp_key_at(int);		/* in order; NULL: the end */
void	hp_key_about(const struct hp_key *, struct hp_keyinfo *);
int	hp_key_set(struct hp_spec *, const struct hp_key *, const char *,
	    char *, size_t);			/* value; -1 + message */
int	hp_key_defaults(struct hp_spec *);	/* every default; -1 a bad row */
void	hp_spec_write(const struct hp_spec *, struct hp_buf *);
					/* every key, in the table's order */
void	hp_spec_section(const struct hp_spec *, struct hp_buf *);
				/* the same as a section of hp.conf(5) */
int	hp_spec_nlisten(const struct hp_spec *);	/* its listen= */

/* cron.c: restart-at and run-at, five-field schedules in local time */
struct hp_cron {
	unsigned long long min;		/* bit m: minute m is in it */
	unsigned long	hour, dom;	/* bits 0-23, 1-31 */
	unsigned	mon, dow;	/* bits 1-12, 0-6 (Sunday 0) */
	int		domstar, dowstar;	/* the field began with * */
};
int	hp_cron_parse(struct hp_cron *, const char *, char *, size_t);
						/* -1 + message */
long long hp_cron_next(const struct hp_cron *, long long);
				/* the first due time after, s; -1 none */

/* termenv.c: the environment of a program in a terminal */
#ifdef __APPLE__
#define HP_PTY_UTF8	"en_US.UTF-8"	/* the locale a C one becomes */
#else
#define HP_PTY_UTF8	"C.UTF-8"
#endif
char	**hp_pty_envp(const struct hp_spec *);	/* free() the array */
void	hp_pty_specenv(struct hp_spec *);	/* ours, fit for a terminal */

/* limit.c: the limits of a process and of a supervisor (STATE/limits) */
#define HP_MAX_PROCS	50	/* processes running at once, by default */
#define HP_QUEUE_TIMEOUT 30000	/* ms a start may wait, by default */
struct hp_admit {
	int		max_procs;	/* processes running at once */
	long long	max_memory;	/* bytes available to start; 0: any */
	double		max_load;	/* 1-minute load to start; <0: any */
	long long	queue_timeout;	/* ms a start waits, at most */
};
int	hp_limit_arg(struct hp_spec *, const char *, char *, size_t);
				/* --limit NAME=VALUE; -1 + message */
void	hp_admit_default(struct hp_admit *);
int	hp_admit_write(const struct hp_state *, const struct hp_admit *);
void	hp_admit_read(const struct hp_state *, struct hp_admit *);
				/* the running supervisor's, or defaults */

/* allow.c: the programs a supervisor may run (--allow FILE) */
struct hp_allow {
	char	**path;		/* real paths */
	int	  n;
	int	  on;		/* a list was given: nothing else runs */
	char	  file[HP_PATH_MAX];
};
int	hp_allow_load(struct hp_allow *, const char *, char *, size_t);
						/* -1 + "FILE:LINE: message" */
int	hp_allow_check(const struct hp_allow *, char **, char **,
	    const char *, char *, size_t);
				/* argv, envp, dir: 0 may run; -1 + message */
void	hp_allow_free(struct hp_allow *);

/* skeys.c: the keys of hp.conf's [supervisor] section, one table */
#define HP_METRICS_INTERVAL	1000	/* ms between samples, by default */
struct hp_superconf {
	long long	 metrics_interval;	/* ms; 0: no samples kept */
	char		*metrics_listen;	/* tcp://H:P, unix:PATH, NULL */
	char		*audit;		/* the audit file, or NULL */
};
struct hp_superkey;
const struct hp_superkey *hp_superkey_at(int);	/* in order; NULL: end */
void	hp_superkey_about(const struct hp_superkey *, struct hp_keyinfo *);
void	hp_superconf_init(struct hp_superconf *);	/* the defaults */
int	hp_superconf_set(struct hp_superconf *, const char *, const char *,
	    char *, size_t);			/* key, value; -1 + message */
void	hp_superconf_write(const struct hp_superconf *, struct hp_buf *);
void	hp_superconf_free(struct hp_superconf *);

/* after.c: the graph of after=, checked and walked without recursion */
struct hp_after {
	int		 n;
	int		*at;		/* i's dependents: dep[at[i]] ... */
	int		*dep;		/* ... to dep[at[i + 1] - 1] */
	int		*order;		/* a start order, each after its own */
	int		 norder;	/* < n: the others go round */
	int		 cyclic;	/* the first node in a cycle, or after
					   one; -1 none */
	int		 missing;	/* the first naming no node, or -1 */
	const char	*what;		/* the name it gave */
};
void	hp_after_build(struct hp_after *, int, const char *(*)(void *, int),
	    char **(*)(void *, int), void *);
			/* n nodes: name(arg, i), after(arg, i) */
int	hp_after_dependents(const struct hp_after *, int, const int **);
void	hp_after_free(struct hp_after *);

/* conf.c: hp.conf(5), sections of spec keys, and [supervisor] */
struct hp_conf {
	struct hp_spec	*spec;
	int		*line;		/* of each section */
	int		 n;
	struct hp_superconf sup;	/* its [supervisor], or the defaults */
	const char	*profile;	/* [TYPE NAME @PROFILE] taken, or NULL */
	int		 chosen;	/* sections of that profile */
};
int	hp_conf_load(struct hp_conf *, const char *, const char *, char *,
	    size_t);	/* path, profile or NULL; -1 + "FILE:LINE: message" */
int	hp_conf_parse(struct hp_conf *, char *, const char *, char *,
	    size_t);			/* text, file name; as hp_conf_load */
int	hp_conf_profile(struct hp_conf *, char *, const char *, const char *,
	    char *, size_t);		/* text, file name, profile */
void	hp_conf_free(struct hp_conf *);

/* envpath.c: the enhanced PATH, the login shell's PATH, the cache dir */
struct hp_pathdir {
	char		*dir;
	const char	*source;	/* PATH, login-env, nvm, brew, ... */
};
struct hp_envpath {
	struct hp_pathdir *d;
	int		 n;
};
struct hp_login {
	char	shell[HP_PATH_MAX];
	char	path[8192];
	char	origin[16];		/* probe, cache, fallback, none */
	char	reason[200];
};
const char *hp_home(void);
int	hp_envpath_expand(char *, size_t, const char *);
				/* ~ and $VAR; -1 ENAMETOOLONG or ENOENT */
void	hp_envpath_add(struct hp_envpath *, const char *, const char *);
				/* dir, source: if a directory, once */
void	hp_envpath_build(struct hp_envpath *, const char *, const char *);
				/* PATH, login PATH or NULL */
void	hp_envpath_str(const struct hp_envpath *, struct hp_buf *);
void	hp_envpath_free(struct hp_envpath *);
int	hp_envpath_which(const struct hp_envpath *, const char *, char *,
	    size_t);			/* cmd -> its path; -1 not found */
char	**hp_envpath_environ(const struct hp_envpath *, struct hp_buf *);
				/* environ with that PATH; free() it */
int	hp_cache_dir(char *, size_t, const char *);
				/* -S dir or NULL: made 0700; -1 errno */
int	hp_envpath_login(struct hp_login *, const char *, long long, int);
				/* cache dir, timeout ms, use cache; -1 */

/* event.c: publishing events and following them */
struct hp_gap {			/* lines a file refused: */
	unsigned long	 n;		/* how many */
	unsigned long long first, last;	/* their seqs */
	int		 tell;		/* it takes lines again: say so */
};
struct hp_events {
	const struct hp_state *st;
	unsigned long long seq;
	int		 logfd;
	long long	 logmax;
	int		 logcount;
	long long	 dirmtime;
	int		 nsub;
	struct hp_sub	*sub;
	int		 echo;		/* also to stdout, one line each */
	int		 echo_want;	/* and these to stdout: HP_WANT_* */
	struct hp_gap	 lost;		/* lines events.log refused */
	int		 auditfd;	/* --audit: every line, kept; or -1 */
	char		*audit;		/* its path, or NULL */
	struct hp_gap	 alost;		/* lines the audit file refused */
	int		 defer;		/* lines wait for hp_events_commit */
	struct hp_buf	 pend;		/* those lines, each with its kind */
	struct hp_buf	 batch;		/* a commit's lines for the files */
	void		(*before)(void *);	/* a commit's first step */
	void		*arg;		/* before's */
};
enum { HP_WANT_OUTPUT = 1, HP_WANT_METRICS = 2 };	/* asked for */
struct pollfd;
int	hp_events_open(struct hp_events *, const struct hp_state *);
int	hp_events_audit(struct hp_events *, const char *);
				/* path: (re)opened for appending; -1 errno */
void	hp_events_close(struct hp_events *);
void	hp_event_begin(struct hp_events *, struct hp_json *, const char *);
void	hp_event_publish(struct hp_events *, struct hp_json *);
void	hp_event_record(struct hp_events *, struct hp_json *);
				/* to the files only, no subscriber */
void	hp_event_begin_to(struct hp_events *, struct hp_json *,
	    const char *);		/* an event only for those who want */
void	hp_event_publish_to(struct hp_events *, struct hp_json *, int);
int	hp_events_wanted(const struct hp_events *, int);  /* 1: make it */
int	hp_events_want(struct hp_events *, const char *, int);
				/* client wants HP_WANT_*; -1 no such FIFO */
void	hp_event_reply(struct hp_events *, const char *, struct hp_json *);
int	hp_event_answer(struct hp_events *, const char *, const char *,
	    size_t);	/* client, lines: written as it reads; -1 no one */
int	hp_events_pollfds(const struct hp_events *, struct pollfd *, int);
void	hp_events_flush(struct hp_events *);	/* after poll() */
void	hp_events_commit(struct hp_events *);	/* the lines deferred */
long long hp_events_next(const struct hp_events *);	/* mono ms, -1 */
int	hp_events_subscribe(const struct hp_state *, char *, size_t);
						/* read fd, FIFO path out */
struct hp_subinfo {			/* a subscriber, for an upgrade */
	const char	*name;
	int		 fd, want;
	unsigned long	 dropped;
	const char	*out;		/* of an answer, not yet written */
	size_t		 outlen;
};
int	hp_events_sub(const struct hp_events *, int, struct hp_subinfo *);
				/* the i-th: 0; -1 no more */
void	hp_events_adopt(struct hp_events *, const struct hp_subinfo *);

/* listen.c: held sockets: bound and listened on (addresses as url.c's) */
int	hp_listen_open(const char *, int, uid_t, gid_t, char *, size_t,
	    char *, size_t);	/* addr, mode, owner -> fd, bound; -1 + why */
void	hp_listen_close(int, const char *);	/* fd, bound: unix: unlinked */

/* info.c: what hp-ls and hp-spawn tell of a process, and its samples */
#define HP_RING		60	/* samples kept of a process: 1 min at 1 s */
#define HP_TREE_MAX	256	/* processes of a tree looked at, at most */
struct hp_sample {
	long long	wall;		/* ms since the epoch */
	unsigned	cpu;		/* hundredths of a percent of one CPU */
	unsigned	rss;		/* KiB, its whole tree */
	unsigned	pss;		/* KiB, the same; 0: not known */
	int		threads;
	int		fds;		/* open descriptors; -1: not known */
	int		nproc;		/* processes in its tree */
};
struct hp_info {
	char		name[HP_REF_MAX + 1];	/* NAME, or NAME:I */
	char		type[16];
	char		state[16];
	char		health[16];
	pid_t		pid;
	long long	started_wall;
	int		restarts;	/* the supervisor's own */
	int		manual;		/* restarts asked for */
	int		skipped;	/* runs of run-at not made */
	char		circuit[12];	/* closed, open, half-open */
	int		exit_code;
	int		exit_signal;
	int		running;	/* the pid is alive and ours */
	int		supervised;	/* its keeper holds its lock */
	int		ntree;		/* processes in its tree */
	double		cpu;		/* percent of one CPU: the current rate */
	double		cpu_avg;	/* percent, over its life */
	double		cpu_time;	/* seconds, its tree, the reaped too */
	long long	rss;		/* bytes, whole tree */
	long long	pss;		/* bytes, whole tree; -1 not known */
	int		threads;
	int		fds;		/* -1: not known */
	long long	sampled;	/* wall ms of the figures; 0: now */
	pid_t		tree[HP_TREE_MAX];
	char		error[160];
	int		instance;	/* I of NAME:I, or 0 */
	int		nlisten;	/* sockets held for it: bound to */
	char		listen[HP_SPAWN_PASS][128];
	char		status[200];	/* STATUS= of NOTIFY_SOCKET */
	char		notify[16];	/* reloading, stopping, or empty */
	int		nhist;		/* samples in hist; -1: not asked */
	struct hp_sample hist[HP_RING];	/* oldest first */
};
struct hp_treestat {
	unsigned long long ticks;	/* CPU, its reaped children included */
	long long	rss;		/* bytes */
	int		threads;
};
int	hp_info_load(const struct hp_state *, const char *, struct hp_info *,
	    int);				/* 1: with metrics; -1 errno */
void	hp_info_json(struct hp_json *, const struct hp_info *);
int	hp_info_parse(const char *, struct hp_info *);
				/* an object of hp_info_json: -1 not one */
void	hp_fmt_uptime(char *, size_t, long long);	/* ms: "3m07s", "-" */
void	hp_fmt_size(char *, size_t, long long);	/* bytes: "41.2M", "-" */
void	hp_sample_json(struct hp_json *, const struct hp_sample *);
int	hp_info_refs(const struct hp_state *, const char *, char ***,
	    int *);	/* NAME: NAME:1 ... if it has instances, else NAME */
char	**hp_info_expand(const struct hp_state *, char **, int, int *);
		/* each name as hp_info_refs: a new array (NULL: none), n */
int	hp_tree_stat(pid_t, unsigned long long, pid_t *, int,
	    struct hp_treestat *);
		/* leader, start, tree, max -> n and the sums; -1 errno */
int	hp_cgroup_name(char *, size_t, const char *, const char *);
				/* base, name: base/p-NAME; -1 ENAMETOOLONG */
int	hp_status_tree(const struct hp_kv *, const char *, char *, size_t,
	    struct hp_kin *, int);	/* a status's cgroup and descendants */
int	hp_status_stopped(const struct hp_state *, const char *);
				/* stopped with no supervisor; -1 errno */

/* prom.c: processes and a supervisor as Prometheus text, or OpenMetrics */
struct hp_promproc {
	char		name[HP_REF_MAX + 1];
	char		type[16];
	char		state[16];
	char		health[16];
	int		up;
	int		restarts;
	double		cpu_time;	/* seconds */
	long long	rss;
	long long	pss;		/* -1: not known */
};
struct hp_promsup {
	int		up;		/* a supervisor answered */
	int		processes;
	unsigned long long events;	/* published so far */
	long long	uptime_ms;
	long long	started_wall;
};
void	hp_prom_proc(const struct hp_info *, struct hp_promproc *);
void	hp_prom_write(struct hp_buf *, int, const struct hp_promsup *,
	    const struct hp_promproc *, int);	/* 1: OpenMetrics */
const char *hp_prom_type(int);		/* its Content-Type; 1: OpenMetrics */

/* =============================== client =============================== */

/* client.c: starting a supervisor, asking it, waiting for its answer */
struct hp_client {
	struct hp_state	*st;
	int		 fd;
	int		 wfd;		/* ours too: never EOF, never POLLHUP */
	char		 path[HP_PATH_MAX];
	char		 id[HP_NAME_MAX + 1];
	char		 buf[HP_LINE_MAX * 4];
	size_t		 len;
	const char	*keeper;	/* lock of a keeper, else supervisor */
	long long	 deadline;	/* of what is sent: wall ms, 0 none */
	char		 pend[HP_LINE_MAX + 2];	/* queued, to send */
	size_t		 npend;
	uid_t		 uid;		/* who asks, as we say it */
	pid_t		 pid;
};
int	hp_client_detach(const struct hp_state *, int (*)(void *, int),
	    void *, struct hp_error *);
		/* run(arg, ready fd) detached, unless a supervisor runs:
		   0 it is ready, 1 one runs already, -1 + error */
int	hp_client_start(const struct hp_state *, struct hp_error *);
		/* the hp-supervise beside us, implicit, unless one runs */
int	hp_client_open(struct hp_client *, struct hp_state *);
void	hp_client_close(struct hp_client *);
int	hp_client_send(struct hp_client *, const char *, ...);
						/* "VERB ARG..."; -1 errno */
int	hp_client_queue(struct hp_client *, const char *, ...);
int	hp_client_flush(struct hp_client *);	/* what was queued */
int	hp_client_line(struct hp_client *, char *, size_t, long long);
			/* next line within ms; 0 line, -1 timeout/errno */
int	hp_client_add(struct hp_client *, const struct hp_spec *,
	    const char *, int, char *, size_t, void (*)(const char *),
	    struct hp_error *);
		/* spec, name, unique: the answer; seen: lines before it */

/* list.c: processes as the supervisor tells them, else as the files do */
struct hp_listed {
	struct hp_info	 info;
	char		*line;		/* the supervisor's answer, or NULL */
	int		 found;
};
struct hp_listsup {
	int		 up;		/* a supervisor answered */
	pid_t		 pid;
	long long	 started_wall;
	long long	 uptime_ms;
	long long	 interval;	/* its metrics-interval, ms */
	int		 processes;
	unsigned long long events;	/* published so far */
};
int	hp_list_ask(struct hp_state *, char **, int, int, int,
	    struct hp_listed *, struct hp_listsup *);
		/* names, n, all, history: the supervisor's answer; -1 none */
int	hp_list_load(struct hp_state *, char **, int, int, int,
	    struct hp_listed *, struct hp_listsup *);
		/* the same, the files for the rest: -1 one is nowhere */
int	hp_list_every(struct hp_state *, int, void (*)(void *,
	    const struct hp_info *, const char *), void *,
	    struct hp_listsup *);
		/* history, each(arg, info, line): every process of procs/ */
void	hp_list_free(struct hp_listed *, int);	/* and the array */

/* logs.c: the logs of many processes as one, in time, and followed */
struct hp_logopt {
	char		**names;	/* names and globs; none: every one */
	int		  n;
	long long	  lines;	/* the last so many; -1: all */
	long long	  since;	/* ms back from now; 0: all */
	int		  follow;
	int		  prefix;	/* each line begins with its name */
};
int	hp_logs_show(struct hp_state *, const struct hp_logopt *);
				/* until a signal, with follow: exit status */

/* top.c: hp-ls --top, the processes live and a log, full screen */
int	hp_top_run(struct hp_state *, char **, int, struct hp_error *);
		/* names and globs: until q or a signal; -1 + error */

/* direct.c: stop, signal or remove a process when no supervisor runs */
int	hp_direct_take(const struct hp_state *);
void	hp_direct_end(void);		/* a stopper within its tree: its end */
		/* the supervisor's lock, so that none starts: 0; -1 EAGAIN */
void	hp_direct_verb(const struct hp_state *, const char *, int,
	    const char *, struct hp_buf *);
		/* verb, signal, name: its answer line, as a supervisor's */

/* save.c: what a state directory keeps, as one hp.conf(5) */
int	hp_save_default(char *, size_t);	/* its default file; -1 */
int	hp_save(const struct hp_state *, const char *, int, int *,
	    struct hp_error *);	/* to path (1: make its directory); *n */

/* startup.c: what starts hp-supervise -f FILE at boot or login */
enum { HP_START_SYSTEMD, HP_START_LAUNCHD, HP_START_RC };
struct hp_startup {
	int		 format;	/* HP_START_* */
	int		 system;	/* at boot, for all; 0: the user's */
	const char	*conf;		/* the file, absolute */
	const char	*state;		/* -S DIR, absolute; NULL: the format's */
	long long	 stop;		/* ms: the file's longest stop-timeout */
	char		 self[HP_PATH_MAX];	/* hp-supervise */
	char		 user[64];	/* who we are */
	uid_t		 uid;
	struct hp_state	 dflt;		/* the user's default state directory */
};
int	hp_startup_format(const char *);	/* by name; NULL ours; -1 */
const char *hp_startup_name(int);
int	hp_startup_init(struct hp_startup *, struct hp_error *);
					/* reads conf; -1 + error */
int	hp_startup_where(const struct hp_startup *, char *, size_t);
					/* where it belongs; -1 errno */
void	hp_startup_text(const struct hp_startup *, const char *,
	    struct hp_buf *);			/* the file, for path */
void	hp_startup_enable(const struct hp_startup *, const char *,
	    struct hp_buf *);		/* commands that enable it at path */
/* match.c: "all" and shell patterns of the verbs, made the names they match */
int	hp_match_pattern(const char *);	/* 1: "all" or a pattern */
int	hp_match_ok(const char *);	/* a name, NAME:I, all or a pattern */
int	hp_match(const struct hp_state *, char **, int, char ***, int *,
	    struct hp_error *);
		/* given -> names, each once, in order (hp_argv_free);
		   -1 + error: one matches nothing (not-found) */

/* wait.c: until processes are in a state, told by the events */
const char *hp_wait_state(int);		/* the i-th state it knows; NULL */
int	hp_wait_known(const char *);	/* 1: a state wait knows */
int	hp_wait(struct hp_state *, char **, int, const char *, long long,
	    const char *, struct hp_buf *);
		/* refs, state, ms (-1: ever), as said ("2s"): an answer line
		   a ref into the bufs; 0 all there, -1 not in time */

/* ================================ super =============================== */

/* super.c: the supervisor (hp-supervise; its insides in super/super.h) */
struct hp_superopt {
	int		 implicit;	/* exit once nothing is kept */
	int		 json;		/* events on stdout too */
	int		 ready;		/* fd told once ready, or -1 */
	const char	*conf;		/* hp.conf(5) to keep, or NULL */
	const char	*profile;	/* its sections of --profile, or NULL */
	pid_t		 parent;	/* shut down when it is gone, or 0 */
	int		 watch_stdin;	/* shut down at EOF on stdin */
	long long	 parent_grace;	/* ms to wait for a new parent */
	int		 init;		/* PID 1: pass signals on, exit last */
	const char	*allow;		/* --allow FILE, or NULL */
	struct hp_spec	*cmd;		/* a process to run, or NULL */
	/* admission */
	const struct hp_admit *admit;	/* NULL: the defaults */
	int		 events;	/* HP_WANT_* to stdout too (--json) */
	long long	 metrics_interval;	/* ms; hp.conf may change it */
	const char	*audit;		/* --audit FILE (absolute), or NULL */
	struct hp_hord	*handover;	/* an upgrade's (--handover), or NULL */
	const char	*handback;	/* ... brought back to us: why */
};
struct hp_hord;
int	hp_upgrade_options(struct hp_hord *, int, struct hp_superopt *,
	    const char **, char *, size_t);
			/* --handover FD: the options, the state dir; -1 */
void	hp_upgrade_back(const struct hp_hord *, const char *);
			/* a takeover failed: to the image it came from */
int	hp_super_run(struct hp_state *, const struct hp_superopt *,
	    struct hp_error *);	/* exit status; -1 + error: not started */
int	hp_verb_count(void);			/* control.c: its verbs[] */
const char *hp_verb_name(int, const char **, const char **);
				/* i -> name, its arguments, help; NULL */

#endif
