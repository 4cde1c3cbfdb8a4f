/* hp: see LICENSE. */
/* node.c: Node.js programs: their interpreter, their IPC channel. */

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

/*
 * A node process runs "node [node-args] SCRIPT [ARG...]" with a channel
 * made the way child_process.fork() makes one: a socketpair, the child's
 * end at descriptor NODE_CHANNEL_FD, NODE_CHANNEL_SERIALIZATION_MODE=json.
 * Both ways each message is one JSON document and a newline. A line from
 * the program (process.send()) becomes a process:message event; one too
 * long for an event line is dropped, and counted. What "send NAME JSON"
 * asks for is written to it, or queued while the program does not read,
 * up to QUEUE_MAX bytes; beyond that a send is refused.
 */
#define QUEUE_MAX	(64 * 1024)
#define READ_MAX	4	/* reads of a channel a turn of the loop */
#define DRAIN_MAX	64	/* reads of what is left, once it has exited */

struct hp_chan {
	int		 fd;
	struct hp_buf	 in;		/* a line not yet whole */
	int		 skipping;	/* the rest of an overlong line */
	struct hp_buf	 out;		/* waiting for the program to read */
	size_t		 off;		/* of out, written already */
	unsigned long	 dropped;	/* since the last message event */
	unsigned long	 lost;		/* in all, for the warning */
};

int
hp_node_pair(int fd[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == -1)
		return -1;
	if (hp_cloexec(fd[0]) == -1 || hp_cloexec(fd[1]) == -1 ||
	    hp_nonblock(fd[0]) == -1) {
		close(fd[0]);
		close(fd[1]);
		fd[0] = fd[1] = -1;
		return -1;
	}
	return 0;
}

/* cmd as the child's PATH finds it (enhanced, hp-detect(1)), or as it is. */
static void
which(char *out, size_t n, const char *cmd, char **envp)
{
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	struct hp_envpath ep;
	size_t i;

	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	if (strchr(cmd, '/') == NULL) {
		hp_envpath_build(&ep, path, NULL);
		i = hp_envpath_which(&ep, cmd, out, n) == 0;
		hp_envpath_free(&ep);
		if (i)
			return;
	}
	/* Not found: the exec fails and says so: "node: command not found". */
	hp_copy(out, n, cmd);
}

/*
 * Turn sp, set up to run the spec's exec line, into node running it with
 * the channel fd. The vectors are ours until the next call: they are used
 * at once, by a fork and exec.
 */
void
hp_node_exec(const struct hp_spec *spec, struct hp_spawn *sp, int fd)
{
	static char node[HP_PATH_MAX], chan[32], **argv, **envp;
	size_t i, k = 0, n = 0;

	which(node, sizeof node, spec->node ? spec->node : "node", sp->envp);
	for (i = 0; spec->node_args != NULL && spec->node_args[i]; i++)
		n++;
	for (i = 0; spec->argv[i] != NULL; i++)
		n++;
	argv = hp_xrealloc(argv, (n + 2) * sizeof *argv);
	argv[k++] = node;
	for (i = 0; spec->node_args != NULL && spec->node_args[i]; i++)
		argv[k++] = spec->node_args[i];
	for (i = 0; spec->argv[i] != NULL; i++)
		argv[k++] = spec->argv[i];
	argv[k] = NULL;

	/* The lowest above 2 that the listen sockets, ready-fd do not take. */
	sp->extra[1][0] = fd;
	sp->extra[1][1] = 3 + hp_spec_nlisten(spec);
	if (spec->ready_fd == sp->extra[1][1])
		sp->extra[1][1]++;
	snprintf(chan, sizeof chan, "NODE_CHANNEL_FD=%d", sp->extra[1][1]);
	for (n = 0; sp->envp[n] != NULL; n++)
		;
	envp = hp_xrealloc(envp, (n + 3) * sizeof *envp);
	for (i = k = 0; i < n; i++)
		if (strncmp(sp->envp[i], "NODE_CHANNEL_", 13) != 0)
			envp[k++] = sp->envp[i];
	envp[k++] = chan;
	envp[k++] = "NODE_CHANNEL_SERIALIZATION_MODE=json";
	envp[k] = NULL;
	sp->argv = argv;
	sp->envp = envp;
}

/* p has started, with its end of the channel in fd. */
void
hp_node_open(struct hp_proc *p, int fd)
{
	hp_node_close(NULL, p);
	p->chan = hp_xcalloc(1, sizeof *p->chan);
	p->chan->fd = fd;
}

