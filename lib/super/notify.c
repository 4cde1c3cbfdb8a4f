/* hp: see LICENSE. */
/* notify.c: systemd's readiness protocol, NOTIFY_SOCKET, without systemd. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

/*
 * A process with ready = notify or a watchdog gets a datagram socket of
 * its own, bound before it starts in a directory the supervisor makes
 * at need (TMPDIR/hp-XXXXXX, mode 0711: others may pass, not look), its
 * path in NOTIFY_SOCKET, short enough for sun_path. The socket is its
 * user's, mode 0600: only that user (and root) can send to it. Where the
 * system tells the sender (Linux: SO_PASSCRED), a message counts only
 * from the process or one of its descendants.
 *
 * A datagram is lines of KEY=VALUE, as sd_notify(3) sends them:
 *
 *	READY=1			ready (ready = notify): running
 *	RELOADING=1		it reloads itself, until READY=1
 *	STOPPING=1		it is on its way out
 *	STATUS=TEXT		shown by hp-ls, kept in its status
 *	MAINPID=PID		its main process is now PID, a descendant
 *	EXTEND_TIMEOUT_USEC=N	the readiness or stop deadline: N from now
 *	WATCHDOG=1		alive: the watchdog starts over
 *	WATCHDOG=trigger	as a missed watchdog, at once
 *	WATCHDOG_USEC=N		the watchdog's time from now on
 *
 * Anything else is let be, as systemd does.
 */

#define MSG_MAX		4096	/* a datagram, read at most */
#define TREE_DEPTH	64	/* ancestors looked at, at most */

struct hp_notify {
	int		 fd;
	char		 path[108];
	char		 env[2][140];	/* NOTIFY_SOCKET=, WATCHDOG_USEC= */
	char		 status[200];	/* STATUS= */
	const char	*said;		/* reloading, stopping, or NULL */
	long long	 wdog;		/* ms; 0: no watchdog */
};

/* The directory of the sockets: short, and others may pass through it. */
static int
notifydir(struct hp_super *s)
{
	const char *t = getenv("TMPDIR");
	char dir[HP_PATH_MAX];

	if (s->notifydir[0] != '\0')
		return 0;
	if (t == NULL || *t != '/' || strlen(t) > 60)
		t = "/tmp";
	if (hp_path(dir, sizeof dir, "%s/hp-XXXXXX", t) == -1 ||
	    mkdtemp(dir) == NULL)
		return -1;
	if (chmod(dir, 0711) == -1) {
		rmdir(dir);
		return -1;
	}
	return hp_copy(s->notifydir, sizeof s->notifydir, dir);
}

/* What its program is told: NOTIFY_SOCKET=, WATCHDOG_USEC=. */
static void
environ_of(struct hp_notify *nf)
{
	snprintf(nf->env[0], sizeof nf->env[0], "NOTIFY_SOCKET=%s", nf->path);
	if (nf->wdog > 0)
		snprintf(nf->env[1], sizeof nf->env[1], "WATCHDOG_USEC=%lld",
		    nf->wdog * 1000);
}

