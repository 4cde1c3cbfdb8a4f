#!/usr/bin/env bats
# hp: see LICENSE.
# kqueue.bats: watch = on kqueue, where a watch is a descriptor open on
# each file and directory: against test/kq/hp-supervise (make builds it
# through test/kqshim: kqueue's vnode filter on inotify), whatever
# HP_TEST_BIN says. make check runs filewatch.bats against it too.

HP_TEST_BIN=$(cd "$BATS_TEST_DIRNAME/kq" 2>/dev/null && pwd) ||
	HP_TEST_BIN=$BATS_TEST_DIRNAME/kq/missing
load helpers
load supervise

setup() {
	[ -x "$HPBIN/hp-supervise" ] || {
		echo "no $HPBIN/hp-supervise: make test/kq/hp-supervise" >&2
		return 1
	}
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir -p src/sub src/node_modules
}

changes() {
	evfield "$1" process:restarting path | grep -v '^undefined$' || true
}

nchanges() {
	[ "$(changes "$1" | wc -l)" -eq "$2" ]
}

# watched: the supervisor's descriptors open under src, one a line.
watched() {
	local pid
	pid=$(supervisor_pid) || return 1
	find "/proc/$pid/fd" -mindepth 1 -printf '%l\n' 2>/dev/null |
	    grep "^$BATS_TEST_TMPDIR/src" | sort
}

nwatched() {
	[ "$(watched | wc -l)" -eq "$1" ]
}

@test "watch (kqueue): a descriptor each file and directory; a removed file's is closed" {
	for i in 1 2 3 4 5 6 7 8 9 10; do echo "$i" >"src/sub/f$i"; done
	echo x >src/node_modules/dep.js
	spawn -n w -o watch=src -o watch-delay=100ms -- sleep 1000
	# src, src/sub and its ten files; not node_modules.
	wait_until 10 nwatched 12
	! watched | grep -q node_modules
	rm src/sub/f1 src/sub/f2 src/sub/f3
	wait_until 10 nchanges w 1
	wait_until 10 nwatched 9
	! watched | grep -q 'src/sub/f[123]$'
	# Ended with the watch: none left open.
	run hp-supervise stop w
	[ "$status" -eq 0 ]
	wait_until 10 nwatched 0
}

@test "watch (kqueue): past the open files limit it says so and looks instead" {
	for i in $(seq 1 100); do : >"src/sub/f$i"; done
	(ulimit -n 64 && exec hp-spawn -n w -o watch=src -o watch-delay=100ms \
	    -- sleep 1000)
	wait_until 10 grep -q "limit of watches is reached" \
	    "$HP_STATE_DIR/supervise.log"
	# What it had opened is closed again: the supervisor keeps its room.
	nwatched 0
	echo x >src/sub/f100
	wait_until 10 nchanges w 1
	[ "$(changes w)" = "$BATS_TEST_TMPDIR/src" ]
}
