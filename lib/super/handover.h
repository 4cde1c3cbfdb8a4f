/* hp: see LICENSE. */
/*
 * handover.h: what a supervisor hands to the binary it upgrades to
 * (hp(7), Upgrading in place): records of the form "KEY LEN\n" and LEN bytes and
 * "\n", in sections that a record "@KIND NAME" begins; the descriptors
 * named in it are kept open across the exec. Written by each part of
 * the supervisor for its own state (handover.c the format, upgrade.c
 * the supervisor's and each process's, sterm.c a terminal's ...).
 */

#ifndef HP_HANDOVER_H
#define HP_HANDOVER_H

/* The formats of handover this binary writes, and reads. */
#define HP_HANDOVER		1
#define HP_HANDOVER_MIN		1

struct hp_howr {
	struct hp_buf	 b;
	int		*fd;		/* kept open across the exec */
	int		 nfd;
};
void	hp_ho_section(struct hp_howr *, const char *, const char *);
				/* kind, name */
void	hp_ho_put(struct hp_howr *, const char *, const void *, size_t);
void	hp_ho_putint(struct hp_howr *, const char *, long long);
void	hp_ho_putstr(struct hp_howr *, const char *, const char *);
				/* NULL: not put */
void	hp_ho_putfd(struct hp_howr *, const char *, int);
				/* -1: not put */

struct horec {
	const char	*key;
	const char	*val;		/* NUL after it, for strings */
	size_t		 len;
};
struct hp_hosec {
	const char	*kind, *name;
	struct horec	*r;
	int		 n;
};
struct hp_hord {
	int		 fd;		/* where it was read from, or -1 */
	char		*blob;
	size_t		 len;
	int		 version;
	struct hp_hosec	*sec;
	int		 nsec;
};
int	hp_ho_read(struct hp_hord *, int, char *, size_t);
				/* from fd: 0; -1 + why */
void	hp_ho_free(struct hp_hord *);
const struct hp_hosec *hp_ho_next(const struct hp_hord *, const char *,
	    int *);		/* the next section of a kind from *i, or NULL */
const struct hp_hosec *hp_ho_sub(const struct hp_hord *, const char *,
	    const char *);	/* kind, name: the first, or NULL */
const char *hp_ho_get(const struct hp_hosec *, const char *, size_t *);
				/* key: its bytes, or NULL */
const char *hp_ho_str(const struct hp_hosec *, const char *, const char *);
				/* key, or the default */
long long hp_ho_int(const struct hp_hosec *, const char *, long long);
int	hp_ho_fd(const struct hp_hosec *, const char *);
				/* key: the descriptor, close-on-exec again */

#endif
