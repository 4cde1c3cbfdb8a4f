/* hp: see LICENSE. */
/*
 * leaderless: a program of the tests whose first thread ends while the
 * other runs on: /proc says it is a zombie, and it is not. Writes its
 * pid to FILE, then runs until a signal ends it (two minutes at most);
 * with "deaf", not SIGTERM.
 */

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* On until a signal ends it, or two minutes have passed. */
static void *
on(void *arg)
{
	(void)arg;
	sleep(120);
	_exit(0);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t;
	FILE *f;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "deaf")))
		return 2;
	if (argc == 3)
		signal(SIGTERM, SIG_IGN);
	if (pthread_create(&t, NULL, on, NULL) != 0)
		return 2;
	if ((f = fopen(argv[1], "w")) == NULL)
		return 1;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) == EOF)
		return 1;
	pthread_exit(NULL);
}
