/* hp: see LICENSE. */
/* envpath.c: the enhanced PATH a child gets, and the login shell's PATH. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#define BEGIN_MARK	"__HP_ENV_BEGIN__"
#define END_MARK	"__HP_ENV_END__"
#define LOGIN_MAX	(256 * 1024)	/* bytes of a shell's output read */

const char *
hp_home(void)
{
	struct passwd *pw;
	const char *h = getenv("HOME");

	if (h != NULL && *h == '/')
		return h;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return "/";
}

/* "~/x" -> "$HOME/x"; $VAR at the start, when set. -1 ENAMETOOLONG. */
int
hp_envpath_expand(char *out, size_t n, const char *dir)
{
	char name[64];
	const char *v;
	size_t k;

	if (dir[0] == '~' && (dir[1] == '/' || dir[1] == '\0'))
		return hp_path(out, n, "%s%s", hp_home(), dir + 1);
	if (dir[0] == '$') {
		k = strcspn(dir + 1, "/");
		if (k == 0 || k >= sizeof name)
			return hp_copy(out, n, dir);
		memcpy(name, dir + 1, k);
		name[k] = '\0';
		if ((v = getenv(name)) == NULL || *v == '\0') {
			errno = ENOENT;
			return -1;
		}
		return hp_path(out, n, "%s%s", v, dir + 1 + k);
	}
	return hp_copy(out, n, dir);
}

