#!/usr/bin/env bats
# hp: see LICENSE.
# upgrade-term.bats: a detached terminal across upgrades: its program
# goes on, its attached client stays attached and gets every byte once.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	T=$BATS_TEST_TMPDIR
	NEW="$T/new/hp-supervise"
	mkdir -p "$T/new"
	cp "$ROOT/cmd/hp-supervise" "$NEW"
}

# lines FILE: the numbers of "n K" lines in FILE are consecutive, none
# twice; prints how many.
lines() {
	tr -d '\r' <"$1" | awk '
	/^n [0-9]+$/ {
		if (last && $2 != last + 1) {
			print "after " last ": " $2 >"/dev/stderr"
			bad = 1
		}
		last = $2
		n++
	}
	END { print n + 0; exit bad }'
}

lines_ge() {
	[ "$(lines "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

@test "a terminal printing with a client attached, across 10 upgrades: every line once, the same pids" {
	fg
	sup=$FG
	hp-pty -d -n t -- sh -c \
	    'i=0; while :; do i=$((i+1)); echo "n $i"; done' >/dev/null
	pid=$(st t pid)
	mkfifo "$T/c.in"
	hp-pty --replay 0 --no-draw attach t <"$T/c.in" >"$T/c.out" \
	    2>"$T/c.err" &
	cpid=$!
	track "$cpid"
	exec 5>"$T/c.in"
	wait_until 10 lines_ge "$T/c.out" 2000
	for i in $(seq 10); do
		out=$(hp-supervise --json upgrade "$NEW")
		[[ $out == '{"ok":true,'* ]] || { echo "$out" >&2; false; }
	done
	n1=$(lines "$T/c.out")
	wait_until 10 lines_ge "$T/c.out" $((n1 + 20))
	[ "$(supervisor_pid)" = "$sup" ]
	[ "$(st t pid)" = "$pid" ]
	[ "$(st t clients)" = 1 ]
	exec 5>&-
	wait "$cpid" || true
	n=$(lines "$T/c.out")
	[ "$n" -ge $((n1 + 20)) ]
	[ "$(evcount t process:exited)" -eq 0 ]
	[ "$(grep -c '"event":"supervisor:upgraded"' \
	    "$HP_STATE_DIR/events.log")" -eq 10 ]
}
