/* hp: see LICENSE. */
/* envfile.c: env-file = PATH: dotenv's KEY=VALUE lines, read at a start. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * An env-file, as dotenv writes it (hp.conf(5)):
 *
 *	# a comment
 *	export NAME=value		# export is allowed, and skipped
 *	NAME = 'single: as it is'	# no escapes, may span lines
 *	NAME="double: \n \r \t \" \\"	# these escapes; others kept
 *	NAME=unquoted value		# a blank then # starts a comment
 *
 * A NAME is letters, digits, '_', '.' and '-', not starting with a digit.
 * Nothing is expanded: $HOME stays $HOME. A later NAME takes the place
 * of an earlier one. Any other line is an error (the start fails), with
 * its number: "3: not NAME=VALUE".
 */

#define BLANK(c)	((c) == ' ' || (c) == '\t' || (c) == '\r')

static const char *
blanks(const char *p)
{
	while (BLANK(*p))
		p++;
	return p;
}

static int
namechar(int c, int first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	    (!first && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
}

/* Lines p runs over, from a to b: a quoted value may take several. */
static int
lines(const char *a, const char *b)
{
	int n = 0;

	for (; a < b; a++)
		n += *a == '\n';
	return n;
}

/* The value at p, quoted or not, into v; its end, or NULL + why. */
static const char *
value(const char *p, struct hp_buf *v, const char **why)
{
	const char *end;
	char q = *p;

	if (q == '\'' || q == '`') {
		if ((end = strchr(p + 1, q)) == NULL)
			return *why = "no closing quote", NULL;
		hp_buf_add(v, p + 1, (size_t)(end - p - 1));
		return end + 1;
	}
	if (q == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return *why = "no closing quote", NULL;
			if (*p == '\\' && p[1] != '\0' &&
			    strchr("nrt\"\\", p[1]) != NULL) {
				p++;
				hp_buf_addc(v, *p == 'n' ? '\n' : *p == 'r' ?
				    '\r' : *p == 't' ? '\t' : *p);
			} else
				hp_buf_addc(v, *p);
		}
		return p + 1;
	}
	/* Unquoted: to the end of the line or a comment, trailing blanks cut. */
	for (end = p; *end != '\0' && *end != '\n' && !(*end == '#' &&
	    (end == p || BLANK(end[-1]))); end++)
		;
	while (end > p && BLANK(end[-1]))
		end--;
	hp_buf_add(v, p, (size_t)(end - p));
	return end;
}

/* One NAME=VALUE at p into w; the rest of its line, or NULL + why. */
static const char *
entry(const char *p, struct hp_buf *w, const char **why)
{
	const char *name;

	if (strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t'))
		p = blanks(p + 6);
	name = p;
	if (!namechar(*p, 1))
		return *why = "not NAME=VALUE", NULL;
	while (namechar(*p, 0))
		p++;
	hp_buf_add(w, name, (size_t)(p - name));
	p = blanks(p);
	if (*p != '=')
		return *why = "not NAME=VALUE", NULL;
	hp_buf_addc(w, '=');
	p = blanks(p + 1);
	if ((p = value(p, w, why)) == NULL)
		return NULL;
	p = blanks(p);
	if (*p == '#')
		p += strcspn(p, "\n");
	if (*p != '\0' && *p != '\n')
		return *why = "text after the value", NULL;
	return p;
}

/* dotenv text into NAME=VALUE words added to *env; -1 + "LINE: why". */
int
hp_envfile_parse(const char *text, char ***env, char *msg, size_t n)
{
	struct hp_buf w = { 0 };
	const char *p = text, *next, *why = NULL;
	char **words = NULL;
	size_t nw = 0, i;
	int line = 1, r = 0;

	while (*p != '\0') {
		p = blanks(p);
		if (*p == '#')
			p += strcspn(p, "\n");
		if (*p == '\n' || *p == '\0') {
			line += *p == '\n';
			p += *p == '\n';
			continue;
		}
		w.len = 0;
		if ((next = entry(p, &w, &why)) == NULL) {
			snprintf(msg, n, "%d: %s", line, why);
			r = -1;
			break;
		}
		line += lines(p, next);
		p = next;
		words = hp_xrealloc(words, (nw + 1) * sizeof *words);
		words[nw++] = hp_xstrdup(hp_buf_str(&w));
	}
	if (r == 0)
		hp_env_add(env, words, nw);
	for (i = 0; i < nw; i++)
		free(words[i]);
	free(words);
	hp_buf_free(&w);
	return r;
}

/* A regular file (a FIFO would stall the supervisor), at most max bytes. */
static int
readfile(const char *path, struct hp_buf *b, char *msg, size_t n)
{
	char buf[8192];
	struct stat sb;
	ssize_t r = 0;
	int fd, e;

	if ((fd = hp_open(path, O_RDONLY | O_NONBLOCK, 0)) == -1)
		return snprintf(msg, n, "%s: %s", path, strerror(errno)), -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		e = errno;
		close(fd);
		return snprintf(msg, n, "%s: %s", path, S_ISREG(sb.st_mode) ?
		    strerror(e) : "not a regular file"), -1;
	}
	while (b->len <= HP_ENVFILE_MAX && (r = hp_read(fd, buf,
	    sizeof buf)) > 0)
		hp_buf_add(b, buf, (size_t)r);
	e = errno;
	close(fd);
	if (r == -1)
		return snprintf(msg, n, "%s: %s", path, strerror(e)), -1;
	if (b->len > HP_ENVFILE_MAX)
		return snprintf(msg, n, "%s: larger than %d bytes", path,
		    HP_ENVFILE_MAX), -1;
	if (memchr(hp_buf_str(b), '\0', b->len) != NULL)
		return snprintf(msg, n, "%s: a NUL byte: not a text file",
		    path), -1;
	return 0;
}

/*
 * Its env-files, read again (a restart takes what they hold now), in
 * order, into env_read; a relative path is taken from its dir. -1 and
 * "env-file PATH: why": nothing is kept, the start fails.
 */
int
hp_spec_envload(struct hp_spec *sp, char *msg, size_t n)
{
	struct hp_buf b = { 0 };
	char path[HP_PATH_MAX], why[HP_PATH_MAX + 64];
	size_t i;
	int r = 0;

	hp_argv_free(sp->env_read);
	sp->env_read = NULL;
	for (i = 0; r == 0 && sp->env_file != NULL && sp->env_file[i] !=
	    NULL; i++) {
		if (sp->env_file[i][0] == '/' || sp->dir == NULL ||
		    hp_path(path, sizeof path, "%s/%s", sp->dir,
		    sp->env_file[i]) == -1)
			hp_copy(path, sizeof path, sp->env_file[i]);
		b.len = 0;
		if ((r = readfile(path, &b, why, sizeof why)) == -1)
			snprintf(msg, n, "env-file %s", why);
		else if ((r = hp_envfile_parse(hp_buf_str(&b), &sp->env_read,
		    why, sizeof why)) == -1)
			snprintf(msg, n, "env-file %s:%s", path, why);
	}
	hp_buf_free(&b);
	if (r == -1) {
		hp_argv_free(sp->env_read);
		sp->env_read = NULL;
	}
	return r;
}
