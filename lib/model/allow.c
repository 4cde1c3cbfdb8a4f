/* hp: see LICENSE. */
/* allow.c: hp-supervise --allow FILE: only the programs it lists run. */

#define _XOPEN_SOURCE 700	/* realpath(3): every link on the way */

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/* The real path of p, symbolic links resolved; as it is if it has none. */
static void
real(char *out, size_t n, const char *p)
{
	char *r = realpath(p, NULL);

	hp_copy(out, n, r != NULL ? r : p);
	free(r);
}

/*
 * FILE: absolute paths of programs, one a line; blank lines and lines
 * starting with '#' are skipped. Any other line refuses the whole file.
 */
int
hp_allow_load(struct hp_allow *a, const char *file, char *msg, size_t n)
{
	static char text[256 * 1024];
	char *line, *next, path[HP_PATH_MAX];
	ssize_t len;
	int no = 0;

	memset(a, 0, sizeof *a);
	hp_copy(a->file, sizeof a->file, file);
	if ((len = hp_file_read(file, text, sizeof text)) == -1)
		return snprintf(msg, n, "%s: %s", file, strerror(errno)), -1;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		no++;
		line += strspn(line, " \t");
		line[strcspn(line, " \t\r")] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (*line != '/') {
			snprintf(msg, n, "%s:%d: not an absolute path: %.100s",
			    file, no, line);
			hp_allow_free(a);
			return -1;
		}
		real(path, sizeof path, line);
		a->path = hp_xrealloc(a->path, (size_t)(a->n + 1) *
		    sizeof *a->path);
		a->path[a->n++] = hp_xstrdup(path);
	}
	a->on = 1;
	return 0;
}

/* The program argv[0] names, as exec would find it with envp's PATH. */
static int
which(char *out, size_t n, const char *cmd, char **envp, const char *dir)
{
	const char *path = "/usr/bin:/bin", *p, *e;
	struct stat sb;
	size_t i;

	if (strchr(cmd, '/') != NULL)
		return cmd[0] == '/' || dir == NULL ? hp_copy(out, n, cmd) :
		    hp_path(out, n, "%s/%s", dir, cmd);
	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	for (p = path; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ":");
		if (hp_path(out, n, "%.*s/%s", (int)(e - p), p, cmd) == 0 &&
		    stat(out, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    access(out, X_OK) == 0)
			return 0;
	}
	return hp_copy(out, n, cmd);
}

/* May argv run? 0 yes; -1 and a message naming the program if not. */
int
hp_allow_check(const struct hp_allow *a, char **argv, char **envp,
    const char *dir, char *msg, size_t n)
{
	char found[HP_PATH_MAX], path[HP_PATH_MAX];
	int i;

	if (!a->on)
		return 0;
	if (which(found, sizeof found, argv[0], envp, dir) == -1)
		hp_copy(found, sizeof found, argv[0]);
	real(path, sizeof path, found);
	for (i = 0; i < a->n; i++)
		if (strcmp(a->path[i], path) == 0)
			return 0;
	snprintf(msg, n, "%.400s: not in the allow list %.400s", path,
	    a->file);
	return -1;
}

void
hp_allow_free(struct hp_allow *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		free(a->path[i]);
	free(a->path);
	a->path = NULL;
	a->n = a->on = 0;
}
