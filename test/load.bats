#!/usr/bin/env bats
# hp: see LICENSE.
# load.bats: faults and load: many clients at once, garbage on the
# control FIFO, few descriptors, a supervisor killed mid-way, a storm of
# crashes. Each test is bounded in time and ends what it started.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# statuses_ok: every status file parses: one key = value a line.
statuses_ok() {
	local f
	for f in "$HP_STATE_DIR"/procs/*/status; do
		[ -s "$f" ] || return 1
		grep -qvE '^[a-z-]+ = .*$' "$f" && return 1
		grep -q '^state = ' "$f" || return 1
	done
	return 0
}

@test "100 hp-spawn and 100 hp-ls at once: every spawn answered, names unique" {
	fg --max-procs 200
	pids=
	for i in $(seq 1 100); do
		hp-spawn -- sleep 300 >"spawn.$i" 2>&1 &
		pids="$pids $!"
		hp-ls >"ls.$i" 2>&1 &
		pids="$pids $!"
	done
	# Not a bare wait: the supervisor is a job of ours too.
	bad=0
	for p in $pids; do
		wait "$p" || bad=$((bad + 1))
	done
	cat spawn.* ls.* | grep -v '^sleep\|^NAME' | head >&2
	[ "$bad" -eq 0 ]
	cat spawn.* | cut -d' ' -f1 | sort >names
	[ "$(wc -l <names)" -eq 100 ]
	[ "$(sort -u names | wc -l)" -eq 100 ]
	[ "$(ls "$HP_STATE_DIR/procs" | wc -l)" -eq 100 ]
	statuses_ok
	for f in "$HP_STATE_DIR"/procs/*/status; do
		grep -qx 'state = running' "$f"
	done
}

@test "1 MiB of garbage into the control FIFO: the supervisor goes on" {
	fg
	spawn -n a -- sleep 300
	pid=$PID
	head -c 1048576 /dev/urandom >"$HP_STATE_DIR/control"
	run hp-supervise -t 5s restart a
	[ "$status" -eq 0 ]
	running_not a "$pid"
	kill -0 "$FG"
}

@test "few descriptors: clear errors, the supervisor and the others go on" {
	(ulimit -n 40; exec hp-supervise --json) >fg.out 2>fg.err 3>&- &
	FG=$!
	track "$FG"
	wait_until 5 supervised
	failed=0
	for i in $(seq 1 20); do
		hp-spawn -n "p$i" -- sleep 300 >/dev/null 2>>spawn.err ||
		    failed=$((failed + 1))
	done
	# Some could not start for want of descriptors, and said so.
	[ "$failed" -gt 0 ]
	grep -q 'Too many open files' spawn.err
	kill -0 "$FG"
	# The ones that run still answer to verbs.
	run hp-supervise -t 5s restart p1
	[ "$status" -eq 0 ]
	wait_until 5 st_is p1 state running
}

@test "a supervisor killed during a reload: the next recovers, none doubled" {
	for i in $(seq 1 20); do
		printf '[service s%d]\nexec = sleep 300\n' "$i"
	done >c.conf
	fg -f c.conf
	for i in $(seq 1 20); do
		wait_until 10 st_is "s$i" state running
	done
	for i in $(seq 1 20); do
		printf '[service s%d]\nexec = sleep 301\n' "$i"
	done >c.conf
	hp-supervise reload >/dev/null 2>&1 &
	kill -KILL "$FG"
	wait "$FG" 2>/dev/null || true
	fg -f c.conf
	for i in $(seq 1 20); do
		wait_until 20 st_is "s$i" state running
	done
	# One sleep for each service: none left over, none doubled.
	[ "$(leftovers "$HP_STATE_DIR" | xargs -r ps -o args= -p |
	    grep -c '^sleep 30[01]$')" -eq 20 ]
}

@test "a storm of crashes: every one restarted, no zombie, no leak" {
	fg --max-procs 200
	base=$(fds "$FG")
	for i in $(seq 1 100); do
		hp-spawn -n "c$i" --backoff-min 10ms --backoff-max 50ms \
		    --max-restarts 0 -- sh -c 'sleep 0.$((RANDOM % 5 + 1)); exit 1' \
		    >/dev/null
	done
	wait_until 60 evcount_ge c100 process:crashed 10
	names=$(seq -f 'c%g' 1 100)
	# shellcheck disable=SC2086
	hp-supervise -t 30s stop $names >/dev/null
	# Everything ended and reaped, every descriptor given back.
	[ "$(zombies "$FG")" -eq 0 ]
	# (the FIFO of the last client is let go at the next event)
	[ "$(fds "$FG")" -le $((base + 1)) ]
	events "$HP_STATE_DIR/events.log" >/dev/null
	# Every crash but the last of each was followed by a restart.
	for i in 1 50 100; do
		c=$(evcount "c$i" process:crashed)
		r=$(evcount "c$i" process:restarting)
		[ "$r" -ge $((c - 1)) ]
	done
}

@test "a log that cannot be written: a warning, the process and the rest go on" {
	fg
	spawn -n b -- sleep 300
	spawn -n a -- sh -c 'while :; do echo tick; sleep 0.01; done'
	# Its log becomes something no file can be written as.
	# (it writes all the time: a new log may come between the two)
	wait_until 5 sh -c 'rm -f "$1" && mkdir "$1"' sh \
	    "$HP_STATE_DIR/procs/a/log"
	wait_until 10 grep -q 'a: write log' fg.err
	kill -0 "$FG"
	[ "$(st a state)" = running ]
	run hp-supervise -t 5s restart b
	[ "$status" -eq 0 ]
	# Said once, not at every line it writes (a hundred a second).
	[ "$(grep -c 'a: write log' fg.err)" -eq 1 ]
}
