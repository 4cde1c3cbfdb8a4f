#!/usr/bin/env bats
# hp: see LICENSE.
# match.bats: the verbs of hp-supervise on "all" and shell patterns, each
# match answered on its own, with a supervisor and without one; "all" as
# a reserved name; hp-supervise wait NAME STATE.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# pid_of NAME: its pid, as its status says.
pid_of() {
	st "$1" pid
}

# three: api, web-1 and web-2, their pids in api, w1 and w2.
three() {
	spawn -n api -- sleep 1000
	api=$PID
	spawn -n web-1 -- sleep 1000
	w1=$PID
	spawn -n web-2 -- sleep 1000
	w2=$PID
}

@test "restart all: every process restarted, one answer each" {
	three
	run --separate-stderr hp-supervise restart all
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "api running $(pid_of api)" ]
	[ "${lines[1]}" = "web-1 running $(pid_of web-1)" ]
	[ "${lines[2]}" = "web-2 running $(pid_of web-2)" ]
	gone "$api"
	gone "$w1"
	gone "$w2"
	run --separate-stderr hp-supervise --json restart all
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map(x => x.name + " " + x.ok + " " + x.state).join()')" = \
	    "api true running,web-1 true running,web-2 true running" ]
}

@test "stop 'web-*' stops exactly the matching ones and says which" {
	three
	spawn -n webby -- sleep 1000
	run --separate-stderr hp-supervise stop 'web-*'
	[ "$status" -eq 0 ]
	[ "$output" = "web-1 stopped
web-2 stopped" ]
	[ "$stderr" = "" ]
	gone "$w1"
	gone "$w2"
	alive "$api"
	[ "$(st api state)" = running ]
	[ "$(st webby state)" = running ]
	# The record of the turn's stops went with their statuses.
	[ "$(st web-1 state)" = stopped ]
	[ ! -e "$HP_STATE_DIR/stops" ]
	# A name and a pattern that both match it: one answer.
	run --separate-stderr hp-supervise --json start web-1 'web-[12]' '?eb-2'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map(x => x.name + " " + x.state).join()')" = \
	    "web-1 running,web-2 running" ]
	run --separate-stderr hp-supervise signal USR1 'we*'
	[ "$status" -eq 0 ]
	[ "$output" = "web-1 ok
web-2 ok
webby ok" ]
}

@test "start all: the turn's events go to events.log in one write" {
	command -v strace >/dev/null || fail "strace is not installed"
	three
	hp-supervise stop all >/dev/null
	strace -y -s 100000 -e trace=write -p "$(supervisor_pid)" \
	    -o strace.out 2>strace.err &
	STRACE=$!
	track "$STRACE"
	wait_until 5 grep -q attached strace.err
	hp-supervise start all >/dev/null
	kill "$STRACE"
	wait "$STRACE" || true
	# Started, and ready, each of the three: six lines, one write.
	[ "$(grep -c 'events.log>' strace.out)" -eq 1 ]
	[ "$(grep 'events.log>' strace.out | grep -o 'event\\":\\"process:[a-z]*' |
	    sort | uniq -c | awk '{ print $1 }' | tr '\n' ' ')" = "3 3 " ]
}

@test "a pattern or all that matches nothing exits 1 and does nothing" {
	run --separate-stderr hp-supervise stop all
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: all: there is no process" ]
	run --separate-stderr hp-supervise stop 'web-*'
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: web-*: no process matches" ]
	spawn -n api -- sleep 1000
	api=$PID
	run --separate-stderr hp-supervise stop api 'web-*'
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-supervise: web-*: no process matches" ]
	alive "$api"
	run --separate-stderr hp-supervise --json restart 'x?'
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":{"code":"not-found","message":"x?: no process matches"}}' ]
	[ "$(pid_of api)" = "$api" ]
	run --separate-stderr hp-supervise stop 'web/*'
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: invalid name: web/*" ]
}

@test "all is reserved: refused as a name, with the usage code" {
	run --separate-stderr hp-spawn -n all -- sleep 1000
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-spawn: reserved name: all (the verbs take it for every process)" ]
	run --separate-stderr hp-spawn --json -n all -- sleep 1000
	[ "$status" -eq 2 ]
	[ "$(echo "$output" | json 'j.error.code')" = usage ]
	run --separate-stderr hp-pty -n all -- true </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-pty: reserved name: all (the verbs take it for every process)" ]
	printf '[service all]\nexec = sleep 1000\n' >all.conf
	run --separate-stderr hp-supervise -f all.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/all.conf:1: reserved name: all (the verbs of hp-supervise take it for every process)" ]
	[ ! -e "$HP_STATE_DIR/procs/all" ]
	# A name made from a command called all is not all.
	printf '#!/bin/sh\nexec sleep 1000\n' >all
	chmod +x all
	run --separate-stderr hp-spawn -- ./all
	[ "$status" -eq 0 ]
	[[ "$output" = "all-2 "[0-9]* ]]
}

@test "patterns and instances: NAME matched as one, NAME:I by a pattern with a colon" {
	spawn -n web -i 3 -- sleep 1000
	spawn -n db -- sleep 1000
	run --separate-stderr hp-supervise --json stop 'w*'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map(x => x.name + " " + x.state + " " + x.instances).join()')" = \
	    "web stopped 3" ]
	[ "$(st web/1 state) $(st web/2 state) $(st web/3 state) $(st db state)" = \
	    "stopped stopped stopped running" ]
	run --separate-stderr hp-supervise start 'web:[12]'
	[ "$status" -eq 0 ]
	[ "$output" = "web:1 running $(st web/1 pid)
web:2 running $(st web/2 pid)" ]
	[ "$(st web/3 state)" = stopped ]
	run --separate-stderr hp-supervise stop 'db:*'
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: db:*: no process matches" ]
	run --separate-stderr hp-supervise stop 'web:*'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "with no supervisor, patterns and all act on the recorded processes" {
	spawn -n a-1 -- sleep 1000
	a1=$PID
	spawn -n a-2 -- sleep 1000
	a2=$PID
	spawn -n b -- sleep 1000
	b=$PID
	spawn -n web -i 2 -- sleep 1000
	w1=$(st web/1 pid)
	w2=$(st web/2 pid)
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	run --separate-stderr hp-supervise stop 'a-*'
	[ "$status" -eq 0 ]
	[ "$output" = "a-1 stopped
a-2 stopped" ]
	gone "$a1"
	gone "$a2"
	alive "$b"
	unsupervised
	# A name of instances: each of them, one answer.
	run --separate-stderr hp-supervise --json stop 'we?'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map(x => x.name + " " + x.state).join()')" = \
	    "web stopped" ]
	gone "$w1"
	gone "$w2"
	alive "$b"
	run --separate-stderr hp-supervise remove all
	[ "$status" -eq 0 ]
	[ "$output" = "a-1 removed
a-2 removed
b removed
web removed" ]
	gone "$b"
	[ "$(ls "$HP_STATE_DIR/procs")" = "" ]
	unsupervised
	run --separate-stderr hp-supervise stop all
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: all: there is no process" ]
}

@test "a terminal hp-pty keeps in the foreground is left to it by all" {
	spawn -n svc -- sleep 1000
	hp-pty -n fgterm -- sleep 1000 </dev/null >/dev/null 2>&1 &
	track $!
	wait_until 5 st_is fgterm state running
	run --separate-stderr hp-supervise stop all
	[ "$status" -eq 0 ]
	[ "$output" = "svc stopped" ]
	[ "$(st fgterm state)" = running ]
}

@test "wait: starting until ready, then ready and running" {
	mkfifo go
	exec 8<>go
	spawn -n rd --ready-fd 3 -- sh -c 'read x <go; echo up >&3; exec sleep 1000'
	[ "$(st rd state)" = starting ]
	hp-supervise wait rd ready -t 20s >ready.out 2>&1 &
	w=$!
	hp-supervise wait 'r*' running >running.out 2>&1 &
	r=$!
	run --separate-stderr hp-supervise wait rd ready -t 100ms
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: rd: starting, not ready, after 100ms" ]
	echo now >&8
	exec 8>&-
	wait "$w"
	wait "$r"
	[ "$(cat ready.out)" = "rd running $(pid_of rd)" ]
	[ "$(cat running.out)" = "rd running $(pid_of rd)" ]
	run --separate-stderr hp-supervise --json wait all ready
	[ "$status" -eq 0 ]
	[ "$output" = "[{\"name\":\"rd\",\"ok\":true,\"state\":\"running\",\"pid\":$(pid_of rd)}]" ]
}

@test "wait: stopped, for every instance; a timeout says the state it is in" {
	spawn -n web -i 2 -- sleep 1000
	spawn -n db -- sleep 1000
	run --separate-stderr hp-supervise --json wait 'web' stopped -t 200ms
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.map(x => x.name + " " + x.ok + " " + x.state + " " + x.error.code + " " + x.error.message).join()')" = \
	    "web:1 false running timeout running, not stopped, after 200ms,web:2 false running timeout running, not stopped, after 200ms" ]
	[ "$stderr" = "hp-supervise: web:1: running, not stopped, after 200ms
hp-supervise: web:2: running, not stopped, after 200ms" ]
	hp-supervise -t 20s wait all stopped >stopped.out 2>&1 &
	w=$!
	hp-supervise stop web >/dev/null
	hp-supervise stop db >/dev/null
	wait "$w"
	[ "$(cat stopped.out)" = "db stopped
web:1 stopped
web:2 stopped" ]
}

@test "wait: an unknown state is a usage error; nothing to wait for exits 1" {
	run --separate-stderr hp-supervise wait web sleeping
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: wait: unknown state: sleeping (starting, running, ready, reloading, backoff, stopping, stopped, exited, failed)" ]
	run --separate-stderr hp-supervise wait web
	[ "$status" -eq 2 ]
	run --separate-stderr hp-supervise wait web running -t soon
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: bad timeout: soon" ]
	run --separate-stderr hp-supervise wait web running
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: web: no such process" ]
	spawn -n db -- sleep 1000
	run --separate-stderr hp-supervise wait web running
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: web: no such process" ]
	run --separate-stderr hp-supervise wait 'w*' running
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: w*: no process matches" ]
}

@test "wait with no supervisor: a recorded process that ends is exited" {
	spawn -n one -- sleep 1000
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	hp-supervise wait one exited -t 20s >exited.out 2>&1 &
	w=$!
	kill -TERM "$PID"
	wait "$w"
	[ "$(cat exited.out)" = "one exited" ]
	unsupervised
}
