#!/usr/bin/env bats
# hp: see LICENSE.
# nproc.bats: out of processes: fork() fails with EAGAIN for the
# supervisor. RLIMIT_NPROC binds only a user other than root, and counts
# every process of that user: the supervisor runs as a uid of its own,
# which needs root (CI is root).

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	[ "$(id -u)" -eq 0 ] || skip "running as another user needs root"
	command -v setpriv >/dev/null || skip "no setpriv"
	# A uid with no user and no process: nothing else counts against it.
	U=$((60000 + RANDOM % 5000))
	while getent passwd "$U" >/dev/null || pgrep -U "$U" >/dev/null; do
		U=$((U + 1))
	done
	# The state directory where that uid can reach it, and its own.
	NP=$(mktemp -d "${TMPDIR:-/tmp}/hp-nproc.XXXXXX")
	chmod 755 "$NP"
	export HP_STATE_DIR="$NP/state"
	mkdir -m 700 "$HP_STATE_DIR"
	chown "$U:$U" "$HP_STATE_DIR"
	cd "$NP" || return 1
}

teardown() {
	if supervised; then
		as hp-supervise -t 15s shutdown >/dev/null 2>&1 || true
	fi
	hp_teardown
	local status=$?
	rm -rf "$NP"
	return $status
}

# as COMMAND...: COMMAND as the uid U, with no groups.
as() {
	setpriv --reuid="$U" --regid="$U" --clear-groups -- "$@"
}

# Only U may use its state directory: root's commands refuse it.
supervised() {
	as hp-supervise status >/dev/null 2>&1
}

# failed_with NAME TEXT: NAME's last start failed saying TEXT.
failed_with() {
	grep -F "\"event\":\"process:exited\",\"name\":\"$1\"" \
	    "$HP_STATE_DIR/events.log" | tail -n 1 | grep -qF "\"error\":\"$2\""
}

@test "out of processes: a clear error, the rest go on, starts come back" {
	printf '[service a]\nexec = sleep 300\n[service b]\nexec = sleep 300\n' \
	    >c.conf
	# (not through as(): FG is the supervisor itself)
	setpriv --reuid="$U" --regid="$U" --clear-groups -- \
	    hp-supervise --json -f c.conf >fg.out 2>fg.err 3>&- &
	FG=$!
	track "$FG"
	wait_until 10 supervised
	wait_until 10 st_is a state running
	wait_until 10 st_is b state running
	# Three processes of U from now on: the supervisor, a and b. (Not
	# before: a client of U meanwhile would have taken a place.)
	as prlimit --pid "$FG" --nproc=3:
	# One more, which does not fit.
	printf '[service c]\nexec = sleep 300\nbackoff-min = 100ms\n' >>c.conf
	printf 'backoff-max = 400ms\nmax-restarts = 0\n' >>c.conf
	run as hp-supervise -t 10s reload
	[ "$status" -eq 0 ]
	a=$(st a pid)
	b=$(st b pid)
	# c cannot fork: said so, and tried again with a backoff.
	wait_until 10 failed_with c "fork: Resource temporarily unavailable"
	wait_until 10 evcount_ge c process:restarting 2
	[ "$(st c code)" = system ]
	[ "$(st c error)" = "fork: Resource temporarily unavailable" ]
	for d in $(evfield c process:restarting delay_ms); do
		[ "$d" -ge 100 ]
	done
	# A new process cannot start either; its client hears why.
	run --separate-stderr as hp-spawn -n d -- sleep 300
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-spawn: d: fork: Resource temporarily unavailable" ]
	# The supervisor and the others go on, untouched.
	kill -0 "$FG"
	[ "$(st a pid)" = "$a" ] && [ "$(st b pid)" = "$b" ]
	alive "$a"
	alive "$b"
	# A process freed: c gets its place at its next try.
	run as hp-supervise -t 10s stop a
	[ "$status" -eq 0 ]
	wait_until 10 st_is c state running
	[ "$(st b pid)" = "$b" ]
	# The limit lifted (the soft one, as U may): a new one starts.
	as prlimit --pid "$FG" --nproc=20:
	run as hp-spawn -n d -- sleep 300
	[ "$status" -eq 0 ]
	wait_until 10 st_is d state running
	run as hp-supervise -t 10s start a
	[ "$status" -eq 0 ]
}
