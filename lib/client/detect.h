/* hp: see LICENSE. */
/*
 * detect.h: CLI tools: their registry, where they are and at which
 * version, and the cache of those answers (hp-detect(1)); after hp.h.
 */

#ifndef HP_DETECT_H
#define HP_DETECT_H

/* tools.c: the registry of CLI tools (tools.conf, see hp-detect(1)) */
#define HP_TOOLS_SYS	"/usr/local/share/hp/tools.conf"
struct hp_system {		/* what install.NAME and update.NAME are for */
	const char	*name;		/* linux-apt ... */
	const char	*os;		/* uname's sysname */
	const char	*prog;		/* its package manager */
	int		 root;		/* it must run as root */
};
#define HP_NSYSTEMS	9
extern const struct hp_system hp_systems[HP_NSYSTEMS];
struct hp_tool {
	char	 id[HP_NAME_MAX + 1];
	char	*name;
	char	**cmd;		/* command names, tried in order */
	int	  ncmd;
	char	**vargs;	/* version arguments; NULL: --version */
	char	*regex;		/* ERE, subexpression 1 the version */
	char	**dirs;		/* its own directories, ~ and $VAR/ allowed */
	int	  ndirs;
	char	**install;	/* any system's (npm, pip ...) */
	char	**update;
	char	**sysinstall[HP_NSYSTEMS];	/* install.SYSTEM */
	char	**sysupdate[HP_NSYSTEMS];	/* update.SYSTEM */
	char	**env;		/* NAME=VALUE added when it is launched */
	int	  nenv;
	int	  line;		/* of its [tool ID] */
};
struct hp_tools {
	struct hp_tool	*t;
	int		 n;
	char		**err;	/* "FILE:LINE: message" of skipped entries */
	int		 nerr;
};
int	hp_tools_parse(struct hp_tools *, char *, const char *);
				/* text, file name; -1 EINVAL: ->err grew */
int	hp_tools_load(struct hp_tools *, const char *);	/* -1 errno */
void	hp_tools_default(struct hp_tools *, const char *);
				/* shipped (NULL: HP_TOOLS_SYS), user, env */
void	hp_tools_registry(char *, size_t, const char *);
			/* the shipped one: $HP_REGISTRY, beside argv0, ours */
const struct hp_tool *hp_tools_find(const struct hp_tools *, const char *);
struct hp_pick {			/* the installer for this system */
	char		**argv;		/* NULL: none */
	const struct hp_system *sys;	/* NULL: any system's line */
	char		 prog[HP_PATH_MAX];	/* argv[0] found, or "" */
	char		 why[256];	/* without argv: why none */
};
void	hp_tools_pick(struct hp_pick *, const struct hp_tool *, int,
	    const struct hp_envpath *, const char *);	/* update, sysname */
void	hp_tools_free(struct hp_tools *);

/* probe.c: one probe, in a worker of its own (hp-detect(1)) */
struct hp_probe {			/* the worker's answer */
	int	status;			/* the tool's wait status */
	char	version[64];		/* "" unknown */
	char	raw[256];		/* the line the version is on */
	char	error[160];		/* "" none */
};
int	hp_version_re_ok(const char *);	/* 1: a regex we compile */
int	hp_version_parse(const char *, const char *, char *, size_t, char *,
	    size_t);		/* re, text -> version, raw; -1 no match */
pid_t	hp_probe_start(const struct hp_tool *, const char *, char **, int,
	    int, int *);	/* path, envp, a cgroup's directory or -1,
			   1 it moves in: worker, *fd */
int	hp_probe_read(int, struct hp_probe *);
			/* 1 answered, 0 ended without, -1 not yet */

