/* hp: see LICENSE. */
/* startup.c: what starts hp-supervise -f FILE at boot or login. */

#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * hp-supervise startup: a systemd unit (Type=notify: the supervisor says
 * READY=1 once the file's processes have started, STOPPING=1 as it shuts
 * down; KillMode=mixed: SIGTERM to the supervisor alone, which stops
 * each process its own way; TimeoutStopSec: the longest stop-timeout of
 * the file and a margin), a launchd property list, or a plain rc script.
 * The state directory is named in each (-S): the one given, else the
 * system's runtime directory for one started at boot (/run/hp,
 * /var/run/hp), else the user's default, so that the commands run by
 * the same user talk to it.
 */
#define MARGIN		10	/* s beyond the longest stop-timeout */
#define UNIT		"hp.service"
#define LABEL		"hp.supervise"

static const char *formats[] = { "systemd", "launchd", "rc" };

/* A format by name; NULL: this system's (uname, then systemd's own dir). */
int
hp_startup_format(const char *name)
{
	struct utsname u;
	struct stat sb;
	int i;

	if (name != NULL) {
		for (i = 0; i < 3; i++)
			if (strcmp(name, formats[i]) == 0)
				return i;
		return -1;
	}
	if (uname(&u) == 0 && strcmp(u.sysname, "Darwin") == 0)
		return HP_START_LAUNCHD;
	if (uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 &&
	    stat("/run/systemd/system", &sb) == 0 && S_ISDIR(sb.st_mode))
		return HP_START_SYSTEMD;
	return HP_START_RC;
}

const char *
hp_startup_name(int format)
{
	return format >= 0 && format < 3 ? formats[format] : "?";
}

/* The file's longest stop-timeout, who we are, where hp-supervise is. */
int
hp_startup_init(struct hp_startup *o, struct hp_error *e)
{
	struct passwd *pw;
	struct hp_conf c;
	char msg[HP_PATH_MAX + 256];
	int i;

	if (hp_conf_load(&c, o->conf, NULL, msg, sizeof msg) == -1)
		return hp_error_set(e, errno == ENOENT ? HP_EXIT_FAIL :
		    HP_EXIT_USAGE, "config", "%s", msg);
	o->stop = 0;
	for (i = 0; i < c.n; i++)
		if (c.spec[i].stop_timeout > o->stop)
			o->stop = c.spec[i].stop_timeout;
	hp_conf_free(&c);
	if (hp_self_path(o->self, sizeof o->self) == -1)
		return hp_error_sys(e, "hp-supervise: where it is");
	o->uid = geteuid();
	if ((pw = getpwuid(o->uid)) == NULL || hp_copy(o->user,
	    sizeof o->user, pw->pw_name) == -1)
		snprintf(o->user, sizeof o->user, "%ld", (long)o->uid);
	if (o->state == NULL && !o->system && o->format != HP_START_SYSTEMD) {
		if (hp_state_resolve(&o->dflt, NULL) == -1)
			return hp_error_sys(e, "state directory");
		o->state = o->dflt.dir;
	}
	return 0;
}

/* Seconds systemd and launchd wait for a stop: the file's and a margin. */
static long long
stopsecs(const struct hp_startup *o)
{
	return (o->stop + 999) / 1000 + MARGIN;
}

static const char *
statedir(const struct hp_startup *o)
{
	if (o->state != NULL)
		return o->state;
	if (o->format == HP_START_SYSTEMD)
		return o->system ? "/run/hp" : "%t/hp";
	return "/var/run/hp";
}

/* A word of ExecStart=: quoted as systemd reads it, % doubled. */
static void
unitword(struct hp_buf *b, const char *w, int specifier)
{
	int q = strpbrk(w, " \t\"\\'%;") != NULL && !specifier;

	if (b->len > 0 && b->p[b->len - 1] != '=')
		hp_buf_addc(b, ' ');
	if (!q) {
		hp_buf_adds(b, w);
		return;
	}
	hp_buf_addc(b, '"');
	for (; *w != '\0'; w++)
		if (*w == '"' || *w == '\\')
			hp_buf_printf(b, "\\%c", *w);
		else if (*w == '%')
			hp_buf_adds(b, "%%");
		else
			hp_buf_addc(b, *w);
	hp_buf_addc(b, '"');
}

