/* hp: see LICENSE. */
/* top.c: hp-ls --top: the processes live, full screen, and a log below;
 * topdraw.c draws each frame. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/top.h"

/*
 * Drawn with plain ANSI sequences (no curses): the alternate screen, the
 * cursor put at each line, each line cleared to its end. A refresh every
 * HP_TOP_REFRESH asks the supervisor for its list (list.c), and sooner when an
 * event says something changed; the history for the sparklines is asked
 * for once, then each new sample is kept here. Sparklines are ASCII under
 * the C locale, blocks under UTF-8. The terminal is put back on every way
 * out: q, a signal (TERM, INT, HUP), an error (atexit).
 */
#define SOON_MS		100	/* after an event, a refresh this soon */
#define LOG_TAIL	65536	/* bytes of a log read when it is shown */

static int raw;			/* the terminal is ours: put it back */

static void
restore(void)
{
	static const char back[] = "\033[0m\033[?25h\033[?1049l";

	if (!raw)
		return;
	raw = 0;
	(void)hp_write_all(STDOUT_FILENO, back, sizeof back - 1);
	hp_tty_restore();
}

static int
enter(void)
{
	static const char in[] = "\033[?1049h\033[?25l\033[H\033[2J";

	if (hp_tty_raw(STDIN_FILENO) == -1)
		return -1;
	raw = 1;
	return hp_write_all(STDOUT_FILENO, in, sizeof in - 1);
}

/* Is the locale's character set UTF-8 (LC_ALL, LC_CTYPE, LANG)? */
static int
utf8(void)
{
	static const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return strstr(v, "UTF-8") != NULL ||
			    strstr(v, "utf-8") != NULL ||
			    strstr(v, "utf8") != NULL ||
			    strstr(v, "UTF8") != NULL;
	return 0;
}

static int
matches(struct hp_top *t, const char *name)
{
	int i;

	if (t->filter[0] != '\0' && (strpbrk(t->filter, "*?[") != NULL ?
	    fnmatch(t->filter, name, 0) != 0 : strstr(name, t->filter) ==
	    NULL))
		return 0;
	if (t->npat == 0)
		return 1;
	for (i = 0; i < t->npat; i++)
		if (strcmp(t->pat[i], name) == 0 ||
		    fnmatch(t->pat[i], name, 0) == 0)
			return 1;
	return 0;
}

static void
keep(struct hp_tophist *h, const struct hp_sample *s)
{
	if (s->wall <= h->last)
		return;
	h->s[h->head] = *s;
	h->head = (h->head + 1) % HP_RING;
	if (h->n < HP_RING)
		h->n++;
	h->last = s->wall;
}

/*
 * The samples of a process: its whole ring the first time, then the
 * newest each time. Without a supervisor, the rate is made here from
 * two looks at its CPU time.
 */
static void
record(struct hp_top *t, struct hp_info *in, int from_supervisor)
{
	struct hp_tophist *h = hp_top_hist(t, in->name);
	struct hp_sample s;
	long long now = hp_wall_ms();
	int i;

	for (i = 0; i < in->nhist; i++)
		keep(h, &in->hist[i]);
	if (in->pid <= 0)
		return;
	if (!from_supervisor) {
		in->cpu = h->cpu_at > 0 && now > h->cpu_at ? (in->cpu_time -
		    h->cpu_time) * 100000.0 / (double)(now - h->cpu_at) : 0;
		if (in->cpu < 0)
			in->cpu = 0;
		h->cpu_time = in->cpu_time;
		h->cpu_at = now;
	}
	memset(&s, 0, sizeof s);
	s.wall = in->sampled > 0 ? in->sampled : now;
	s.cpu = (unsigned)(in->cpu * 100.0 + 0.5);
	s.rss = (unsigned)(in->rss / 1024);
	keep(h, &s);
}