int
hp_notify_open(struct hp_super *s, struct hp_proc *p)
{
	struct hp_notify *nf;
	struct sockaddr_un un;
	struct hp_user u;
	char why[200];
	mode_t old;
	int r;

	if (!p->spec.notify && p->spec.watchdog <= 0)
		return 0;
	hp_notify_close(p);
	nf = hp_xcalloc(1, sizeof *nf);
	nf->fd = -1;
	nf->wdog = p->spec.watchdog;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	if (notifydir(s) == -1 || snprintf(nf->path, sizeof nf->path,
	    "%s/%u", s->notifydir, ++s->notifyseq) >= (int)sizeof nf->path ||
	    hp_copy(un.sun_path, sizeof un.sun_path, nf->path) == -1 ||
	    (nf->fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    hp_cloexec(nf->fd) == -1 || hp_nonblock(nf->fd) == -1)
		goto fail;
	(void)unlink(nf->path);
	old = umask(0177);
	r = bind(nf->fd, (struct sockaddr *)&un, sizeof un);
	umask(old);
	if (r == -1)
		goto fail;
	/* Its user's: a supervisor running as root hands it over. */
	if (p->spec.user != NULL && geteuid() == 0 &&
	    (hp_user_find(&u, p->spec.user, p->spec.group, why,
	    sizeof why) == -1 || chown(nf->path, u.uid, u.gid) == -1))
		goto fail;
	(void)hp_dgram_creds(nf->fd);
	environ_of(nf);
	p->notify = nf;
	return 0;
fail:
	hp_sproc_fail(p, "system", "%s: notify socket: %s", p->spec.name,
	    errno);
	if (nf->fd != -1)
		close(nf->fd);
	if (nf->path[0] != '\0')
		(void)unlink(nf->path);
	free(nf);
	return -1;
}

void
hp_notify_env(const struct hp_proc *p, char **envp, int *n)
{
	if (p->notify == NULL)
		return;
	envp[(*n)++] = p->notify->env[0];
	if (p->notify->env[1][0] != '\0')
		envp[(*n)++] = p->notify->env[1];
}

int
hp_notify_fd(const struct hp_proc *p)
{
	return p->notify != NULL ? p->notify->fd : -1;
}

void
hp_notify_close(struct hp_proc *p)
{
	if (p->notify == NULL)
		return;
	if (p->notify->fd != -1)
		close(p->notify->fd);
	(void)unlink(p->notify->path);
	free(p->notify);
	p->notify = NULL;
}

void
hp_notify_end(struct hp_super *s)
{
	if (s->notifydir[0] != '\0')
		(void)rmdir(s->notifydir);
}

/* Is pid top, or a descendant of top? Where nobody can tell: yes. */
static int
below(pid_t pid, pid_t top)
{
	struct hp_pstat ps;
	int i;

	for (i = 0; i < TREE_DEPTH && pid > 1; i++) {
		if (pid == top)
			return 1;
		if (hp_pstat(pid, &ps) == -1)
			return errno == ENOSYS;
		pid = ps.ppid;
	}
	return 0;
}

/* MAINPID=: a descendant of its main process is the main process now. */
static void
mainpid(struct hp_super *s, struct hp_proc *p, const char *v)
{
	struct hp_pstat ps;
	struct hp_ident id;
	char file[HP_PATH_MAX], *end;
	long pid = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || pid <= 1 || pid == p->id.pid ||
	    !below((pid_t)pid, p->id.pid) || hp_ident_get((pid_t)pid,
	    &id) == -1)
		return;
	p->id = id;
	if (hp_pstat((pid_t)pid, &ps) == 0) {
		p->group = ps.pgid;
		p->foster = ps.ppid != getpid();
	} else
		p->foster = 1;
	if (hp_sproc_path(s, p, file, sizeof file, HP_P_PID) == -1 ||
	    hp_pidfile_write(file, &p->id) == -1)
		hp_warn("%s: write pid", p->spec.name);
	hp_life_timer(p, HP_T_MAIN, hp_mono_ms() + 100);
}

/* EXTEND_TIMEOUT_USEC=: what it is waited for, at least that from now. */
static void
extend(struct hp_proc *p, const char *v)
{
	long long at = hp_mono_ms() + strtoll(v, NULL, 10) / 1000;

	if (p->ready_by > 0 && p->ready_by < at)
		p->ready_by = at;
	if (p->timer[HP_T_NOTREADY] > 0 && p->timer[HP_T_NOTREADY] < at)
		hp_life_timer(p, HP_T_NOTREADY, at);
	if (p->state == HP_ST_STOPPING && p->stop_at < at) {
		if (p->timer[HP_T_STOP] == p->stop_at)
			hp_life_timer(p, HP_T_STOP, at);
		p->stop_at = at;
	}
}

/* One line of a datagram. Returns 1 when the status changed. */
static int
line(struct hp_super *s, struct hp_proc *p, const char *l)
{
	struct hp_notify *nf = p->notify;
	long long now = hp_mono_ms();

	if (strcmp(l, "READY=1") == 0) {
		nf->said = NULL;
		if (p->spec.notify && (p->state == HP_ST_STARTING ||
		    p->state == HP_ST_RELOADING))
			hp_life(s, p, HP_EV_READY);
		return 1;
	}
	if (strcmp(l, "RELOADING=1") == 0 || strcmp(l, "STOPPING=1") == 0) {
		nf->said = l[0] == 'R' ? "reloading" : "stopping";
		return 1;
	}
	if (strncmp(l, "STATUS=", 7) == 0) {
		snprintf(nf->status, sizeof nf->status, "%s", l + 7);
		return 1;
	}
	if (strncmp(l, "MAINPID=", 8) == 0) {
		mainpid(s, p, l + 8);
		return 1;
	}
	if (strncmp(l, "EXTEND_TIMEOUT_USEC=", 20) == 0)
		extend(p, l + 20);
	else if (strncmp(l, "WATCHDOG_USEC=", 14) == 0 &&
	    strtoll(l + 14, NULL, 10) >= 1000) {
		nf->wdog = strtoll(l + 14, NULL, 10) / 1000;
		hp_life_timer(p, HP_T_WATCHDOG, now + nf->wdog);
	} else if (strcmp(l, "WATCHDOG=1") == 0 && nf->wdog > 0)
		hp_life_timer(p, HP_T_WATCHDOG, now + nf->wdog);
	else if (strcmp(l, "WATCHDOG=trigger") == 0)
		hp_life(s, p, HP_EV_WATCHDOG);
	return 0;
}

