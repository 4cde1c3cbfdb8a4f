#!/usr/bin/env bats
# hp: see LICENSE.
# filewatch.bats: watch = PATH: a change under it restarts the process
# once its quiet (watch-delay) is over; what is ignored; a reload when
# sockets are held; the look every second where no word comes
# (HP_WATCH=poll). Each test ends on a later change of a marker, seen,
# rather than on a wait for nothing to happen.

load helpers
load supervise
load held

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir -p src/sub src/node_modules src/.git other
}

# changes NAME: the paths of NAME's restarts for a change, one a line.
changes() {
	evfield "$1" process:restarting path | grep -v '^undefined$' || true
}

# nchanges NAME N: N such restarts so far.
nchanges() {
	[ "$(changes "$1" | wc -l)" -eq "$2" ]
}

@test "watch: a file edited 10 times in 50 ms restarts it once; a later edit again" {
	spawn -n w -o watch=src -o watch-delay=1s -- sleep 1000
	first=$PID
	for i in 0 1 2 3 4 5 6 7 8 9; do echo "$i" >>src/app.js; done
	wait_until 10 nchanges w 1
	wait_until 10 running_not w "$first"
	second=$(st w pid)
	echo marker >src/marker
	wait_until 10 nchanges w 2
	wait_until 10 running_not w "$second"
	run changes w
	[ "${lines[0]}" = "$BATS_TEST_TMPDIR/src/app.js" ]
	[ "${lines[1]}" = "$BATS_TEST_TMPDIR/src/marker" ]
	! alive "$first"
	[ "$(evfield w process:restarting reason | sort -u)" = watch ]
	# Asked for, not failures: the breaker does not count them.
	[ "$(hp-ls --json w | json 'j[0].manual_restarts')" = 2 ]
	[ "$(hp-ls --json w | json 'j[0].restarts')" = 0 ]
}

@test "watch: .git, node_modules and watch-ignore are not watched; a new directory is" {
	spawn -n w -o watch=src -o watch-delay=100ms -o 'watch-ignore=*.log tmp' \
	    -- sleep 1000
	echo x >src/node_modules/dep.js
	echo x >src/.git/HEAD
	echo x >src/server.log
	mkdir src/tmp
	echo x >src/tmp/cache
	echo marker >src/marker
	wait_until 10 nchanges w 1
	[ "$(changes w)" = "$BATS_TEST_TMPDIR/src/marker" ]
	# A directory made after the start is watched in its turn.
	mkdir src/new
	wait_until 10 nchanges w 2
	echo x >src/new/file
	wait_until 10 nchanges w 3
	[ "$(changes w | tail -n 1)" = "$BATS_TEST_TMPDIR/src/new/file" ]
}

@test "watch: node_modules when named; relative to the process's directory" {
	spawn -n w -C src -o watch=node_modules -o watch-delay=100ms \
	    -- sleep 1000
	echo x >src/node_modules/dep.js
	wait_until 10 nchanges w 1
	[ "$(changes w)" = "$BATS_TEST_TMPDIR/src/node_modules/dep.js" ]
}

@test "watch: stopped by a verb, it is not started by a change" {
	spawn -n w -o watch=src -o watch-delay=100ms -- sleep 1000
	spawn -n m -o watch=other -o watch-delay=100ms -- sleep 1000
	run hp-supervise stop w
	[ "$status" -eq 0 ]
	echo x >src/app.js
	echo marker >other/marker
	wait_until 10 nchanges m 1
	[ "$(st w state)" = stopped ]
	nchanges w 0
	# Started again, it is watched again.
	run hp-supervise start w
	[ "$status" -eq 0 ]
	wait_until 10 st_is w state running
	echo y >>src/app.js
	wait_until 10 nchanges w 1
}

@test "watch: with held sockets a change reloads it: a new run, then the old goes" {
	spawn -n web --listen tcp://127.0.0.1:0 -o watch=src \
	    -o watch-delay=100ms -- "$SOCKD"
	old=$PID
	load "$(port web)"
	echo x >src/app.js
	wait_until 10 evcount_ge web process:reloaded 1
	wait_until 10 running_not web "$old"
	stop
	[ "$(count refused)" -eq 0 ]
	[ "$(count failed)" -eq 0 ]
	nchanges web 1
}

@test "watch: where no word comes, a look every second sees the change" {
	export HP_WATCH=poll
	spawn -n w -o watch=src -o watch-delay=100ms -- sleep 1000
	first=$PID
	for i in 0 1 2 3 4 5 6 7 8 9; do echo "$i" >>src/app.js; done
	wait_until 10 nchanges w 1
	wait_until 10 running_not w "$first"
	[ "$(changes w)" = "$BATS_TEST_TMPDIR/src" ]
	echo marker >src/sub/marker
	wait_until 10 nchanges w 2
}

