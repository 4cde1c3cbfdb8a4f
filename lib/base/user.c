/* hp: see LICENSE. */
/* user.c: running a process as another user: who, and its environment. */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

static int
number(const char *s, long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	*out = strtol(s, &end, 10);
	return *end == '\0' && errno == 0 && *out >= 0;
}

/*
 * USER and GROUP (NULL: the user's own) by name or number. The name, home
 * and groups come from the user database; a number it does not know is
 * taken as it is, with no supplementary groups and / as its home.
 */
int
hp_user_find(struct hp_user *u, const char *user, const char *group,
    char *msg, size_t n)
{
	struct passwd *pw;
	struct group *gr;
	long id;

	memset(u, 0, sizeof *u);
	errno = 0;
	if ((pw = getpwnam(user)) == NULL && number(user, &id))
		pw = getpwuid((uid_t)id);
	if (pw != NULL) {
		u->uid = pw->pw_uid;
		u->gid = pw->pw_gid;
		hp_copy(u->name, sizeof u->name, pw->pw_name);
		hp_copy(u->home, sizeof u->home, pw->pw_dir);
	} else if (number(user, &id)) {
		u->uid = u->gid = (uid_t)id;
		hp_copy(u->name, sizeof u->name, user);
		hp_copy(u->home, sizeof u->home, "/");
		u->nogroups = 1;
	} else
		return snprintf(msg, n, "unknown user: %s", user), -1;
	if (group == NULL)
		return 0;
	if ((gr = getgrnam(group)) != NULL)
		u->gid = gr->gr_gid;
	else if (number(group, &id))
		u->gid = (gid_t)id;
	else
		return snprintf(msg, n, "unknown group: %s", group), -1;
	return 0;
}

/* May we run a process as u? Only root may be someone else. */
int
hp_user_allowed(const struct hp_user *u, char *msg, size_t n)
{
	if (geteuid() == 0 || (u->uid == geteuid() && u->gid == getegid()))
		return 0;
	snprintf(msg, n, "user %s: only root can run a process as another "
	    "user", u->name);
	return -1;
}

/* In the child: become u for good; -1 and errno, and nothing half done. */
int
hp_user_become(const struct hp_user *u)
{
	if (hp_groups_set(u->nogroups ? NULL : u->name, u->gid) == -1 ||
	    setgid(u->gid) == -1 || setuid(u->uid) == -1)
		return -1;
	/* Root once dropped cannot come back. */
	if (u->uid != 0 && setuid(0) == 0) {
		errno = EPERM;
		return -1;
	}
	(void)hp_no_new_privs();
	return 0;
}
