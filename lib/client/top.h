/* hp: see LICENSE. */
/*
 * top.h: hp-ls --top between its two files: top.c keeps what is shown
 * and reads the list, the log and the keys; topdraw.c draws a frame of
 * it. After hp.h.
 */
#ifndef HP_TOP_H
#define HP_TOP_H

#define HP_TOP_REFRESH	1000	/* ms between two listings */
#define HP_TOP_KEEP	256	/* lines of the log kept for its pane */

struct hp_tophist {
	char		 name[HP_REF_MAX + 1];
	struct hp_sample s[HP_RING];
	int		 n, head;
	long long	 last;		/* wall ms of the newest */
	double		 cpu_time;	/* without a supervisor: to rate it */
	long long	 cpu_at;
};

struct hp_top {
	struct hp_state	*st;
	char		**pat;		/* names and globs asked for */
	int		 npat;
	struct hp_listed *ls;		/* the last listing */
	char		**names;
	int		 n;
	struct hp_listsup sup;
	struct hp_tophist *h;
	int		 nh;
	int		 asked;		/* the history was asked for once */
	char		 sel[HP_REF_MAX + 1];	/* the selected process */
	int		 cur, off;	/* its row, the first row shown */
	int		 tree;		/* the children shown too */
	char		 filter[64];
	int		 prompt;	/* 0, '/' filter, 'x' signal */
	char		 input[64];
	char		 msg[256];
	int		 cols, rows;
	int		 colour, utf8;
	struct hp_client c;		/* verbs, their answers, events */
	int		 have_c;
	/* the log of the selected process */
	char		 lname[HP_REF_MAX + 1];
	int		 lfd;
	dev_t		 ldev;
	ino_t		 lino;
	struct hp_buf	 lpart;		/* a line not yet ended */
	char		*lines[HP_TOP_KEEP];
	int		 nlines, lhead;
	struct hp_buf	 out;		/* the frame being drawn */
};

struct hp_tophist *hp_top_hist(struct hp_top *, const char *);
				/* the samples kept of a name; NULL none */
void	hp_top_draw(struct hp_top *);	/* a whole frame, to stdout */

#endif
