/* hp: see LICENSE. */
/*
 * term.h: terminals: a pseudo-terminal and its environment, the relay of
 * its bytes, and the record of a process kept outside the supervisor
 * (hp-pty(1)); after hp.h.
 */

#ifndef HP_TERM_H
#define HP_TERM_H

/* pty.c: pseudo-terminals, raw mode, the environment of a terminal */
#ifdef __APPLE__
#define HP_PTY_UTF8	"en_US.UTF-8"	/* the locale a C one becomes */
#else
#define HP_PTY_UTF8	"C.UTF-8"
#endif
struct hp_spec;
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
char	**hp_pty_envp(const struct hp_spec *);	/* free() the array */

/* relay.c: stdin to a terminal, the terminal to stdout, until its end */
#define HP_RELAY_BUF	65536
struct hp_relay {
	int	 in;		/* our stdin; -1 once at its end */
	int	 out;		/* our stdout; -1 once nobody reads it */
	int	 master;
	int	 ctl;		/* control FIFO, or -1 */
	int	 tty;		/* in is a terminal: its size is passed on */
	int	 eof_hangup;	/* EOF on in hangs the terminal up */
	pid_t	 pid;		/* the program, leader of the session */
	void	(*control)(struct hp_relay *, char *);	/* a control line */
	void	*arg;		/* for control */
	/* inside */
	int	 sig, exited, status, ended, hungup;
	long long bytes, last;	/* read from the terminal; when, last */
	char	 up[HP_RELAY_BUF], down[HP_RELAY_BUF];
	size_t	 uplen, downoff, downlen, linelen;
	char	 line[HP_LINE_MAX + 1];
};
int	hp_relay_run(struct hp_relay *);	/* wait status; -1 errno */

/* keep.c: procs/NAME of a process kept outside the supervisor */
struct hp_keep {
	const struct hp_state *st;
	char	name[HP_NAME_MAX + 1];
	char	dir[HP_PATH_MAX];
	int	lock;			/* held while kept */
	int	ctl, ctlw;		/* its control FIFO; our writer */
};
struct hp_json;
struct hp_client;
int	hp_keep_take(struct hp_keep *, const struct hp_state *, const char *,
	    int);		/* name, 1: NAME-2...; -1 EEXIST: taken */
int	hp_keep_write(const struct hp_keep *, const char *, const void *,
	    size_t);				/* file, atomic; -1 errno */
void	hp_keep_reply(const struct hp_keep *, const char *,
	    struct hp_json *);			/* client id, one line */
void	hp_keep_drop(struct hp_keep *);		/* procs/NAME goes */
int	hp_keep_ask(struct hp_state *, const char *, char *, size_t,
	    long long, const char *, ...);
		/* name, answer, ms, "VERB ARG..."; -1 ESRCH, ETIMEDOUT */

/* attach.c: a client of a terminal the supervisor keeps (sterm.c) */
struct hp_attach {
	int	 in, out;	/* ours: keys from (-1: none), output to */
	int	 detach;	/* the byte that detaches, or -1 */
	long long replay;	/* bytes of scrollback first; -1 all kept */
	int	 cols, rows;	/* 0: our terminal's, if we are on one */
	/* inside */
	char	 id[32];
	int	 frames, keys;
	long long lost;		/* bytes we missed ... */
	long long told, told_at;	/* ... said so far, and when */
	int	 replayed;	/* the replay is over */
	int	 eof;		/* our input has ended: detach after it */
	char	 end[128];	/* how it ended, as JSON */
	size_t	 len;
	char	 buf[3 + 65535];
};
int	hp_attach_run(struct hp_state *, const char *, struct hp_attach *);
					/* name: an exit status */
int	hp_term_ask(struct hp_client *, const char *, char *, size_t,
	    const char *, ...);		/* name, answer, "VERB NAME ..." */
int	hp_term_status_of(const char *);	/* end JSON: exit status */
int	hp_term_send(struct hp_state *, const char *, const char *, size_t,
	    char *, size_t);	/* name, bytes: answer; 1 refused, -1 errno */

#endif