/* A message too long for an event line: counted, and told of. */
static void
drop(struct hp_proc *p)
{
	struct hp_chan *c = p->chan;

	c->dropped++;
	c->lost++;
	/* Warn of the 1st, 2nd, 4th, 8th...: a flood makes few lines. */
	if ((c->lost & (c->lost - 1)) == 0)
		hp_warnx("%s: message dropped: longer than an event line "
		    "(%d bytes); %lu so far", p->spec.name, HP_LINE_MAX,
		    c->lost);
}

/* A line from the program: a process:message event, or dropped. */
static void
message(struct hp_super *s, struct hp_proc *p, const char *line, size_t n)
{
	struct hp_chan *c = p->chan;
	struct hp_json *j;
	char cmd[256];

	/* Node's own messages ({"cmd":"NODE_..."}) are not the program's. */
	if (n == 0 || (hp_json_get(line, "cmd", cmd, sizeof cmd) == 0 &&
	    strncmp(cmd, "NODE_", 5) == 0))
		return;
	j = hp_sproc_event(s, p, "process:message");
	hp_json_kint(j, "pid", (long long)p->id.pid);
	if (c->dropped > 0)
		hp_json_kint(j, "dropped", (long long)c->dropped);
	hp_json_key(j, "message");
	hp_json_raw(j, line, n);
	/* With its "}\n", the event must fit in one line of an event pipe. */
	if (s->jb.len + 2 <= HP_LINE_MAX) {
		c->dropped = 0;
		hp_event_publish(&s->ev, j);
		return;
	}
	s->jb.len = 0;
	s->ev.seq--;		/* nothing went out under this number */
	drop(p);
}

/* Bytes from the channel: each whole line is a message. */
static void
lines(struct hp_super *s, struct hp_proc *p, const char *buf, size_t n)
{
	struct hp_chan *c = p->chan;
	const char *q, *nl, *end = buf + n;
	size_t len;

	for (q = buf; q < end; q = nl + 1) {
		nl = memchr(q, '\n', (size_t)(end - q));
		len = (size_t)((nl != NULL ? nl : end) - q);
		if (!c->skipping && c->in.len + len <= HP_LINE_MAX)
			hp_buf_add(&c->in, q, len);
		else if (!c->skipping) {
			/* Never kept whole, never cut into bad JSON. */
			c->skipping = 1;
			drop(p);
		}
		if (nl == NULL)
			return;
		if (!c->skipping)
			message(s, p, hp_buf_str(&c->in), c->in.len);
		c->in.len = 0;
		c->skipping = 0;
	}
}

/* Read what the program has sent; at EOF or an error, close the channel. */
static void
readin(struct hp_super *s, struct hp_proc *p, int max)
{
	char buf[16384];
	ssize_t n;
	int i;

	for (i = 0; i < max; i++) {
		n = hp_read(p->chan->fd, buf, sizeof buf);
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			hp_node_close(NULL, p);
			return;
		}
		lines(s, p, buf, (size_t)n);
	}
}

/* Write what is queued; -1: the program has closed its end. */
static int
flush(struct hp_chan *c)
{
	ssize_t w;

	while (c->off < c->out.len) {
		w = write(c->fd, c->out.p + c->off, c->out.len - c->off);
		if (w > 0)
			c->off += (size_t)w;
		else if (w == -1 && errno == EAGAIN)
			return 0;
		else if (w == -1 && errno != EINTR)
			return -1;
	}
	c->off = c->out.len = 0;
	return 0;
}

/* The poll entry of p's channel: none, or in and (if queued) out. */
void
hp_node_pollfd(const struct hp_proc *p, struct pollfd *pfd)
{
	pfd->fd = p->chan != NULL ? p->chan->fd : -1;
	pfd->events = POLLIN;
	if (p->chan != NULL && p->chan->off < p->chan->out.len)
		pfd->events |= POLLOUT;
	pfd->revents = 0;
}

/* poll() has something for p's channel (unless it is one closed since). */
void
hp_node_io(struct hp_super *s, struct hp_proc *p, const struct pollfd *pfd)
{
	if (p->chan == NULL || pfd->fd != p->chan->fd)
		return;
	if (pfd->revents & (POLLIN | POLLHUP | POLLERR))
		readin(s, p, READ_MAX);
	if (p->chan != NULL && (pfd->revents & POLLOUT) &&
	    flush(p->chan) == -1)
		hp_node_close(NULL, p);
}

