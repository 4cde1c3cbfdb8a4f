#!/usr/bin/env bats
# hp: see LICENSE.
# security.bats: what is inside the state directory is ours or refused:
# links, other owners, modes; nothing is followed out of it.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir -m 0700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs"
	# A directory elsewhere, with a spec that must never run.
	mkdir -p elsewhere/evil
	printf 'exec = touch %s/pwned\nrestart = no\n' "$PWD" \
	    >elsewhere/evil/spec
	printf 'state = running\n' >elsewhere/evil/status
	: >elsewhere/keep
}

@test "procs/NAME as a link: never followed, never run, never emptied" {
	ln -s "$PWD/elsewhere/evil" "$HP_STATE_DIR/procs/evil"
	fg
	run hp-supervise -t 5s start evil
	[ "$status" -eq 1 ]
	[[ "$output" == *"a symbolic link: refused"* ]]
	run --separate-stderr hp-ls
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	run hp-ls evil
	[ "$status" -eq 1 ]
	# hp-spawn under that name is refused, and nothing of the target goes.
	run --separate-stderr hp-spawn -n evil -- sleep 60
	[ "$status" -eq 1 ]
	[ ! -e pwned ]
	[ -e elsewhere/evil/spec ] && [ -e elsewhere/keep ]
}

@test "procs/NAME of another owner or open to others is passed over" {
	[ "$(id -u)" -eq 0 ] || skip "chown needs root"
	cp -R elsewhere/evil "$HP_STATE_DIR/procs/theirs"
	chown -R nobody "$HP_STATE_DIR/procs/theirs"
	cp -R elsewhere/evil "$HP_STATE_DIR/procs/open"
	chmod 0777 "$HP_STATE_DIR/procs/open"
	fg
	run --separate-stderr hp-ls
	[ "${#lines[@]}" -eq 1 ]
	run hp-supervise -t 5s start theirs
	[ "$status" -eq 1 ]
	run hp-supervise -t 5s start open
	[ "$status" -eq 1 ]
	[ ! -e pwned ]
}

@test "files in the state directory as links are refused, not followed" {
	fg
	spawn -n a -- sleep 60
	# The status is replaced by a link: readers do not follow it.
	rm "$HP_STATE_DIR/procs/a/status"
	ln -s "$PWD/elsewhere/evil/status" "$HP_STATE_DIR/procs/a/status"
	printf 'state = failed\nrestarts = 99\n' >elsewhere/evil/status
	run hp-ls --json a
	[ "$(echo "$output" | json 'j[0].restarts')" = 0 ]
	# The next write replaces the link; its target is untouched.
	hp-supervise -t 5s restart a
	[ ! -L "$HP_STATE_DIR/procs/a/status" ]
	[ "$(cat elsewhere/evil/status)" = "state = failed"$'\n'"restarts = 99" ]
}

@test "files the supervisor makes are its own alone" {
	fg
	spawn -n a -- sh -c 'echo hi; sleep 60'
	wait_until 5 test -s "$HP_STATE_DIR/procs/a/log"
	for f in lock events.log procs/a/spec procs/a/status procs/a/pid \
	    procs/a/log; do
		[ "$(stat -c %a "$HP_STATE_DIR/$f")" = 600 ]
	done
	[ "$(stat -c %a "$HP_STATE_DIR/control")" = 600 ]
	[ "$(stat -c %a "$HP_STATE_DIR/procs/a")" = 700 ]
}

@test "procs/NAME swapped for a link to it, once known: never written through" {
	fg
	spawn -n a -e MARK=a -- sh -c 'echo hi; sleep 1000'
	wait_until 5 test -s "$HP_STATE_DIR/procs/a/log"
	hp-supervise -t 5s stop a >/dev/null
	mv "$HP_STATE_DIR/procs/a" elsewhere/a
	ln -s "$PWD/elsewhere/a" "$HP_STATE_DIR/procs/a"
	before=$(cd elsewhere/a && cat status log | cksum)
	run --separate-stderr hp-supervise -t 5s start a
	[ "$status" -eq 1 ]
	echo "$stderr"
	[[ "$stderr" == *"a: procs/a: a symbolic link: refused: not started"* ]]
	[ "$(cd elsewhere/a && cat status log | cksum)" = "$before" ]
	[ ! -e elsewhere/a/pid ]
	[ -z "$(pgrep -f 'sleep 1000' | while read -r p; do
	    grep -lsz -x MARK=a "/proc/$p/environ"; done)" ]
	# Nor is it removed through the link.
	run hp-supervise -t 5s remove a
	[ -e elsewhere/a/spec ]
}

@test "STATE/lock a FIFO: nothing hangs, every command says so" {
	mkfifo "$HP_STATE_DIR/lock"
	msg="$HP_STATE_DIR/lock: not a regular file of ours"
	for cmd in "hp-health" "hp-supervise -b" "hp-supervise status" \
	    "hp-supervise -t 2s stop a" "hp-ls" "hp-spawn -- true"; do
		run --separate-stderr timeout 10 $cmd
		echo "$cmd: $status $stderr"
		[ "$status" -eq 1 ]
		[ "$stderr" = "${cmd%% *}: $msg" ]
	done
	run --separate-stderr hp-supervise --json status
	[ "$(echo "$output" | json j.error.code)" = state-dir ]
}

@test "STATE/control a regular file: the client says so at once" {
	fg
	spawn -n a -- sleep 60
	kill -STOP "$FG"
	mv "$HP_STATE_DIR/control" fifo
	: >"$HP_STATE_DIR/control"
	kill -CONT "$FG"
	run --separate-stderr timeout 5 hp-supervise -t 15s stop a
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: $HP_STATE_DIR/control: not a FIFO of ours" ]
	[ ! -s "$HP_STATE_DIR/control" ]
	# The supervisor's own FIFO put back, for it to be shut down.
	mv fifo "$HP_STATE_DIR/control"
}