/* Add dir (expanded) when it is a directory not listed yet. */
void
hp_envpath_add(struct hp_envpath *ep, const char *dir, const char *source)
{
	char path[HP_PATH_MAX];
	struct stat sb;
	int i;

	if (hp_envpath_expand(path, sizeof path, dir) == -1 || path[0] != '/')
		return;
	for (i = 0; i < ep->n; i++)
		if (strcmp(ep->d[i].dir, path) == 0)
			return;
	if (stat(path, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return;
	ep->d = hp_xrealloc(ep->d, (size_t)(ep->n + 1) * sizeof *ep->d);
	ep->d[ep->n].dir = hp_xstrdup(path);
	ep->d[ep->n].source = source;
	ep->n++;
}

static void
addlist(struct hp_envpath *ep, const char *list, const char *source)
{
	char dir[HP_PATH_MAX];
	size_t k;

	while (list != NULL && *list != '\0') {
		k = strcspn(list, ":");
		if (k > 0 && k < sizeof dir) {
			memcpy(dir, list, k);
			dir[k] = '\0';
			hp_envpath_add(ep, dir, source);
		}
		list += k + (list[k] == ':');
	}
}

/* 1 when version a (v1.2.3) is above b. */
static int
newer(const char *a, const char *b)
{
	long x, y;

	a += *a == 'v';
	b += *b == 'v';
	while (*a != '\0' || *b != '\0') {
		x = strtol(a, (char **)&a, 10);
		y = strtol(b, (char **)&b, 10);
		if (x != y)
			return x > y;
		a += *a == '.';
		b += *b == '.';
		if ((*a != '\0' && (*a < '0' || *a > '9')) ||
		    (*b != '\0' && (*b < '0' || *b > '9')))
			return strcmp(a, b) > 0;
	}
	return 0;
}

/* nvm's current node: $NVM_BIN, else the newest match of alias/default. */
static void
nvm(struct hp_envpath *ep)
{
	char nd[HP_PATH_MAX], path[HP_PATH_MAX], alias[64], best[64];
	const char *v = getenv("NVM_BIN"), *d = getenv("NVM_DIR");
	struct dirent *de;
	size_t k;
	DIR *dir;

	if (v != NULL && *v == '/') {
		hp_envpath_add(ep, v, "nvm");
		return;
	}
	if (hp_path(nd, sizeof nd, "%s", d != NULL && *d == '/' ? d :
	    "~/.nvm") == -1 || hp_envpath_expand(path, sizeof path, nd) == -1)
		return;
	hp_copy(nd, sizeof nd, path);
	hp_path(path, sizeof path, "%s/alias/default", nd);
	if (hp_file_read(path, alias, sizeof alias) <= 0)
		alias[0] = '\0';
	alias[strcspn(alias, "\r\n")] = '\0';
	k = strspn(alias, "v0123456789.");
	if (k != strlen(alias))
		alias[0] = '\0';	/* node, stable, lts: the newest */
	hp_path(path, sizeof path, "%s/versions/node", nd);
	if ((dir = opendir(path)) == NULL)
		return;
	best[0] = '\0';
	while ((de = readdir(dir)) != NULL) {
		const char *a = alias + (alias[0] == 'v');

		if (de->d_name[0] != 'v' || strlen(de->d_name) >= sizeof best)
			continue;
		k = strlen(a);
		if (k > 0 && (strncmp(de->d_name + 1, a, k) != 0 ||
		    (de->d_name[1 + k] != '\0' && de->d_name[1 + k] != '.')))
			continue;
		if (best[0] == '\0' || newer(de->d_name, best))
			hp_copy(best, sizeof best, de->d_name);
	}
	closedir(dir);
	if (best[0] != '\0' && hp_path(path, sizeof path,
	    "%s/versions/node/%s/bin", nd, best) == 0)
		hp_envpath_add(ep, path, "nvm");
}

/* npm's global prefix: $NPM_CONFIG_PREFIX, ~/.npmrc's prefix, ~/.npm-global. */
static void
npm(struct hp_envpath *ep)
{
	char rc[8192], path[HP_PATH_MAX], *p, *e;
	const char *v = getenv("NPM_CONFIG_PREFIX");

	if (v == NULL)
		v = getenv("npm_config_prefix");
	if (v != NULL && *v != '\0' && hp_path(path, sizeof path, "%s/bin",
	    v) == 0)
		hp_envpath_add(ep, path, "npm-prefix");
	if (hp_path(path, sizeof path, "%s/.npmrc", hp_home()) == 0 &&
	    hp_file_read(path, rc, sizeof rc) > 0) {
		for (p = rc; p != NULL; p = e != NULL ? e + 1 : NULL) {
			e = strchr(p, '\n');
			p += strspn(p, " \t");
			if (strncmp(p, "prefix", 6) != 0)
				continue;
			p += 6 + strspn(p + 6, " \t");
			if (*p++ != '=')
				continue;
			p += strspn(p, " \t");
			e = p + strcspn(p, " \t\r\n");
			if (e > p && hp_path(path, sizeof path, "%.*s/bin",
			    (int)(e - p), p) == 0)
				hp_envpath_add(ep, path, "npm-prefix");
			break;
		}
	}
	hp_envpath_add(ep, "~/.npm-global/bin", "npm-prefix");
}

/*
 * PATH (unset: the system's default path), then what the login shell adds (login may be NULL), then where
 * package managers put programs, each directory once and only if it is
 * one. The order is the search order.
 */
void
hp_envpath_build(struct hp_envpath *ep, const char *path, const char *login)
{
	static const char *const fixed[][2] = {
		{ "/opt/homebrew/bin", "brew" },
		{ "/opt/homebrew/sbin", "brew" },
		{ "/home/linuxbrew/.linuxbrew/bin", "brew" },
		{ "/usr/local/bin", "static" }, { "~/.local/bin", "static" },
		{ "~/bin", "static" },
		{ "$PNPM_HOME", "static" }, { "~/.local/share/pnpm", "static" },
		{ "~/Library/pnpm", "static" },
		{ "$BUN_INSTALL/bin", "static" }, { "~/.bun/bin", "static" },
		{ "$VOLTA_HOME/bin", "volta" }, { "~/.volta/bin", "volta" },
		{ "$ASDF_DATA_DIR/shims", "asdf" }, { "~/.asdf/shims", "asdf" },
		{ NULL, NULL },
		{ "$CARGO_HOME/bin", "static" }, { "~/.cargo/bin", "static" },
		{ "$GOBIN", "static" }, { "$GOPATH/bin", "static" },
		{ "~/go/bin", "static" }, { "/usr/local/go/bin", "static" },
	};
	char def[256];
	size_t i, k;

	memset(ep, 0, sizeof *ep);
	/* With PATH unset, the system's default path, as execvp(3) does. */
	if (path == NULL && (k = confstr(_CS_PATH, def, sizeof def)) > 0 &&
	    k <= sizeof def)
		addlist(ep, def, "default");
	else
		addlist(ep, path, "PATH");
	addlist(ep, login, "login-env");
	npm(ep);
	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		if (fixed[i][0] == NULL)
			nvm(ep);
		else
			hp_envpath_add(ep, fixed[i][0], fixed[i][1]);
	}
}

void
hp_envpath_str(const struct hp_envpath *ep, struct hp_buf *b)
{
	int i;

	for (i = 0; i < ep->n; i++) {
		if (i > 0)
			hp_buf_addc(b, ':');
		hp_buf_adds(b, ep->d[i].dir);
	}
	hp_buf_str(b);
}

void
hp_envpath_free(struct hp_envpath *ep)
{
	int i;

	for (i = 0; i < ep->n; i++)
		free(ep->d[i].dir);
	free(ep->d);
	memset(ep, 0, sizeof *ep);
}

/* cmd on the enhanced PATH, as the shell finds it, into out; -1 none. */
int
hp_envpath_which(const struct hp_envpath *ep, const char *cmd, char *out,
    size_t n)
{
	struct stat sb;
	int i;

	if (strchr(cmd, '/') != NULL)
		return hp_copy(out, n, cmd) == 0 && stat(out, &sb) == 0 &&
		    S_ISREG(sb.st_mode) && access(out, X_OK) == 0 ? 0 : -1;
	for (i = 0; i < ep->n; i++)
		if (hp_path(out, n, "%s/%s", ep->d[i].dir, cmd) == 0 &&
		    stat(out, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    access(out, X_OK) == 0)
			return 0;
	return -1;
}

/* Our environment with PATH=the enhanced PATH (kept in b); free() it. */
char **
hp_envpath_environ(const struct hp_envpath *ep, struct hp_buf *b)
{
	extern char **environ;
	char **envp;
	int i, n;

	hp_buf_adds(b, "PATH=");
	hp_envpath_str(ep, b);
	for (n = 0; environ[n] != NULL; n++)
		;
	envp = hp_xcalloc((size_t)n + 2, sizeof *envp);
	for (i = 0, n = 0; environ[i] != NULL; i++)
		if (strncmp(environ[i], "PATH=", 5) != 0)
			envp[n++] = environ[i];
	envp[n] = b->p;
	return envp;
}

/*
 * STATE/cache of the state directory given (-S), else $XDG_CACHE_HOME/hp,
 * else STATE/cache of the default one; made 0700. -1 errno.
 */
int
hp_cache_dir(char *out, size_t n, const char *statedir)
{
	struct hp_state st;
	const char *x = getenv("XDG_CACHE_HOME");

	if (statedir == NULL && x != NULL && *x == '/') {
		if (hp_path(out, n, "%s/hp", x) == -1)
			return -1;
		if (mkdir(x, 0700) == -1 && errno != EEXIST)
			return -1;
	} else {
		if (hp_state_resolve(&st, statedir) == -1 ||
		    hp_state_open(&st, 1) == -1 ||
		    hp_state_file(&st, out, n, HP_F_CACHE) == -1)
			return -1;
	}
	if (mkdir(out, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* The start-up files a login shell may read, and their mtimes, as a key. */
static void
startkey(struct hp_buf *b, const char *shell)
{
	static const char *const files[] = {
		"/etc/profile", "/etc/zprofile", "/etc/zshenv", "/etc/zshrc",
		"/etc/zsh/zprofile", "/etc/zsh/zshenv", "/etc/zsh/zshrc",
		"/etc/bash.bashrc", "~/.profile", "~/.bash_profile",
		"~/.bash_login", "~/.bashrc", "~/.zshenv", "~/.zprofile",
		"~/.zshrc", "~/.zlogin", "~/.config/fish/config.fish", NULL
	};
	char path[HP_PATH_MAX];
	struct stat sb;
	int i;

	hp_buf_adds(b, shell);
	for (i = 0; files[i] != NULL; i++) {
		if (hp_envpath_expand(path, sizeof path, files[i]) == -1 ||
		    stat(path, &sb) == -1)
			continue;
		hp_buf_printf(b, " %d:%lld.%09ld", i, (long long)sb.st_mtime,
		    (long)sb.st_mtim.tv_nsec);
	}
	hp_buf_str(b);
}

/* PATH= between the markers of out; 0, or -1 with a reason. */
static int
pickpath(struct hp_login *lg, char *out)
{
	char *p, *e;

	if ((p = strstr(out, BEGIN_MARK "\n")) == NULL ||
	    (e = strstr(p, "\n" END_MARK)) == NULL) {
		snprintf(lg->reason, sizeof lg->reason, "no markers in output");
		return -1;
	}
	e[1] = '\0';
	for (p = strchr(p, '\n') + 1; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strncmp(p, "PATH=", 5) == 0) {
			p += 5;
			p[strcspn(p, "\n")] = '\0';
			hp_copy(lg->path, sizeof lg->path, p);
			return 0;
		}
	}
	snprintf(lg->reason, sizeof lg->reason, "no PATH in its environment");
	return -1;
}

/* Run the shell once; its group is killed at the timeout and at the end. */
static int
runshell(struct hp_login *lg, int interactive, long long timeout)
{
	static const char script[] = "printf '%s\\n' " BEGIN_MARK
	    "; env; printf '%s\\n' " END_MARK;
	char *argv[6], env[] = "HP_ENV_PROBE=1", **envp;
	struct hp_buf out = { 0 };
	struct hp_spawn sp;
	struct pollfd pfd;
	long long end = hp_mono_ms() + timeout, left;
	extern char **environ;
	char buf[8192];
	int p[2], i, n, st, r = -1;
	ssize_t k;
	pid_t pid;

	for (n = 0; environ[n] != NULL; n++)
		;
	envp = hp_xcalloc((size_t)n + 2, sizeof *envp);
	for (i = 0, n = 0; environ[i] != NULL; i++)
		if (strncmp(environ[i], "HP_ENV_PROBE=", 13) != 0)
			envp[n++] = environ[i];
	envp[n] = env;
	i = 0;
	argv[i++] = lg->shell;
	argv[i++] = "-l";
	if (interactive)
		argv[i++] = "-i";
	argv[i++] = "-c";
	argv[i++] = (char *)script;
	argv[i] = NULL;
	if (hp_pipe(p, 0) == -1) {
		free(envp);
		return -1;
	}
	memset(&sp, 0, sizeof sp);
	sp.argv = argv;
	sp.envp = envp;
	sp.fd[0] = -1;
	sp.fd[1] = p[1];
	sp.fd[2] = -1;
	sp.setsid = 1;
	pid = hp_spawn(&sp);
	close(p[1]);
	free(envp);
	if (pid == -1) {
		snprintf(lg->reason, sizeof lg->reason, "%.100s: %s",
		    lg->shell, strerror(errno));
		close(p[0]);
		return -1;
	}
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		if ((left = end - hp_mono_ms()) <= 0) {
			snprintf(lg->reason, sizeof lg->reason,
			    "%s timed out after %lld ms", interactive ?
			    "interactive login shell" : "login shell",
			    timeout);
			break;
		}
		if ((k = poll(&pfd, 1, (int)left)) == -1 && errno != EINTR)
			break;
		if (k <= 0)
			continue;
		if ((k = hp_read(p[0], buf, sizeof buf)) <= 0) {
			r = 0;
			break;
		}
		if (out.len < LOGIN_MAX)
			hp_buf_add(&out, buf, (size_t)k);
	}
	/* An interactive zsh ignores SIGTERM; the job-control ones too. */
	kill(-pid, SIGKILL);
	hp_waitpid(pid, &st, 0);
	close(p[0]);
	if (r == 0)
		r = pickpath(lg, hp_buf_str(&out));
	hp_buf_free(&out);
	return r;
}

/*
 * The PATH of the user's login shell, in lg->path: from the cache while
 * the shell and its start-up files are unchanged (usecache), else from
 * "SHELL -l -i -c", else from "SHELL -l -c" (fallback). -1: neither
 * worked; lg->reason says why, lg->path is empty.
 */
int
hp_envpath_login(struct hp_login *lg, const char *cachedir,
    long long timeout, int usecache)
{
	struct hp_buf key = { 0 }, b = { 0 };
	struct hp_kv kv = { 0 };
	struct passwd *pw;
	char file[HP_PATH_MAX], why[sizeof lg->reason];
	const char *s;
	int r = -1;

	memset(lg, 0, sizeof *lg);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_shell != NULL &&
	    *pw->pw_shell == '/')
		s = pw->pw_shell;
	else if ((s = getenv("SHELL")) == NULL || *s != '/')
		s = "/bin/sh";
	hp_copy(lg->shell, sizeof lg->shell, s);
	startkey(&key, lg->shell);
	file[0] = '\0';
	if (cachedir != NULL)
		hp_path(file, sizeof file, "%s/login-env", cachedir);
	if (usecache && file[0] != '\0' && hp_kv_load(&kv, file) == 0 &&
	    (s = hp_kv_get(&kv, "key")) != NULL && strcmp(s, key.p) == 0 &&
	    (s = hp_kv_get(&kv, "path")) != NULL && *s != '\0') {
		hp_copy(lg->path, sizeof lg->path, s);
		snprintf(lg->origin, sizeof lg->origin, "cache");
		snprintf(lg->reason, sizeof lg->reason, "start-up files "
		    "unchanged since %s", (s = hp_kv_get(&kv, "origin")) ?
		    s : "probe");
		r = 0;
		goto out;
	}
	snprintf(lg->reason, sizeof lg->reason, usecache ? "no cache entry "
	    "for these start-up files" : "cache not used");
	snprintf(lg->origin, sizeof lg->origin, "probe");
	if (runshell(lg, 1, timeout) == -1) {
		snprintf(why, sizeof why, "%s", lg->reason);
		snprintf(lg->origin, sizeof lg->origin, "fallback");
		if (runshell(lg, 0, timeout) == -1) {
			snprintf(lg->origin, sizeof lg->origin, "none");
			goto out;
		}
		snprintf(lg->reason, sizeof lg->reason, "%.150s; without -i",
		    why);
	}
	r = 0;
	if (file[0] != '\0') {
		hp_kv_add(&b, "key", key.p);
		hp_kv_add(&b, "origin", lg->origin);
		hp_kv_add(&b, "path", lg->path);
		hp_file_write(file, b.p, b.len, 0600);
	}
out:
	hp_kv_free(&kv);
	hp_buf_free(&key);
	hp_buf_free(&b);
	return r;
}
