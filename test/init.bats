#!/usr/bin/env bats
# hp: see LICENSE.
# init.bats: hp-supervise --init, the PID 1 of a container: it passes
# signals on, reaps what is orphaned, relays output and exits last.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	USAGE="try 'hp-supervise --help'"
}

# init ARG...: a --init supervisor in the background, bounded; its pid
# in INIT, its stdout and stderr in init.out and init.err.
init() {
	timeout $((20 * SLOW)) hp-supervise --init "$@" >init.out 2>init.err 3>&- &
	INIT=$!
	track "$INIT"
}

# ended: the --init supervisor has exited; its status in STATUS.
ended() {
	local s=0
	wait "$INIT" || s=$?
	STATUS=$s
}

@test "--init -- COMMAND exits with its status and relays its output" {
	run --separate-stderr hp-supervise --init -- \
	    sh -c 'echo to out; echo to err >&2; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "to out" ]
	[ "$stderr" = "to err" ]
	# The log has it too, and the process its record.
	grep -q 'to out$' "$HP_STATE_DIR/procs/sh/log"
	[ "$(st sh state)" = exited ]
	[ "$(st sh exit-code)" = 3 ]
}

@test "--init: a command that cannot start exits 127 and says why" {
	run -127 --separate-stderr hp-supervise --init -- no-such-command-here
	[ "$status" -eq 127 ]
	[ "$stderr" = "hp-supervise: no-such-command-here: command not found" ]
}

@test "--init passes SIGINT and SIGTERM on, once, and exits with the status" {
	for sig in INT TERM; do
		rm -f got ready
		init -- sh -c "trap 'echo \$((\$(cat got 2>/dev/null || echo 0) + 1)) >got; exit 7' $sig; touch ready; while :; do sleep 0.05; done"
		wait_until 10 test -e ready
		kill -"$sig" "$INIT"
		ended
		[ "$STATUS" -eq 7 ]
		[ "$(cat got)" = 1 ]
		rm -rf "$HP_STATE_DIR"
	done
}

@test "--init passes SIGHUP on and goes on running" {
	init -- sh -c "trap 'echo hup >>got' HUP; touch ready; while :; do sleep 0.05; done"
	wait_until 10 test -e ready
	kill -HUP "$INIT"
	wait_until 10 test -s got
	kill -0 "$INIT"
	[ "$(st sh state)" = running ]
	kill -TERM "$INIT"
	ended
	[ "$STATUS" -eq 143 ]
}

@test "--init -f: exits once every service has ended, with the last status" {
	printf '%s\n' '[service a]' 'exec = sh -c "echo $$ >a.pid; exit 0"' \
	    'restart = no' '[service b]' \
	    'exec = sh -c "while [ ! -s a.pid ] || kill -0 $(cat a.pid); do sleep 0.01; done 2>/dev/null; touch b.done; exit 5"' \
	    'restart = no' 'after = a' >c.conf
	# b starts once a is ready, and ends once a has been reaped: last.
	init -f c.conf
	ended
	[ "$STATUS" -eq 5 ]
	[ -e b.done ]
	[ "$(st a state)" = exited ]
	[ "$(st b state)" = exited ]
}

@test "--init ends what a service left behind when it exits" {
	run --separate-stderr hp-supervise --init -- \
	    sh -c 'setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $! >gc.pid'
	[ "$status" -eq 0 ]
	gc=$(cat gc.pid)
	wait_until 10 gone "$gc"
}

@test "--init as PID 1 reaps orphans that would stay zombies" {
	[ "$(id -u)" -eq 0 ] || skip "a PID namespace needs root"
	unshare -fpm --mount-proc true 2>/dev/null || skip "no PID namespaces"
	# The orphan is reparented to PID 1 as it exits: only a reaper
	# there keeps it from staying a zombie.
	run --separate-stderr timeout 20 unshare -fpm --mount-proc \
	    hp-supervise --init -- sh -c '
		echo "pid $$ parent $PPID"
		(sh -c "exit 0" &)
		i=0
		while [ $i -lt 500 ]; do
			z=$(grep -l "^State:.Z" /proc/[0-9]*/status 2>/dev/null |
			    wc -l)
			[ "$z" -eq 0 ] && break
			i=$((i + 1))
			sleep 0.01
		done
		echo "zombies $z"'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^"pid "[0-9]+" parent 1"$ ]]
	[ "${lines[1]}" = "zombies 0" ]
}

@test "--init usage errors" {
	run --separate-stderr hp-supervise -- true
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: a command to run needs --init" ]
	run --separate-stderr hp-supervise --init -b
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: --init runs in the foreground, on its own" ]
	run --separate-stderr hp-supervise --init stop web
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: stop takes none of -b, -f, --init, --parent, --exit-with-stdin, --audit" ]
	run --separate-stderr hp-supervise --init --
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: no command after --" ]
}

@test "--init --json: events alone on stdout, stderr still relayed" {
	run --separate-stderr hp-supervise --init --json -- \
	    sh -c 'i=0; while [ $i -lt 50 ]; do echo RAW; echo ERR >&2
	    i=$((i + 1)); done'
	[ "$status" -eq 0 ]
	echo "$output" | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
	for (const l of s.trim().split("\n")) JSON.parse(l).event.length;
});'
	[ "$(echo "$stderr" | grep -c '^ERR$')" -eq 50 ]
	grep -q 'RAW$' "$HP_STATE_DIR/procs/sh/log"
}

@test "--init -- COMMAND named as a service of the file gets a name of its own" {
	printf '[service sleep]\nexec = sleep 0.5\nrestart = no\n' >c.conf
	init -f c.conf -- sleep 0
	ended
	[ "$STATUS" -eq 0 ]
	grep -qx 'exec = sleep 0' "$HP_STATE_DIR/procs/sleep-2/spec"
	grep -qx 'exec = sleep 0.5' "$HP_STATE_DIR/procs/sleep/spec"
}

@test "--init passes SIGUSR1 on" {
	init -- sh -c "trap 'echo usr1 >>got' USR1; touch ready; while :; do sleep 0.05; done"
	wait_until 10 test -e ready
	# $INIT is timeout(1)'s pid: the supervisor is the lock's.
	kill -USR1 "$(supervisor_pid)"
	wait_until 10 test -s got
	kill -TERM "$INIT"
	ended
	[ "$STATUS" -eq 143 ]
}
