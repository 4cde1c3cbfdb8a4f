/* hp: see LICENSE. */
/*
 * check.h: health checks: parsed from their text, their HTTP, and every
 * check of a run at once in one poll() loop (hp-health(1), the
 * supervisor's probes); include after hp.h.
 */

#ifndef HP_CHECK_H
#define HP_CHECK_H

/* url.c: health checks parsed from their text, and their addresses */
enum { HP_CHECK_HTTP = 1, HP_CHECK_TCP, HP_CHECK_UNIX, HP_CHECK_PROC };
#define HP_CHECK_ADDRS	8	/* addresses of a name tried, at most */
struct sockaddr;
struct hp_addrs;
struct hp_probe;
struct hp_check {
	char		 text[HP_PATH_MAX];	/* as given, for reports */
	int		 kind;
	char		 host[256];		/* http, tcp: no brackets */
	char		 port[8];
	char		 path[HP_PATH_MAX];	/* http path, socket, or name */
	int		 expect;		/* http status; 0: any 2xx */
	long long	 timeout;		/* ms a try may take */
	int		 retries;		/* tries after a failed one */
	/* the outcome of the last run, set by health.c */
	int		 done;
	int		 healthy;
	int		 status;		/* http status; 0: none */
	int		 attempts;		/* tries made */
	long long	 latency_us;		/* of the last try */
	char		 answered[80];		/* the address that answered */
	char		 error[160];		/* why unhealthy */
	struct hp_addrs	*addrs;			/* resolved once, then kept */
	struct hp_probe	*pr;			/* while a run is on */
};
int	hp_check_parse(struct hp_check *, const char *, char *, size_t);
						/* -1 + message: usage */
int	hp_listen_parse(struct hp_check *, const char *, char *, size_t);
			/* tcp:// (port 0: any) or unix:; -1 + message */
int	hp_check_addr(struct hp_check *, const struct sockaddr *, size_t);
						/* -1 ENOSPC: full */
int	hp_check_naddr(const struct hp_check *);
const struct sockaddr *hp_check_sockaddr(const struct hp_check *, int,
	    size_t *);				/* address i, its length */
int	hp_check_resolve(struct hp_check *);	/* -1 + c->error */
void	hp_addr_fmt(char *, size_t, const struct sockaddr *);
void	hp_check_free(struct hp_check *);	/* its addresses */

/* http.c: the HTTP/1.1 request of a check, the head of its response */
#define HP_HTTP_HEAD_MAX	16384	/* bytes of a response head read */
struct hp_http {
	int		 state;
	int		 code;		/* of the response being read */
	int		 status;	/* of the final response, once read */
	int		 colon;		/* the header line has its colon */
	size_t		 len;		/* bytes taken */
	size_t		 col;		/* column in the status line */
	const char	*error;		/* why it is bad */
};
void	hp_http_request(struct hp_buf *, const struct hp_check *);
void	hp_http_init(struct hp_http *);
int	hp_http_feed(struct hp_http *, const char *, size_t);
				/* 1 head read, 0 more, -1 bad: ->error */
int	hp_http_eof(struct hp_http *);	/* 1 head was read, -1 ->error */

/* health.c: every check of a run at once, in one poll() loop */
#define HP_HEALTH_TIMEOUT	2000	/* ms a try may take by default */
#define HP_HEALTH_STAGGER	100	/* ms before the next address too */
#define HP_HEALTH_BACKOFF	100	/* ms before the first retry */
struct pollfd;
struct hp_health {
	struct hp_check	*c;
	int		 n;
	const struct hp_state *st;	/* for proc: checks; NULL: none */
	int		 pending;	/* checks not done */
	unsigned	 rnd;
};
void	hp_health_start(struct hp_health *, struct hp_check *, int,
	    const struct hp_state *);	/* resolves, connects */
int	hp_health_nfds(const struct hp_health *); /* poll entries, at most */
int	hp_health_fds(struct hp_health *, struct pollfd *, int);
						/* entries filled */
long long hp_health_next(const struct hp_health *);
				/* mono ms of the next deadline, -1 none */
int	hp_health_step(struct hp_health *, struct pollfd *, int);
				/* after poll: checks still pending */
void	hp_health_stop(struct hp_health *);	/* the rest: unhealthy */
int	hp_health_run(struct hp_check *, int, const struct hp_state *);
						/* checks unhealthy */

#endif
