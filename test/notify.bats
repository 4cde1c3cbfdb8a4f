#!/usr/bin/env bats
# hp: see LICENSE.
# notify.bats: systemd's readiness protocol without systemd: ready =
# notify and watchdog, spoken by a C program of our own (test/notify) and
# by systemd-notify where the machine has it.

load helpers
load supervise

NOTIFY=$ROOT/test/notify

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

@test "notify: starting until READY=1, then running; STATUS= in hp-ls and JSON" {
	spawn -n n -o ready=notify -- "$NOTIFY" sleep:300 \
	    'send:READY=1\nSTATUS=serving 3 clients' wait
	[ "$(st n state)" = starting ]
	wait_until 5 st_is n state running
	[ "$(st n status)" = "serving 3 clients" ]
	run hp-ls n
	[ "${lines[2]}" = "  status serving 3 clients" ]
	[ "$(hp-ls --json n | json 'j[0].status')" = "serving 3 clients" ]
	[ "$(evcount n process:ready)" -eq 1 ]
}

@test "notify: RELOADING=1 and STOPPING=1 are shown until READY=1" {
	spawn -n n -o ready=notify -- "$NOTIFY" send:READY=1 \
	    send:RELOADING=1 hold:go send:READY=1 hold:bye send:STOPPING=1 wait
	wait_until 5 st_is n notify reloading
	[ "$(st n state)" = running ]
	[ "$(hp-ls --json n | json 'j[0].notify')" = reloading ]
	touch go
	wait_until 5 st_is n notify ""
	[ "$(hp-ls --json n | json 'j[0].notify === undefined')" = true ]
	[ "$(st n state)" = running ]
	touch bye
	wait_until 5 st_is n notify stopping
	[ "$(hp-ls --json n | json 'j[0].notify')" = stopping ]
}

@test "notify: NOTIFY_SOCKET is short, its own, its user's; others pass its directory" {
	spawn -n n -w -r no -o ready=notify -- "$NOTIFY" env send:READY=1
	sock=$(hp-ls -l n | sed -n 's/.* out NOTIFY_SOCKET=//p')
	[ -n "$sock" ] && [ "${#sock}" -lt 108 ]
	[ "$(stat -c %a "$(dirname "$sock")")" = 711 ]
	[ ! -e "$sock" ]	# gone with its run
	run hp-ls -l n
	[ "${lines[1]#* out }" = "WATCHDOG_USEC=" ]
}

@test "notify: ready = notify, as another user (as root; else as ourselves)" {
	if [ "$(id -u)" -ne 0 ]; then
		spawn -n n -o ready=notify -- "$NOTIFY" send:READY=1 wait
		wait_until 5 st_is n state running
		return
	fi
	d=$(mktemp -d)
	chmod 755 "$d"
	cp "$NOTIFY" "$d/notify"
	spawn -n n -u nobody -C / -o ready=notify -- "$d/notify" \
	    'send:READY=1\nSTATUS=as nobody' wait
	wait_until 5 st_is n state running
	[ "$(st n status)" = "as nobody" ]
	hp-supervise stop n
	rm -rf "$d"
}

@test "notify: a missed watchdog restarts it, reason watchdog" {
	spawn -n w -o ready=notify -o watchdog=200ms -- "$NOTIFY" \
	    send:READY=1 pet:6 wait
	wait_until 5 st_is w state running
	first=$PID
	wait_until 10 running_not w "$first"
	[ "$(evfield w process:restarting reason | head -n 1)" = watchdog ]
	[ "$(evfield w process:stopped error | head -n 1)" = "no WATCHDOG=1 within 200 ms" ]
	grep -q '^WATCHDOG_USEC=200000$' "/proc/$(st w pid)/environ" ||
	    tr '\0' '\n' <"/proc/$(st w pid)/environ" | grep -qx WATCHDOG_USEC=200000
}

@test "notify: WATCHDOG=trigger restarts it at once" {
	spawn -n w -o watchdog=1h -- "$NOTIFY" sleep:100 send:WATCHDOG=trigger wait
	wait_until 10 evcount_ge w process:restarting 1
	[ "$(evfield w process:restarting reason | head -n 1)" = watchdog ]
}

@test "notify: a message from outside its tree is let be" {
	spawn -n n -o ready=notify -- "$NOTIFY" wait
	sock=$(tr '\0' '\n' <"/proc/$PID/environ" | sed -n 's/^NOTIFY_SOCKET=//p')
	[ -n "$sock" ]
	NOTIFY_SOCKET=$sock "$NOTIFY" send:READY=1
	wait_until 5 grep -q "a message from pid .*, not of its tree" \
	    "$HP_STATE_DIR/supervise.log"
	[ "$(st n state)" = starting ]
}

@test "notify: MAINPID= of a descendant: it is the process now" {
	spawn -n m -o ready=notify -- "$NOTIFY" main send:READY=1 wait
	wait_until 5 st_is m state running
	main=$(st m pid)
	[ "$main" != "$PID" ]
	wait_until 5 gone "$PID"
	[ "$(st m state)" = running ]
	alive "$main"
	run hp-supervise stop m
	[ "$status" -eq 0 ]
	gone "$main"
}

@test "notify: MAINPID= of a process not below it is let be" {
	spawn -n m -o ready=notify -- "$NOTIFY" send:MAINPID=1 send:READY=1 wait
	wait_until 5 st_is m state running
	[ "$(st m pid)" = "$PID" ]
}

@test "notify: EXTEND_TIMEOUT_USEC gives it longer than ready-timeout" {
	spawn -n x -o ready=notify --ready-timeout 300ms -- "$NOTIFY" \
	    send:EXTEND_TIMEOUT_USEC=2000000 sleep:800 send:READY=1 wait
	wait_until 5 st_is x state running
	[ "$(st x restarts)" = 0 ]
	[ "$(evcount x process:exited)" -eq 0 ]
}

@test "notify: ready = notify is one way of being ready, not two" {
	run hp-spawn -o ready=notify --ready-fd 4 -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: ready = notify and ready-fd: choose one" ]
	run hp-spawn -o ready=notify --ready-check tcp://127.0.0.1:9 -- true
	[ "$status" -eq 2 ]
	run hp-spawn -o ready=yes -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: ready: notify, or see ready-fd and ready-check" ]
	printf '[service a]\nexec = true\nready = notify\nready-fd = 3\n' >c.conf
	run hp-supervise -f "$PWD/c.conf"
	[ "$status" -eq 2 ]
	[ "$output" = "hp-supervise: $PWD/c.conf:1: a: ready = notify and ready-fd: choose one" ]
}

@test "notify: systemd-notify, as a program written for systemd runs it" {
	command -v systemd-notify >/dev/null ||
	    { echo "systemd-notify is not installed (.ci/run installs it)"; false; }
	spawn -n sd -o ready=notify -- sh -c \
	    'sleep 0.2; systemd-notify --ready --status="up, via systemd-notify"; exec sleep 100'
	[ "$(st sd state)" = starting ]
	wait_until 5 st_is sd state running
	[ "$(st sd status)" = "up, via systemd-notify" ]
}