/* SELF -S STATE, then what follows. */
static void
unitcmd(struct hp_buf *b, const struct hp_startup *o, const char *key)
{
	hp_buf_adds(b, key);
	hp_buf_addc(b, '=');
	unitword(b, o->self, 0);
	unitword(b, "-S", 0);
	unitword(b, statedir(o), o->state == NULL);
}

static void
systemd(const struct hp_startup *o, struct hp_buf *b)
{
	const char *c;

	/* A '%' of the path is not one of systemd's specifiers. */
	hp_buf_adds(b, "[Unit]\nDescription=hp: the processes of ");
	for (c = o->conf; *c != '\0'; c++)
		if (*c == '%')
			hp_buf_adds(b, "%%");
		else
			hp_buf_addc(b, *c);
	hp_buf_adds(b, "\nDocumentation=man:hp-supervise(1)\n");
	if (o->system)
		hp_buf_adds(b, "Wants=network-online.target\n"
		    "After=network-online.target\n");
	hp_buf_adds(b, "\n[Service]\nType=notify\nNotifyAccess=main\n");
	unitcmd(b, o, "ExecStart");
	unitword(b, "-f", 0);
	unitword(b, o->conf, 0);
	hp_buf_addc(b, '\n');
	unitcmd(b, o, "ExecReload");
	hp_buf_adds(b, " reload\nKillMode=mixed\n");
	hp_buf_printf(b, "# the longest stop-timeout of the file, %llds, and "
	    "%ds\nTimeoutStopSec=%lld\n", (o->stop + 999) / 1000, MARGIN,
	    stopsecs(o));
	/* A file refused (exit 2) is not tried again and again. */
	hp_buf_adds(b, "Restart=on-failure\nRestartPreventExitStatus=2\n");
	if (o->system && o->uid != 0)
		hp_buf_printf(b, "User=%s\n", o->user);
	if (o->system && o->state == NULL)
		hp_buf_adds(b, "RuntimeDirectory=hp\nRuntimeDirectoryMode=0700\n");
	hp_buf_printf(b, "\n[Install]\nWantedBy=%s\n", o->system ?
	    "multi-user.target" : "default.target");
}

/* Text of a property list: &, < and > escaped. */
static void
xml(struct hp_buf *b, const char *tag, const char *s)
{
	hp_buf_printf(b, "\t\t<%s>", tag);
	for (; *s != '\0'; s++)
		if (*s == '&')
			hp_buf_adds(b, "&amp;");
		else if (*s == '<')
			hp_buf_adds(b, "&lt;");
		else if (*s == '>')
			hp_buf_adds(b, "&gt;");
		else
			hp_buf_addc(b, *s);
	hp_buf_printf(b, "</%s>\n", tag);
}

static void
launchd(const struct hp_startup *o, struct hp_buf *b)
{
	hp_buf_adds(b, "<plist version=\"1.0\">\n<dict>\n"
	    "\t<key>Label</key>\n\t<string>" LABEL "</string>\n"
	    "\t<key>ProgramArguments</key>\n\t<array>\n");
	xml(b, "string", o->self);
	xml(b, "string", "-S");
	xml(b, "string", statedir(o));
	xml(b, "string", "-f");
	xml(b, "string", o->conf);
	hp_buf_adds(b, "\t</array>\n\t<key>RunAtLoad</key>\n\t<true/>\n"
	    "\t<key>KeepAlive</key>\n\t<dict>\n"
	    "\t\t<key>SuccessfulExit</key>\n\t\t<false/>\n\t</dict>\n");
	hp_buf_printf(b, "\t<!-- the longest stop-timeout of the file, "
	    "%llds, and %ds -->\n\t<key>ExitTimeOut</key>\n"
	    "\t<integer>%lld</integer>\n", (o->stop + 999) / 1000, MARGIN,
	    stopsecs(o));
	if (o->system && o->uid != 0) {
		hp_buf_adds(b, "\t<key>UserName</key>\n");
		xml(b, "string", o->user);
	}
	hp_buf_adds(b, "</dict>\n</plist>\n");
}

