/* hp: see LICENSE. */
/*
 * term.h: terminals for hp-pty(1): the relay of a pseudo-terminal's
 * bytes, the record of a process kept outside the supervisor, a client of
 * one the supervisor keeps; after hp.h.
 */

#ifndef HP_TERM_H
#define HP_TERM_H

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
int	hp_keep_write(const struct hp_keep *, int, const void *, size_t);
				/* HP_P_* file, atomic; -1 errno */
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
int	hp_attach_run(struct hp_state *, const char *, struct hp_attach *,
	    struct hp_error *);	/* name: an exit status; -1 + error */
int	hp_term_ask(struct hp_client *, const char *, char *, size_t,
	    const char *, ...);		/* name, answer, "VERB NAME ..." */
int	hp_term_status_of(const char *);	/* end JSON: exit status */
int	hp_term_send(struct hp_state *, const char *, const char *, size_t,
	    char *, size_t);	/* name, bytes: answer; 1 refused, -1 errno */

#endif
