/* hp: see LICENSE. */
/* notify.c: a program of the tests that speaks systemd's NOTIFY_SOCKET. */

/*
 * usage: notify STEP ...
 *
 * Does each step in turn, as a program written for systemd would, with
 * nothing but libc:
 *
 *	send:TEXT	one datagram of TEXT to NOTIFY_SOCKET ("\n" in TEXT
 *			is a newline): READY=1, STATUS=..., WATCHDOG=1
 *	sleep:MS	sleep
 *	pet:N		WATCHDOG=1 N times, every third of WATCHDOG_USEC
 *	main		fork: the child goes on with the steps after this
 *			one and says MAINPID= of itself; the parent waits
 *			until it has said so, then exits 0
 *	env		print NOTIFY_SOCKET and WATCHDOG_USEC on stdout
 *	hold:FILE	until FILE exists (the test's go-ahead), 60 s at most
 *	wait		until SIGTERM, then exit 0
 *	recv:PATH	be the other end, as systemd is: bind a datagram
 *			socket at PATH and print each datagram that comes
 *			as a line (its newlines as spaces), until SIGTERM
 *
 * An address starting with '@' is in the abstract namespace, as systemd
 * has it. Exit 1 when NOTIFY_SOCKET is not set or a send fails.
 */

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
say(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un un;
	char msg[1024];
	size_t i, k;
	int fd, r;

	if (path == NULL || *path == '\0' || strlen(path) >= sizeof
	    un.sun_path) {
		fprintf(stderr, "notify: no NOTIFY_SOCKET\n");
		return -1;
	}
	for (i = k = 0; text[i] != '\0' && k < sizeof msg - 1; i++, k++)
		if (text[i] == '\\' && text[i + 1] == 'n') {
			msg[k] = '\n';
			i++;
		} else
			msg[k] = text[i];
	msg[k] = '\0';
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, path, strlen(path) + 1);
	if (un.sun_path[0] == '@')
		un.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		return -1;
	r = (int)sendto(fd, msg, k, 0, (struct sockaddr *)&un, sizeof un);
	close(fd);
	if (r == -1)
		fprintf(stderr, "notify: send: %s\n", strerror(errno));
	return r == -1 ? -1 : 0;
}

/* The receiving end: what a supervisor run by systemd tells it. */
static int
hear(const char *path)
{
	struct sockaddr_un un;
	char msg[1024];
	ssize_t n, k;
	int fd;

	if (strlen(path) >= sizeof un.sun_path)
		return -1;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&un, sizeof un) == -1) {
		fprintf(stderr, "notify: %s: %s\n", path, strerror(errno));
		return -1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		if ((n = recv(fd, msg, sizeof msg - 1, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (k = 0; k < n; k++)
			if (msg[k] == '\n')
				msg[k] = ' ';
		msg[n] = '\0';
		printf("%s\n", msg);
		fflush(stdout);
	}
}

int
main(int argc, char **argv)
{
	const char *w;
	char msg[64];
	long n, every;
	int i, p[2];
	pid_t pid;

	signal(SIGTERM, SIG_DFL);
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "send:", 5) == 0) {
			if (say(argv[i] + 5) == -1)
				return 1;
		} else if (strncmp(argv[i], "sleep:", 6) == 0)
			sleep_ms(atol(argv[i] + 6));
		else if (strncmp(argv[i], "pet:", 4) == 0) {
			w = getenv("WATCHDOG_USEC");
			every = w != NULL ? atol(w) / 3000 : 100;
			for (n = atol(argv[i] + 4); n > 0; n--) {
				if (say("WATCHDOG=1") == -1)
					return 1;
				sleep_ms(every);
			}
		} else if (strcmp(argv[i], "main") == 0) {
			if (pipe(p) == -1 || (pid = fork()) == -1)
				return 1;
			if (pid > 0) {
				close(p[1]);
				(void)!read(p[0], msg, 1);
				return 0;
			}
			close(p[0]);
			snprintf(msg, sizeof msg, "MAINPID=%ld",
			    (long)getpid());
			if (say(msg) == -1)
				return 1;
			sleep_ms(50);	/* heard before the parent goes */
			close(p[1]);
		} else if (strcmp(argv[i], "env") == 0) {
			w = getenv("NOTIFY_SOCKET");
			printf("NOTIFY_SOCKET=%s\n", w ? w : "");
			w = getenv("WATCHDOG_USEC");
			printf("WATCHDOG_USEC=%s\n", w ? w : "");
			fflush(stdout);
		} else if (strncmp(argv[i], "hold:", 5) == 0) {
			for (n = 0; access(argv[i] + 5, F_OK) == -1; n++) {
				if (n == 6000)
					return 1;
				sleep_ms(10);
			}
		} else if (strncmp(argv[i], "recv:", 5) == 0) {
			if (hear(argv[i] + 5) == -1)
				return 1;
		} else if (strcmp(argv[i], "wait") == 0) {
			for (;;)
				pause();
		} else {
			fprintf(stderr, "notify: unknown step: %s\n", argv[i]);
			return 2;
		}
	}
	return 0;
}