/* A word for sh(1), single-quoted. */
static void
shword(struct hp_buf *b, const char *w)
{
	hp_buf_addc(b, '\'');
	for (; *w != '\0'; w++)
		if (*w == '\'')
			hp_buf_adds(b, "'\\''");
		else
			hp_buf_addc(b, *w);
	hp_buf_addc(b, '\'');
}

static void
rc(const struct hp_startup *o, struct hp_buf *b)
{
	hp_buf_printf(b, "### BEGIN INIT INFO\n# Provides:          hp\n"
	    "# Required-Start:    $local_fs $network\n"
	    "# Required-Stop:     $local_fs $network\n"
	    "# Default-Start:     2 3 4 5\n# Default-Stop:      0 1 6\n"
	    "# Short-Description: hp: the processes of a saved hp.conf\n"
	    "### END INIT INFO\n\nHP=");
	shword(b, o->self);
	hp_buf_adds(b, "\nCONF=");
	shword(b, o->conf);
	hp_buf_adds(b, "\nSTATE=");
	shword(b, statedir(o));
	hp_buf_adds(b, "\nRUNAS=");
	shword(b, o->system && o->uid != 0 ? o->user : "");
	hp_buf_printf(b, "\n# the longest stop-timeout of the file, %llds, "
	    "and %ds\nWAIT=%llds\n", (o->stop + 999) / 1000, MARGIN,
	    stopsecs(o));
	hp_buf_adds(b, "\n# As RUNAS when root starts it, else as whoever "
	    "does.\nrun() {\n"
	    "\tif [ -n \"$RUNAS\" ] && [ \"$(id -u)\" -eq 0 ]; then\n"
	    "\t\tif [ ! -d \"$STATE\" ]; then\n"
	    "\t\t\tmkdir -m 0700 \"$STATE\" && chown \"$RUNAS\" \"$STATE\" ||"
	    " return 1\n\t\tfi\n"
	    "\t\tsu \"$RUNAS\" -s /bin/sh -c '\"$0\" \"$@\"' \"$HP\" "
	    "-S \"$STATE\" \"$@\"\n"
	    "\telse\n\t\t\"$HP\" -S \"$STATE\" \"$@\"\n\tfi\n}\n\n"
	    "case $1 in\nstart)\trun -b -f \"$CONF\" ;;\n"
	    "stop)\trun -t \"$WAIT\" shutdown ;;\n"
	    "restart) run -t \"$WAIT\" shutdown && run -b -f \"$CONF\" ;;\n"
	    "reload)\trun reload ;;\nstatus)\trun status ;;\n"
	    "*)\techo \"usage: $0 start|stop|restart|reload|status\" >&2\n"
	    "\texit 2 ;;\nesac\n");
}

/* Where --write puts it; -1: no home to put it in. */
int
hp_startup_where(const struct hp_startup *o, char *out, size_t n)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	struct stat sb;

	if (o->system) {
		if (o->format == HP_START_SYSTEMD)
			return hp_copy(out, n, "/etc/systemd/system/" UNIT);
		if (o->format == HP_START_LAUNCHD)
			return hp_copy(out, n, "/Library/LaunchDaemons/"
			    LABEL ".plist");
		return hp_copy(out, n, stat("/etc/init.d", &sb) == 0 ?
		    "/etc/init.d/hp" : "/etc/rc.d/hp");
	}
	if (o->format != HP_START_LAUNCHD && x != NULL && *x == '/')
		return hp_path(out, n, "%s/%s", x, o->format ==
		    HP_START_SYSTEMD ? "systemd/user/" UNIT : "hp/startup.sh");
	if (h == NULL || *h != '/') {
		errno = ENOENT;
		return -1;
	}
	if (o->format == HP_START_LAUNCHD)
		return hp_path(out, n, "%s/Library/LaunchAgents/" LABEL
		    ".plist", h);
	return hp_path(out, n, "%s/.config/%s", h, o->format ==
	    HP_START_SYSTEMD ? "systemd/user/" UNIT : "hp/startup.sh");
}