/* A new listing: the supervisor's answer, else the files. */
static void
refresh(struct hp_top *t)
{
	char **all, **names;
	int i, n, k = 0;

	if (t->ls != NULL)
		hp_list_free(t->ls, t->n);
	hp_argv_free(t->names);
	t->ls = NULL;
	t->names = NULL;
	t->n = 0;
	if (hp_state_names(t->st, &names, &n) == -1)
		return;
	/* Instances one a row: NAME:1 ... */
	all = hp_info_expand(t->st, names, n, &n);
	hp_argv_free(names);
	if (all == NULL)
		all = hp_xcalloc(1, sizeof *all);
	for (i = 0; i < n; i++)
		if (matches(t, all[i]))
			all[k++] = all[i];
		else
			free(all[i]);
	all[k] = NULL;
	t->names = all;
	t->n = k;
	t->ls = hp_xcalloc((size_t)k + 1, sizeof *t->ls);
	(void)hp_list_load(t->st, all, k, 1, !t->asked, t->ls, &t->sup);
	if (t->sup.up)
		t->asked = 1;
	for (i = 0; i < k; i++)
		if (t->ls[i].found)
			record(t, &t->ls[i].info, t->ls[i].line != NULL);
	/* The selection follows its process, wherever it now is. */
	for (i = 0; i < k && strcmp(t->names[i], t->sel) != 0; i++)
		;
	if (i == k)
		i = t->cur < k ? t->cur : k - 1;
	t->cur = i < 0 ? 0 : i;
	if (k > 0)
		hp_copy(t->sel, sizeof t->sel, t->names[t->cur]);
}

/* ---- the log of the selected process ---- */

static void
log_clear(struct hp_top *t)
{
	int i;

	for (i = 0; i < HP_TOP_KEEP; i++) {
		free(t->lines[i]);
		t->lines[i] = NULL;
	}
	t->nlines = t->lhead = 0;
	t->lpart.len = 0;
	if (t->lfd != -1)
		close(t->lfd);
	t->lfd = -1;
}

static void
log_line(struct hp_top *t, const char *p, size_t n)
{
	char *l = hp_xmalloc(n + 1);

	memcpy(l, p, n);
	l[n] = '\0';
	free(t->lines[t->lhead]);
	t->lines[t->lhead] = l;
	t->lhead = (t->lhead + 1) % HP_TOP_KEEP;
	if (t->nlines < HP_TOP_KEEP)
		t->nlines++;
}