/* detect.c: where a tool is, its version; probes in a pool, a cache */
struct hp_cand {
	char		 path[HP_PATH_MAX];
	const char	*source;
	const char	*why;		/* "selected", or why it was not */
};
struct hp_result {
	const struct hp_tool *tool;
	int		 installed;
	char		 path[HP_PATH_MAX];
	char		 real[HP_PATH_MAX];
	const char	*source;	/* of the directory it was found in */
	char		 version[64];	/* "" unknown */
	char		 raw[256];	/* the line the version is on */
	char		 error[160];	/* what went wrong with the probe */
	long long	 probe_ms;
	long long	 checked;	/* wall ms of the probe */
	int		 cached;	/* the answer came from the cache */
	long long	 size, mtime_ns;
	struct hp_cand	*cand;		/* with all: every candidate */
	int		 ncand;
	/* while it is probed */
	int		 state;		/* 0 new, 1 running, 2 ending, 3 done */
	pid_t		 pid;		/* its worker */
	int		 fd, exited, status, answered;
	long long	 start, deadline;
	struct hp_probe	 ans;
	char		*cg;		/* its cgroup, or NULL: ancestry */
};
struct hp_detect {
	struct hp_result *r;		/* ->tool set by the caller */
	int		 n;
	int		 jobs;
	long long	 timeout;	/* ms a probe may take */
	long long	 ttl;		/* ms a cached answer lasts */
	int		 usecache, all;
	char		 cachedir[HP_PATH_MAX];	/* "": no cache */
	void		(*done)(struct hp_result *, void *);
	void		*arg;
	int		 reaper;	/* we are a subreaper: children
					   of ours that are no probe's
					   are what a probe left */
	char		*cgbase;	/* the probes' cgroups, or NULL */
};
struct hp_dcache {
	char		 id[HP_NAME_MAX + 1];
	unsigned long	 sig;
	char		 path[HP_PATH_MAX];
	long long	 size, mtime_ns, checked, probe_ms;
	char		 real[HP_PATH_MAX];
	char		 version[64];
	char		 error[160];
	char		 raw[256];
};
void	hp_detect_find(struct hp_result *, const struct hp_tool *,
	    const struct hp_envpath *, int);	/* all: every candidate */
void	hp_detect_run(struct hp_detect *, const struct hp_envpath *);
void	hp_detect_free(struct hp_detect *);

/* dcache.c: the cache of hp-detect's answers (struct hp_dcache above) */
int	hp_dcache_parse(struct hp_dcache *, char *);	/* line; -1 bad */
int	hp_dcache_valid(const struct hp_dcache *, const struct hp_result *,
	    long long, long long);		/* now, ttl: 1 usable */
void	hp_dcache_line(struct hp_buf *, const struct hp_result *);
void	hp_dcache_fill(struct hp_detect *);	/* from d->cachedir/detect */
void	hp_dcache_save(struct hp_detect *);	/* write + rename */

/* launch.c: a tool to run in a terminal (hp-pty -t) */
struct hp_launch {
	char	id[HP_NAME_MAX + 1];
	char	name[128];
	char	path[HP_PATH_MAX];
	char	version[64];		/* if the cache knows it, or probed */
	/* told: the program, its terminal's name, the supervisor's */
	pid_t	pid;
	char	term[HP_NAME_MAX + 1];	/* "": none */
	const struct hp_state *st;
	/* its probe, after the launch */
	struct hp_tools	 ts;		/* the registry, for r.tool */
	struct hp_result r;
	char	cachedir[HP_PATH_MAX];
	pid_t	probe;			/* the worker */
	int	fd;			/* its answer; -1 none running */
	long long deadline;		/* mono ms */
};
int	hp_launch_find(struct hp_launch *, const char *, const char *,
	    struct hp_spec *, struct hp_error *);
				/* id, argv[0]: 0 found; -1 + error */
void	hp_launch_announce(struct hp_launch *, pid_t, const char *,
	    const struct hp_state *);	/* pid, terminal, state or NULL */
				/* cli-tool:launched; terminal name */
int	hp_launch_probe(struct hp_launch *, long long);
			/* timeout ms: 0 its answer on ->fd; -1 none needed */
int	hp_launch_probed(struct hp_launch *, int, int);
			/* late, wait: cli-tool:version told 0; -1 not yet */

#endif