/* What enables it once written at path: commands, one a line. */
void
hp_startup_enable(const struct hp_startup *o, const char *path,
    struct hp_buf *b)
{
	const char *u = o->system ? "" : " --user";

	switch (o->format) {
	case HP_START_SYSTEMD:
		hp_buf_printf(b, "systemctl%s daemon-reload\n"
		    "systemctl%s enable --now " UNIT "\n", u, u);
		if (!o->system)
			hp_buf_printf(b, "loginctl enable-linger %s\n",
			    o->user);
		break;
	case HP_START_LAUNCHD:
		if (o->system)
			hp_buf_printf(b, "launchctl bootstrap system %s\n",
			    path);
		else
			hp_buf_printf(b, "launchctl bootstrap gui/%ld %s\n",
			    (long)o->uid, path);
		break;
	default:
		if (o->system)
			hp_buf_printf(b, "update-rc.d hp defaults\n%s start\n",
			    path);
		else
			hp_buf_printf(b, "(crontab -l 2>/dev/null; echo '@reboot "
			    "%s start') | crontab -\n%s start\n", path, path);
	}
}

/*
 * A comment of what it is, where it goes and what enables it: lines of
 * "# ", or in a property list's comment, where "--" may not be.
 */
static void
header(const struct hp_startup *o, const char *path, struct hp_buf *b)
{
	struct hp_buf t = { 0 }, en = { 0 };
	size_t i, k;

	hp_buf_printf(&t, "hp-supervise startup: hp-supervise -f %s at %s.\n",
	    o->conf, o->system ? "boot" : "login");
	if (o->format == HP_START_LAUNCHD)
		hp_buf_printf(&t, "It belongs in %s.\n", path);
	else
		hp_buf_printf(&t, "It belongs in %s; hp-supervise startup%s "
		    "--write puts it there.\n", path, o->system ? " --system" :
		    " --user");
	hp_buf_adds(&t, "Then:\n");
	hp_startup_enable(o, path, &en);
	for (i = 0; i < en.len; i += k + 1) {
		k = strcspn(en.p + i, "\n");
		hp_buf_printf(&t, "    %.*s\n", (int)k, en.p + i);
	}
	hp_buf_free(&en);
	for (i = 0; i < t.len; i++) {
		if (i == 0 || t.p[i - 1] == '\n')
			hp_buf_adds(b, o->format == HP_START_LAUNCHD ? "  " :
			    "# ");
		hp_buf_addc(b, t.p[i]);
		if (o->format == HP_START_LAUNCHD && t.p[i] == '-' &&
		    i + 1 < t.len && t.p[i + 1] == '-')
			hp_buf_addc(b, ' ');
	}
	hp_buf_free(&t);
}

/* The text: a header of what it is and where it goes, then the format's. */
void
hp_startup_text(const struct hp_startup *o, const char *path,
    struct hp_buf *b)
{
	if (o->format == HP_START_LAUNCHD)
		hp_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
		    "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<!--\n");
	else if (o->format == HP_START_RC)
		hp_buf_adds(b, "#!/bin/sh\n");
	header(o, path, b);
	if (o->format == HP_START_LAUNCHD) {
		hp_buf_adds(b, "-->\n");
		launchd(o, b);
	} else if (o->format == HP_START_RC) {
		hp_buf_addc(b, '\n');
		rc(o, b);
	} else
		systemd(o, b);
}
