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
#define HP_FRAME_MAX	4096	/* the payload of a channel frame, at most */
/*
 * A size set through the channel is told (resized: a record written)
 * this long after, once for a run of them: the program's redraw, which
 * it sets off, goes out first.
 */
#define HP_SIZED_MS	20
struct hp_relay {
	int	 in;		/* our stdin; -1 once at its end */
	int	 out;		/* our stdout; -1 once nobody reads it */
	int	 master;
	int	 ctl;		/* control FIFO, or -1 */
	int	 tty;		/* in is a terminal: its size is passed on */
	int	 eof_hangup;	/* EOF on in hangs the terminal up */
	pid_t	 pid;		/* the program, leader of the session */
	void	(*control)(struct hp_relay *, char *);	/* a control line */
	void	(*resized)(struct hp_relay *, int, int);	/* cols, rows */
	void	*arg;		/* for control */
	int	 aux;		/* one more descriptor to watch, or -1 */
	long long aux_at;	/* mono ms it is late, or 0 */
	void	(*auxcall)(struct hp_relay *, int);	/* readable, 1: late */
	/*
	 * hp-pty --control (chan.c): the program is not our child, a
	 * channel to our caller carries frames both ways, and its end
	 * hangs the terminal up in steps.
	 */
	int	 channel;	/* 1: so */
	int	 chan;		/* the channel; -1 once it has ended */
	struct hp_ident id;	/* the program */
	int	 stop_signal;	/* the steps: HUP, this, then KILL */
	long long stop_timeout;	/* ms */
	/* inside */
	int	 sig, exited, status, ended, hungup;
	long long bytes, last;	/* read from the terminal; when, last */
	int	 outway, nbout;	/* how out is written; a fd of our own */
	int	 sized[2];	/* the last size set, for resized ... */
	long long sized_at;	/* ... at this mono ms; 0: told */
	char	 up[HP_RELAY_BUF], down[HP_RELAY_BUF];
	size_t	 uplen, downoff, downlen, linelen;
	char	 line[HP_LINE_MAX + 1];
	int	 going;		/* the hang-up steps taken: 0 to 3 */
	long long going_at;	/* mono ms they began */
	pid_t	 fg;		/* the foreground group last told */
	long long fg_at;	/* mono ms to look at it again */
	long long fg_since;	/* mono ms it has had the terminal */
	long long fg_named;	/* mono ms its name may be looked at again */
	char	 fgname[256];	/* its leader's name, last told */
	unsigned char cin[3 + HP_FRAME_MAX];
	size_t	 cinlen;
};
int	hp_relay_run(struct hp_relay *);	/* wait status; -1 errno */

/* chan.c: the control channel of hp-pty --control, its hang-up steps */
int	hp_chan_send(struct hp_relay *, int, const char *, size_t);
				/* kind, payload: one frame; -1 it has ended */
void	hp_chan_read(struct hp_relay *);	/* frames: s, k, x */
void	hp_chan_signal(struct hp_relay *, int);	/* the whole session */
void	hp_chan_go(struct hp_relay *);		/* hang up, in steps */
void	hp_chan_look(struct hp_relay *);	/* F: who has the terminal */
long long hp_chan_next(const struct hp_relay *); /* mono ms, or -1 */
void	hp_chan_tick(struct hp_relay *, long long);	/* now */
int	hp_chan_await(int, char *, char ***, int *);
		/* --spare: fd, argv[0] -> argv, argc, environ: 1; 0 none */

/* fg.c: hp-pty --control: the program in the process our caller started */
struct hp_keep;
struct hp_fg {
	struct hp_spawn	 sp;	/* the program; fd[] its terminal's side */
	struct hp_relay	*r;	/* the relay: in, out, master, chan ... */
	struct hp_keep	*keep;	/* its record; lock -1: none */
	const char	*name;	/* its name, for the hello */
	const char	*tty;	/* its terminal's path */
	void		(*started)(struct hp_fg *);	/* in the relay: the
					   record, before the hello */
	void		(*told)(struct hp_fg *);	/* after the hello */
};
int	hp_fg_run(struct hp_fg *, struct hp_error *);
		/* in the relay only: its exit status; -1 + e: nothing ran */

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
	int	 nodraw;	/* no draw of the screen after it */
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