/* What came to the log since: whole lines kept, the last HP_TOP_KEEP. */
static int
log_read(struct hp_top *t)
{
	char buf[16384], *p, *nl;
	ssize_t r;
	int any = 0;

	while (t->lfd != -1 && (r = hp_read(t->lfd, buf, sizeof buf)) > 0) {
		hp_buf_add(&t->lpart, buf, (size_t)r);
		any = 1;
	}
	p = t->lpart.p;
	while (t->lpart.len > 0 && (nl = memchr(p, '\n', t->lpart.len -
	    (size_t)(p - t->lpart.p))) != NULL) {
		log_line(t, p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (p != NULL && p > t->lpart.p) {
		t->lpart.len -= (size_t)(p - t->lpart.p);
		memmove(t->lpart.p, p, t->lpart.len);
	}
	return any;
}

/* Show name's log: its tail, then what comes; a rotation is followed. */
static int
log_follow(struct hp_top *t)
{
	char file[HP_PATH_MAX];
	struct stat sb;
	off_t from;
	int k;

	if (strcmp(t->lname, t->sel) != 0) {
		log_clear(t);
		hp_copy(t->lname, sizeof t->lname, t->sel);
	}
	if (t->sel[0] == '\0' || hp_proc_log(t->st, file, sizeof file,
	    t->sel, 0) == -1)
		return 0;
	if (t->lfd != -1 && stat(file, &sb) == 0 && (sb.st_ino != t->lino ||
	    sb.st_dev != t->ldev)) {
		log_read(t);	/* the end of the old one first */
		close(t->lfd);
		t->lpart.len = 0;
		if ((t->lfd = hp_open(file, O_RDONLY | O_NOFOLLOW, 0)) != -1) {
			t->ldev = sb.st_dev;
			t->lino = sb.st_ino;
		}
		log_read(t);
		return 1;
	}
	if (t->lfd != -1)
		return log_read(t);
	if ((t->lfd = hp_open(file, O_RDONLY | O_NOFOLLOW, 0)) == -1 ||
	    fstat(t->lfd, &sb) == -1)
		return 0;
	t->ldev = sb.st_dev;
	t->lino = sb.st_ino;
	from = sb.st_size > LOG_TAIL ? sb.st_size - LOG_TAIL : 0;
	if (from > 0 && lseek(t->lfd, from, SEEK_SET) == -1)
		from = 0;
	log_read(t);
	/* Read from within a line: its end is no line. */
	if (from > 0 && t->nlines > 0) {
		k = (t->lhead + HP_TOP_KEEP - t->nlines) % HP_TOP_KEEP;
		free(t->lines[k]);
		t->lines[k] = NULL;
		t->nlines--;
	}
	return 1;
}

/* ---- drawing ---- */

static void
verb(struct hp_top *t, const char *v, const char *sig)
{
	int r;

	if (t->sel[0] == '\0')
		return;
	if (!t->have_c) {
		snprintf(t->msg, sizeof t->msg, "%s: no supervisor to ask",
		    t->sel);
		return;
	}
	r = sig != NULL ? hp_client_send(&t->c, "signal %s %s", sig, t->sel) :
	    hp_client_send(&t->c, "%s %s", v, t->sel);
	if (r == -1)
		snprintf(t->msg, sizeof t->msg, "%s: %s: %s", t->sel, v,
		    errno == ENXIO ? "no supervisor" : strerror(errno));
	else
		snprintf(t->msg, sizeof t->msg, "%s: %s ...", t->sel, v);
}

/* A line from the supervisor: an answer to a verb, or an event. */
static int
heard(struct hp_top *t, const char *line)
{
	char ok[8], name[HP_REF_MAX + 1], state[16], m[120];

	if (hp_json_get(line, "event", m, sizeof m) == 0)
		return strncmp(m, "process:", 8) == 0 &&
		    strcmp(m, "process:output") != 0 &&
		    strcmp(m, "process:metrics") != 0;
	if (hp_json_get(line, "ok", ok, sizeof ok) == -1)
		return 0;
	if (hp_json_get(line, "name", name, sizeof name) == -1)
		hp_copy(name, sizeof name, "?");
	if (strcmp(ok, "true") == 0) {
		if (hp_json_get(line, "state", state, sizeof state) == -1)
			hp_copy(state, sizeof state, "ok");
		snprintf(t->msg, sizeof t->msg, "%s: %s", name, state);
	} else {
		if (hp_json_get(line, "message", m, sizeof m) == -1)
			hp_copy(m, sizeof m, "failed");
		snprintf(t->msg, sizeof t->msg, "%s: %s", name, m);
	}
	return 1;
}

static const char *
state_of(const struct hp_top *t)
{
	return t->n > 0 && t->ls[t->cur].found ? t->ls[t->cur].info.state :
	    "";
}

/* A finished prompt: the filter, or the signal to send. */
static void
submit(struct hp_top *t)
{
	if (t->prompt == '/')
		hp_copy(t->filter, sizeof t->filter, t->input);
	else if (t->input[0] != '\0' && hp_signal(t->input) > 0)
		verb(t, "signal", t->input);
	else if (t->input[0] != '\0')
		snprintf(t->msg, sizeof t->msg, "unknown signal: %.40s",
		    t->input);
	t->prompt = 0;
}

static void
typing(struct hp_top *t, int c)
{
	size_t n = strlen(t->input);

	if (c == '\r' || c == '\n')
		submit(t);
	else if (c == 0x1b || c == 0x03 || c == 0x07)
		t->prompt = 0;
	else if ((c == 0x7f || c == 0x08) && n > 0)
		t->input[n - 1] = '\0';
	else if (c >= ' ' && c < 0x7f && n + 1 < sizeof t->input &&
	    (t->prompt == '/' ? strchr("*?[]!._-", c) != NULL ||
	    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') : c != ' ')) {
		t->input[n] = (char)c;
		t->input[n + 1] = '\0';
	}
}

static void
move(struct hp_top *t, int d)
{
	int i = t->cur + d;

	if (t->n == 0)
		return;
	i = i < 0 ? 0 : i >= t->n ? t->n - 1 : i;
	t->cur = i;
	hp_copy(t->sel, sizeof t->sel, t->names[i]);
	t->msg[0] = '\0';
}

/* Keys read: 1 quit, 0 go on; *again: the listing is to be read again. */
static int
keys(struct hp_top *t, const unsigned char *k, size_t n, int *again)
{
	const char *st;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t->prompt != 0) {
			if (k[i] == 0x1b && i + 1 < n)
				i += i + 2 < n && k[i + 1] == '[' ? 2 : 1;
			else
				typing(t, k[i]);
			*again |= t->prompt == 0;
			continue;
		}
		if (k[i] == 0x1b && i + 2 < n && (k[i + 1] == '[' ||
		    k[i + 1] == 'O')) {
			if (k[i + 2] == 'A')
				move(t, -1);
			else if (k[i + 2] == 'B')
				move(t, 1);
			else if ((k[i + 2] == '5' || k[i + 2] == '6') &&
			    i + 3 < n && k[i + 3] == '~') {
				move(t, k[i + 2] == '5' ? -10 : 10);
				i++;
			}
			i += 2;
			continue;
		}
		switch (k[i]) {
		case 'q':
		case 0x03:
			return 1;
		case 'j':
			move(t, 1);
			break;
		case 'k':
			move(t, -1);
			break;
		case 'g':
			move(t, -t->n);
			break;
		case 'G':
			move(t, t->n);
			break;
		case 'r':
			verb(t, "restart", NULL);
			break;
		case 's':
			st = state_of(t);
			verb(t, strcmp(st, "running") == 0 ||
			    strcmp(st, "starting") == 0 ||
			    strcmp(st, "backoff") == 0 ? "stop" : "start",
			    NULL);
			break;
		case 'x':
		case '/':
			t->prompt = k[i];
			hp_copy(t->input, sizeof t->input, k[i] == '/' ?
			    t->filter : "TERM");
			break;
		case 't':
			t->tree = !t->tree;
			break;
		case 0x0c:	/* ^L */
			hp_write_all(STDOUT_FILENO, "\033[2J", 4);
			break;
		case 0x1a:	/* ^Z */
			restore();
			raise(SIGSTOP);
			break;
		}
	}
	return 0;
}

/* The answers and events come to our FIFO: 1 something changed. */
static int
listen_c(struct hp_top *t)
{
	char line[HP_LINE_MAX + 1];
	ssize_t r;
	int changed = 0;

	if (!t->have_c)
		return 0;
	while ((r = hp_read(t->c.fd, t->c.buf + t->c.len,
	    sizeof t->c.buf - t->c.len)) > 0)
		t->c.len += (size_t)r;
	while (hp_client_line(&t->c, line, sizeof line, 0) == 0)
		changed |= heard(t, line);
	return changed;
}

/*
 * hp-ls --top over st, the processes named by pat (names and globs, none:
 * all): until q or a signal. Exit status, or -1 and e.
 */
int
hp_top_run(struct hp_state *st, char **pat, int npat, struct hp_error *e)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGWINCH,
	    SIGCONT, 0 };
	struct hp_top t;
	struct pollfd pfd[3];
	unsigned char k[64];
	long long next = 0, now, logat = 0;
	int sfd, sig, quit = 0, again, n;
	ssize_t r;

	memset(&t, 0, sizeof t);
	t.st = st;
	t.pat = pat;
	t.npat = npat;
	t.lfd = -1;
	t.colour = hp_tty_colour(STDOUT_FILENO);
	t.utf8 = utf8();
	if ((sfd = hp_sig_catch(sigs)) == -1)
		return hp_error_sys(e, "sigaction");
	signal(SIGPIPE, SIG_IGN);
	atexit(restore);
	if (hp_state_supervisor(st) > 0 && hp_client_open(&t.c, st) == 0)
		t.have_c = 1;
	if (enter() == -1) {
		restore();
		if (t.have_c)
			hp_client_close(&t.c);
		return hp_error_sys(e, "terminal");
	}
	while (!quit) {
		now = hp_mono_ms();
		if (now >= next) {
			refresh(&t);
			log_follow(&t);
			logat = now;
			hp_top_draw(&t);
			next = now + HP_TOP_REFRESH;
		} else if (now - logat >= 250) {
			logat = now;
			if (log_follow(&t))
				hp_top_draw(&t);
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[1].fd = sfd;
		pfd[2].fd = t.have_c ? t.c.fd : -1;
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		n = poll(pfd, 3, (int)(next - now < 250 ? next - now : 250));
		if (n == -1 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		while ((sig = hp_sig_next(sfd)) != 0)
			if (sig == SIGWINCH)
				next = 0;
			else if (sig == SIGCONT) {
				(void)enter();
				next = 0;
			} else
				quit = 1;
		if (pfd[2].revents != 0 && listen_c(&t) &&
		    next > hp_mono_ms() + SOON_MS)
			next = hp_mono_ms() + SOON_MS;
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			quit = 1;
		else if (pfd[0].revents & POLLIN) {
			if ((r = hp_read(STDIN_FILENO, k, sizeof k)) <= 0)
				quit = r == 0 || errno != EAGAIN;
			else {
				again = 0;
				quit |= keys(&t, k, (size_t)r, &again);
				if (again)
					next = 0;
				else if (!quit) {
					log_follow(&t);
					hp_top_draw(&t);
				}
			}
		}
	}
	restore();
	log_clear(&t);
	hp_buf_free(&t.lpart);
	hp_buf_free(&t.out);
	if (t.ls != NULL)
		hp_list_free(t.ls, t.n);
	hp_argv_free(t.names);
	free(t.h);
	if (t.have_c)
		hp_client_close(&t.c);
	return HP_EXIT_OK;
}
