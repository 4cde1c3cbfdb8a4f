/* hp: see LICENSE. */
/*
 * sterm.h: the insides of a terminal the supervisor keeps, shared by
 * sterm.c (its pty, scrollback and clients), tctl.c (its verbs),
 * tact.c (its activity) and sterm_ho.c (its handover); after hp.h and
 * super.h; its screen is vt.h's.
 */

#ifndef HP_STERM_H
#define HP_STERM_H

struct tclient {
	char		 id[HP_NAME_MAX + 1];
	int		 out, in;
	unsigned long long pos;		/* next byte it gets */
	unsigned long long lost;	/* to be told of */
	int		 told;		/* it has had the end */
	long long	 took;		/* mono ms it last took a frame */
	unsigned long long mark;	/* where its draw goes; NODRAW: not
					   yet known, where it is clean */
	struct hp_buf	 draw;		/* the screen, drawn at mark */
	size_t		 drawn;		/* of it sent */
	int		 marked;	/* it has had the 'r' */
	int		 nodraw;	/* it wants no draw: bytes only */
	struct tclient	*next;
};
#define NODRAW		(~0ULL)

struct hp_term {
	int		 master;
	char		 tty[64];
	const struct hp_state *st;	/* its clients' FIFOs are there, */
	const char	*name;		/* in procs/NAME/clients/ */
	int		 cols, rows;
	char		*ring;
	size_t		 cap, start, len, max;
	unsigned long long head;	/* bytes the program has written */
	struct tclient	*clients;
	int		 nclients;
	int		 dirty;		/* its status is to be written again */
	struct hp_buf	 typed;		/* for the terminal, not taken yet */
	size_t		 off;
	int		 ended, code, sig;	/* the program's end */
	long long	 linger;	/* mono ms: clients that lag go */
	/* activity */
	int		 busy;
	long long	 quiet_at, tick_at;
	unsigned long long burst, told;
	pid_t		 fg;
	char		 fgcomm[64];	/* its name, as last seen */
	long long	 fg_at;		/* mono ms to look at it again, or 0 */
	unsigned	 titled;	/* the screen's title changes told */
	/* its screen: vt*.c */
	struct hp_vt	*vt;
	int		 waiting;	/* clients whose draw waits */
};

#define LINGER		5000	/* ms a client has to take the end */
#define FG_DELAY	200	/* ms to look again at who has the terminal */

/* sterm_ho.c */
void	hp_term_forget(struct hp_term *);	/* memory only: no fd closed */
/* sterm.c */
void	hp_term_flushall(struct hp_proc *);	/* to each client */
int	hp_term_type(struct hp_term *, const char *, size_t);
				/* bytes for the terminal; -1 too many */
void	hp_term_restatus(struct hp_super *, struct hp_proc *);
				/* the status again, if its clients changed */
void	hp_term_redraw(struct hp_term *, struct tclient *);
				/* its draw now, or at the next clean point */
/* tact.c */
struct hp_json *hp_tact_event(struct hp_super *, struct hp_proc *,
	    const char *);			/* terminal:activity, begun */
void	hp_tact_output(struct hp_super *, struct hp_proc *, size_t);
				/* it wrote n bytes: told of, and its title */
void	hp_tact_quiet(struct hp_super *, struct hp_proc *, long long);
void	hp_tact_foreground(struct hp_super *, struct hp_proc *, int);
				/* 1: its name again, the group the same */

#endif
