/* hp: see LICENSE. */
/* bench.h: what the files of the bench share (bench.c has them). */

#define RUNS	30
#define NSV	50		/* services of daemontools */
#define SVPATH	(HP_PATH_MAX + 16)

extern const char *bindir;	/* where the commands are */
extern struct hp_state st;	/* the bench's state directory */

double	median(long long *, int);	/* of us values, in ms */
pid_t	start(char **, int);	/* a command of ours or a path; 1: bg */
void	row(const char *, double, double, const char *, const char *);
				/* figure, hp, baseline, unit, bar */
pid_t	httpd(int *);		/* test/httpd on 127.0.0.1: its port */
void	memory(pid_t, long long *, long long *);	/* RSS, PSS KiB */
void	bare_memory(long long *, long long *);	/* of a bare process */

void	bench_detect(const char *, const char *);	/* detect.c */
void	bench_super(void);				/* super.c */
void	bench_chains(void);				/* super.c */
void	bench_idle(void);				/* super.c */
void	bench_pty(void);				/* pty.c */
pid_t	on_pty(char **, char **, int, int, int *);
			/* argv, envp, cols, rows: on a terminal; master fd */
void	bench_terminals(void);				/* pty.c */
void	terminal(const char *, const char *, int);
		/* name, bytes it prints: started; n terminals quiet since */
void	bench_upgrade(void);				/* upgrade.c */
const char *which(const char *const *);	/* metrics.c: the first there */
pid_t	sv_pid(const char *);		/* of a service of supervise(8) */
int	sv_wait(char [][SVPATH], int);	/* until all up (1) or down (0) */
int	sv_start(const char *, char [][SVPATH], pid_t *, const char *,
	    const char *);	/* prefix, dirs, pids, supervise, run */
void	sv_stop(char [][SVPATH], const pid_t *, const char *);
void	bench_peers(void);			/* peers.c */
long long bare_stop(int);	/* us: SIGTERM to n children, all reaped */
void	bench_top(void);				/* metrics.c */
void	bench_sampler(const char *, int, pid_t (*)(int));	/* metrics.c */
double	cpu_ms(pid_t);		/* its user+system CPU time, ms */
