/* hp: see LICENSE. */
/*
 * mark: what the peers of the bench start: it writes its pid and a
 * newline to the FIFO $HP_BENCH_MARK as soon as it runs (one write, so
 * marks never mix), then waits for a signal. The bench keeps the FIFO
 * open for reading, so the open never waits.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(void)
{
	const char *path = getenv("HP_BENCH_MARK");
	char line[32];
	int fd, n;

	if (path == NULL || (fd = open(path, O_WRONLY | O_NONBLOCK)) == -1)
		return 1;
	n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
	if (write(fd, line, (size_t)n) != n)
		return 1;
	close(fd);
	for (;;)
		pause();
}