@test "watch: a changed watch = in hp.conf is watched after a reload" {
	cat >hp.conf <<EOF
[service w]
exec = sleep 1000
dir = $BATS_TEST_TMPDIR
watch = src
watch-delay = 100ms
EOF
	fg -f hp.conf
	wait_until 10 st_is w state running
	sed -i 's/^watch = src$/watch = other/' hp.conf
	run hp-supervise reload
	[ "$status" -eq 0 ]
	wait_until 10 evcount_ge w process:started 2
	wait_until 10 st_is w state running
	n=$(changes w | wc -l)
	echo x >src/app.js
	echo marker >other/marker
	wait_until 10 nchanges w $((n + 1))
	[ "$(changes w | tail -n 1)" = "$BATS_TEST_TMPDIR/other/marker" ]
}

@test "watch: bad keys are refused" {
	run hp-spawn -n w -o watch-delay=1ms -- sleep 1
	[ "$status" -eq 2 ]
	[[ "$output" = *watch-delay* ]]
	run hp-spawn -n w -o 'watch=src "open' -- sleep 1
	[ "$status" -eq 2 ]
	[[ "$output" = *watch* ]]
}

@test "watch: at the system's limit of watches it says so and looks instead" {
	unshare -Ur true 2>/dev/null ||
	    skip "no user namespace here to lower the limit in"
	mkdir -p src/a src/b src/c src/d src/e
	unshare -Ur sh -c 'echo 3 >/proc/sys/user/max_inotify_watches &&
	    exec hp-spawn -n w -o watch=src -o watch-delay=100ms -- sleep 1000'
	wait_until 10 grep -q "limit of watches is reached" \
	    "$HP_STATE_DIR/supervise.log"
	echo x >src/e/file
	wait_until 10 nchanges w 1
	[ "$(changes w)" = "$BATS_TEST_TMPDIR/src" ]
}

@test "watch: two watching one directory: the watch of one ends, the other's goes on" {
	spawn -n a -o watch=src -o watch-delay=100ms -- sleep 1000
	spawn -n b -o watch=src -o watch-delay=100ms -- sleep 1000
	run hp-supervise stop a
	[ "$status" -eq 0 ]
	echo x >src/app.js
	wait_until 10 nchanges b 1
	nchanges a 0
}

@test "watch: a named link is followed" {
	ln -s src link
	spawn -n w -o watch=link -o watch-delay=100ms -- sleep 1000
	echo x >src/sub/file
	wait_until 10 nchanges w 1
	[ "$(changes w)" = "$BATS_TEST_TMPDIR/link/sub/file" ]
}

@test "watch: a file in a directory made after the start, then edited in place" {
	spawn -n w -o watch=src -o watch-delay=100ms -- sleep 1000
	mkdir -p src/late/deeper
	echo a >src/late/deeper/app.js
	wait_until 10 nchanges w 1
	echo b >>src/late/deeper/app.js
	wait_until 10 nchanges w 2
	[ "$(changes w | tail -n 1)" = "$BATS_TEST_TMPDIR/src/late/deeper/app.js" ]
}

@test "watch: a directory removed and made again is watched again" {
	echo a >src/sub/app.js
	spawn -n w -o watch=src -o watch-delay=100ms -- sleep 1000
	rm -rf src/sub
	wait_until 10 nchanges w 1
	mkdir src/sub
	wait_until 10 nchanges w 2
	echo b >src/sub/app.js
	wait_until 10 nchanges w 3
	echo c >>src/sub/app.js
	wait_until 10 nchanges w 4
	[ "$(changes w | tail -n 1)" = "$BATS_TEST_TMPDIR/src/sub/app.js" ]
}

@test "watch: a file saved by a rename over it is watched still, named or below" {
	echo a >src/app.js
	echo a >app.js
	spawn -n w -o watch=src -o watch-delay=100ms -- sleep 1000
	spawn -n f -o watch=app.js -o watch-delay=100ms -- sleep 1000
	echo b >src/.app.js.swp
	mv src/.app.js.swp src/app.js
	echo b >.app.js.swp
	mv .app.js.swp app.js
	wait_until 10 nchanges w 1
	wait_until 10 nchanges f 1
	echo c >>src/app.js
	echo c >>app.js
	wait_until 10 nchanges w 2
	wait_until 10 nchanges f 2
	[ "$(changes w | tail -n 1)" = "$BATS_TEST_TMPDIR/src/app.js" ]
	[ "$(changes f | tail -n 1)" = "$BATS_TEST_TMPDIR/app.js" ]
}

@test "watch: a directory renamed is watched under its new name" {
	echo a >src/sub/app.js
	spawn -n w -o watch=src -o watch-delay=100ms -- sleep 1000
	mv src/sub src/moved
	wait_until 10 nchanges w 1
	echo b >>src/moved/app.js
	wait_until 10 nchanges w 2
	[ "$(changes w | tail -n 1)" = "$BATS_TEST_TMPDIR/src/moved/app.js" ]
}

@test "watch: a named directory removed is looked at, and seen when it comes back" {
	spawn -n w -o watch=other -o watch-delay=100ms -- sleep 1000
	rm -rf other
	wait_until 10 nchanges w 1
	mkdir other
	echo x >other/app.js
	wait_until 10 nchanges w 2
}