/* What came on p's socket; what is not from its tree is let be. */
void
hp_notify_read(struct hp_super *s, struct hp_proc *p)
{
	char buf[MSG_MAX + 1], *l, *next;
	pid_t sender;
	int changed = 0;

	while (p->notify != NULL && hp_dgram_recv(p->notify->fd, buf,
	    sizeof buf, &sender) >= 0) {
		if (sender > 0 && (p->id.pid <= 0 || !below(sender,
		    p->id.pid))) {
			hp_warnx("%s: notify: a message from pid %ld, not of "
			    "its tree: let be", p->spec.name, (long)sender);
			continue;
		}
		if (p->outgoing)	/* its successor speaks for it now */
			continue;
		for (l = buf; l != NULL && p->notify != NULL; l = next) {
			if ((next = strchr(l, '\n')) != NULL)
				*next++ = '\0';
			if (*l != '\0')
				changed |= line(s, p, l);
		}
	}
	if (changed && p->state != HP_ST_REMOVED)
		hp_sproc_status(s, p);
}

/* Running: the watchdog begins, if it has one. */
void
hp_notify_ready(struct hp_proc *p)
{
	if (p->notify != NULL && p->notify->wdog > 0)
		hp_life_timer(p, HP_T_WATCHDOG, hp_mono_ms() +
		    p->notify->wdog);
}

void
hp_notify_status(const struct hp_proc *p, struct hp_buf *b)
{
	if (p->notify == NULL)
		return;
	if (p->notify->status[0] != '\0')
		hp_kv_add(b, "status", p->notify->status);
	if (p->notify->said != NULL)
		hp_kv_add(b, "notify", p->notify->said);
}

void
hp_notify_info(const struct hp_proc *p, struct hp_info *in)
{
	if (p->notify == NULL)
		return;
	hp_copy(in->status, sizeof in->status, p->notify->status);
	if (p->notify->said != NULL)
		hp_copy(in->notify, sizeof in->notify, p->notify->said);
}

/*
 * The supervisor itself, run by systemd (Type=notify): the NOTIFY_SOCKET
 * it was given is taken out of the environment as it starts, so that
 * nothing it runs inherits it, and kept unless it is implicit (then it
 * is some program's, which started a command that started us); then told
 * READY=1 once what it was given has started and STOPPING=1 as it shuts
 * down. Given none, nothing.
 */
static char self[sizeof ((struct sockaddr_un *)0)->sun_path];

void
hp_notify_take(int keep)
{
	const char *e = getenv("NOTIFY_SOCKET");

	if (keep && e != NULL && (*e == '/' || *e == '@') &&
	    strlen(e) < sizeof self)
		hp_copy(self, sizeof self, e);
	(void)unsetenv("NOTIFY_SOCKET");
}

void
hp_notify_self(const char *msg)
{
	struct sockaddr_un un;
	int fd;

	if (self[0] == '\0')
		return;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, self, sizeof self);
	if (un.sun_path[0] == '@')
		un.sun_path[0] = '\0';	/* the abstract namespace */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		return;
	(void)hp_cloexec(fd);
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&un,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(self + 1))) == -1)
		hp_warn("NOTIFY_SOCKET %s", self);
	close(fd);
}

/* Its socket, for an upgrade. */
void
hp_notify_handover(struct hp_howr *w, const struct hp_proc *p)
{
	const struct hp_notify *nf = p->notify;

	if (nf == NULL)
		return;
	hp_ho_putfd(w, "notify", nf->fd);
	hp_ho_putstr(w, "notify-path", nf->path);
	hp_ho_putstr(w, "notify-status", nf->status);
	hp_ho_putstr(w, "notify-said", nf->said);
	hp_ho_putint(w, "notify-watchdog", nf->wdog);
}

int
hp_notify_takeover(struct hp_super *s, struct hp_proc *p,
    const struct hp_hosec *sec)
{
	struct hp_notify *nf;
	const char *said;

	(void)s;
	if (hp_ho_get(sec, "notify", NULL) == NULL)
		return 0;
	nf = hp_xcalloc(1, sizeof *nf);
	if ((nf->fd = hp_ho_fd(sec, "notify")) == -1) {
		free(nf);
		return -1;
	}
	hp_copy(nf->path, sizeof nf->path, hp_ho_str(sec, "notify-path", ""));
	hp_copy(nf->status, sizeof nf->status, hp_ho_str(sec,
	    "notify-status", ""));
	said = hp_ho_str(sec, "notify-said", "");
	nf->said = strcmp(said, "reloading") == 0 ? "reloading" :
	    strcmp(said, "stopping") == 0 ? "stopping" : NULL;
	nf->wdog = hp_ho_int(sec, "notify-watchdog", 0);
	environ_of(nf);
	p->notify = nf;
	return 0;
}

/* Ours (systemd's NOTIFY_SOCKET), for an upgrade: NULL none; and back. */
const char *
hp_notify_own(void)
{
	return self[0] != '\0' ? self : NULL;
}

void
hp_notify_keep(const char *path)
{
	if (path != NULL && strlen(path) < sizeof self)
		hp_copy(self, sizeof self, path);
}