/* The channel goes: with s, what is left in it is read first. */
void
hp_node_close(struct hp_super *s, struct hp_proc *p)
{
	if (p->chan == NULL)
		return;
	/* Bounded: what it left running may still hold the other end. */
	if (s != NULL)
		readin(s, p, DRAIN_MAX);
	if (p->chan == NULL)
		return;
	close(p->chan->fd);
	hp_buf_free(&p->chan->in);
	hp_buf_free(&p->chan->out);
	free(p->chan);
	p->chan = NULL;
}

/* Queue text as one line, whatever white space it came with; -1 full. */
static int
queue(struct hp_chan *c, const char *text, size_t n)
{
	struct hp_json j;

	if (c->off > 0) {
		memmove(c->out.p, c->out.p + c->off, c->out.len - c->off);
		c->out.len -= c->off;
		c->off = 0;
	}
	if (c->out.len + n + 1 > QUEUE_MAX)
		return -1;
	hp_json_init(&j, &c->out);
	hp_json_raw(&j, text, n);
	hp_buf_addc(&c->out, '\n');
	return 0;
}

/* "send NAME JSON": a message for the program's process.on('message'). */
void
hp_node_send(struct hp_super *s, const struct hp_request *r)
{
	const char *id = r->client, *name = r->arg[0], *text = r->rest;
	struct hp_proc *p = hp_super_find(s, name);
	const char *code = NULL, *why = NULL;
	size_t n = strlen(text);
	char msg[80];

	if (p == NULL) {
		code = "not-found";
		why = "no such process";
	} else if (p->spec.type != HP_NODE) {
		code = "not-node";
		why = "not a node process";
	} else if ((p->state != HP_ST_RUNNING &&
	    p->state != HP_ST_STARTING) || p->id.pid <= 0) {
		code = "not-running";
		why = "not running";
	} else if (p->chan == NULL) {
		code = "no-channel";
		why = "its channel is closed";
	} else if (!hp_json_valid(text, n)) {
		code = "usage";
		why = "not valid JSON";
	} else if (queue(p->chan, text, n) == -1) {
		snprintf(msg, sizeof msg, "its channel is full: %zu bytes "
		    "not read yet", p->chan->out.len);
		code = "channel-full";
		why = msg;
	} else if (flush(p->chan) == -1) {
		hp_node_close(NULL, p);
		code = "no-channel";
		why = "its channel is closed";
	}
	/* Queued: the answer says the pid it went to. */
	hp_super_answer(s, id, code == NULL, name, code, why,
	    code == NULL ? p->id.pid : -1);
}

/* Its channel, for an upgrade: the descriptor and what is half done. */
void
hp_node_handover(struct hp_howr *w, const struct hp_proc *p)
{
	const struct hp_chan *c = p->chan;

	if (c == NULL)
		return;
	hp_ho_putfd(w, "chan", c->fd);
	hp_ho_put(w, "chan-in", c->in.p != NULL ? c->in.p : "", c->in.len);
	hp_ho_putint(w, "chan-skipping", c->skipping);
	hp_ho_put(w, "chan-out", c->out.p != NULL ? c->out.p + c->off : "",
	    c->out.len - c->off);
	hp_ho_putint(w, "chan-dropped", (long long)c->dropped);
	hp_ho_putint(w, "chan-lost", (long long)c->lost);
}

int
hp_node_takeover(struct hp_proc *p, const struct hp_hosec *sec)
{
	const char *v;
	size_t n;
	int fd;

	if (hp_ho_get(sec, "chan", NULL) == NULL)
		return 0;
	if ((fd = hp_ho_fd(sec, "chan")) == -1)
		return -1;
	hp_node_open(p, fd);
	if ((v = hp_ho_get(sec, "chan-in", &n)) != NULL)
		hp_buf_add(&p->chan->in, v, n);
	if ((v = hp_ho_get(sec, "chan-out", &n)) != NULL)
		hp_buf_add(&p->chan->out, v, n);
	p->chan->skipping = (int)hp_ho_int(sec, "chan-skipping", 0);
	p->chan->dropped = (unsigned long)hp_ho_int(sec, "chan-dropped", 0);
	p->chan->lost = (unsigned long)hp_ho_int(sec, "chan-lost", 0);
	return 0;
}
