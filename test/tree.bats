#!/usr/bin/env bats
# hp: see LICENSE.
# tree.bats: a stop ends the whole tree of a process, wherever its group
# or session went: by setsid, by setpgid, by a double fork whose middle
# is gone; with a cgroup per process (root, a writable cgroup2 tree) and
# by ancestry (HP_CGROUP=off), each test run both ways.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# A cgroup a test made (CG_MADE) goes with it, whatever became of it.
teardown() {
	local status=0
	sv_teardown || status=1
	if [ -n "${CG_MADE:-}" ] && [ -d "$CG_MADE" ]; then
		find "$CG_MADE" -depth -type d -exec rmdir {} + || status=1
	fi
	return $status
}

# A cgroup2 tree we may write, or the cgroup tests fail saying why.
cgroups() {
	unset HP_CGROUP
	[ "$(id -u)" = 0 ] || { echo "the cgroup tests need root" >&2; return 1; }
	grep -q ' - cgroup2 ' /proc/self/mountinfo ||
	    { echo "no cgroup2 hierarchy is mounted" >&2; return 1; }
}

# testgroup NAME: a cgroup NAME-PID beside ours, in CG_MADE (teardown
# removes it).
testgroup() {
	local mnt own
	mnt=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	CG_MADE="$mnt${own%/}/$1-$$"
	mkdir "$CG_MADE"
}

ancestry() {
	export HP_CGROUP=off
}

# mode cgroup|ancestry: the process's record says which way it is kept.
mode_is() {
	if [ "$1" = cgroup ]; then
		[ -n "$(st esc cgroup)" ] && [ -d "$(st esc cgroup)" ]
	else
		[ -z "$(st esc cgroup)" ]
	fi
}

# known PID: the supervisor remembers PID among esc's descendants (the
# sampler saw it), or PID is in esc's cgroup.
known() {
	local cg
	cg=$(st esc cgroup)
	if [ -n "$cg" ]; then
		grep -qx "$1" "$cg/cgroup.procs"
	else
		st esc descendants | tr ' ' '\n' | grep -q "^$1:"
	fi
}

# parent_is PID PPID
parent_is() {
	[ "$(ps -o ppid= -p "$1" | tr -d ' ')" = "$2" ]
}

# stopped_all PID...: stop esc; it answers once every PID is gone.
stopped_all() {
	local p
	run --separate-stderr hp-supervise --json stop esc
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].ok + " " + j[0].state')" = \
	    "true stopped" ]
	for p in "$@"; do
		gone "$p" || { echo "$p still there" >&2; return 1; }
	done
	[ "$(st esc state)" = stopped ]
}

by_setsid() {
	spawn --limit-interval 50ms -n esc -- sh -c \
	    'setsid sleep 1001 & echo $! >esc.pid; exec sleep 1002'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	mode_is "$1"
	[ "$(ps -o sid= -p "$esc" | tr -d ' ')" = "$esc" ]
	wait_until 5 known "$esc"
	stopped_all "$PID" "$esc"
	# The record of what was seen goes with the run.
	[ -z "$(st esc descendants)" ]
}

@test "stop ends a child that left by setsid (cgroup)" {
	cgroups
	by_setsid cgroup
}

@test "stop ends a child that left by setsid (ancestry)" {
	ancestry
	by_setsid ancestry
}

by_setpgid() {
	# bash's job control gives a background job a process group of its
	# own, in the same session.
	spawn --limit-interval 50ms -n esc -- bash -c \
	    'set -m; sleep 1003 & echo $! >esc.pid; wait'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	mode_is "$1"
	[ "$(ps -o pgid= -p "$esc" | tr -d ' ')" = "$esc" ]
	[ "$(ps -o sid= -p "$esc" | tr -d ' ')" = "$PID" ]
	wait_until 5 known "$esc"
	stopped_all "$PID" "$esc"
}

@test "stop ends a child that left by setpgid (cgroup)" {
	cgroups
	by_setpgid cgroup
}

@test "stop ends a child that left by setpgid (ancestry)" {
	ancestry
	by_setpgid ancestry
}

# The middle process waits for "go", then ends: the daemon it leaves in
# a session of its own comes to the supervisor, a subreaper, as an orphan
# with no trace of whose it was.
by_double_fork() {
	spawn --limit-interval 50ms -n esc -- sh -c \
	    '(setsid sleep 1005 & echo $! >esc.pid; echo $$ >mid.pid
	      while [ ! -e go ]; do sleep 0.01; done) & exec sleep 1006'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	mode_is "$1"
	# Seen while its parent lived (the sampler, or the cgroup).
	wait_until 5 known "$esc"
	touch go
	wait_until 5 parent_is "$esc" "$(supervisor_pid)"
	[ "$(ps -o sid= -p "$esc" | tr -d ' ')" = "$esc" ]
	stopped_all "$PID" "$esc"
}

@test "stop ends a daemon left by a double fork (cgroup)" {
	cgroups
	by_double_fork cgroup
}

@test "stop ends a daemon left by a double fork (ancestry)" {
	ancestry
	by_double_fork ancestry
}

# stop_esc EXPR WANT: once the process of esc.pid ($esc) is known, stop
# esc: its answer's EXPR (JavaScript of j[0]) is WANT, and $esc is gone.
stop_esc() {
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	wait_until 5 known "$esc"
	run --separate-stderr hp-supervise --json stop esc
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json "$1")" = "${2//\$esc/$esc}" ]
	gone "$esc"
}

# What ignores the stop signal is named in the answer, and killed.
resisting() {
	spawn --stop-timeout 300ms -n esc -- sh -c \
	    'setsid sh -c "trap \"\" TERM; echo \$\$ >esc.pid; exec sleep 1007" &
	     exec sleep 1008'
	stop_esc 'j[0].stopped_by + " " + j[0].resisted' 'KILL sleep ($esc)'
	[ "$(evfield esc process:stopped resisted)" = "sleep ($esc)" ]
	run hp-supervise stop esc
	[ "$output" = "esc stopped" ]
}

@test "stop: what ignores the stop signal is named, and killed (cgroup)" {
	cgroups
	resisting
}

@test "stop: what ignores the stop signal is named, and killed (ancestry)" {
	ancestry
	resisting
}

# leaderless: a member in a session of its own whose first thread has
# ended while the other runs on (test/leaderless): /proc says Z, and it
# is not gone; it has the stop signal and ends with it.
leaderless() {
	spawn --limit-interval 50ms --stop-timeout 5s -n esc -- sh -c \
	    "setsid '$ROOT/test/leaderless' esc.pid & exec sleep 1008"
	stop_esc 'j[0].state + " " + j[0].stopped_by' 'stopped TERM'
	# Deaf to it: SIGKILL, which cgroup.kill does not give it.
	rm esc.pid
	spawn --limit-interval 50ms --stop-timeout 300ms -n esc -- sh -c \
	    "setsid '$ROOT/test/leaderless' esc.pid deaf & exec sleep 1008"
	stop_esc 'j[0].stopped_by + " " + j[0].resisted' 'KILL leaderless ($esc)'
}

@test "stop: a process whose first thread has ended is not taken for gone (cgroup)" {
	cgroups
	leaderless
}

@test "stop: a process whose first thread has ended is not taken for gone (ancestry)" {
	ancestry
	leaderless
}

# speaking: esc's leader ends at once on SIGTERM; a member in a session
# of its own, once it has it, takes a moment, says so on its standard
# error, and ends: in the log, no SIGPIPE for a pipe closed meanwhile.
speaking() {
	cat >member.sh <<'EOF'
trap 'sleep 0.05; echo "bye from $$" >&2; exit 0' TERM
echo $$ >esc.pid
while :; do sleep 0.05; done
EOF
	spawn --limit-interval 50ms --stop-timeout 5s -n esc -- sh -c \
	    'setsid sh ./member.sh & exec sleep 1008'
	stop_esc 'j[0].state + " " + j[0].stopped_by' 'stopped TERM'
	grep -q "err bye from $esc\$" "$HP_STATE_DIR/procs/esc/log"
}

@test "stop: what the tree says after its leader has gone is logged (cgroup)" {
	cgroups
	speaking
}

@test "stop: what the tree says after its leader has gone is logged (ancestry)" {
	ancestry
	speaking
}

@test "stop: a member in a group below the process's own has the stop signal too, and the groups go (cgroup)" {
	cgroups
	spawn --stop-timeout 5s -n esc -- sh -c \
	    'setsid sh -c "trap \"echo term >got; exit 0\" TERM
		echo \$\$ >esc.pid; while :; do sleep 0.05; done" &
	     exec sleep 1008'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	cg=$(st esc cgroup)
	# As a process that owns its group may do: groups below it (a
	# name may begin with a dot).
	mkdir "$cg/below" "$cg/below/.deeper"
	echo "$esc" >"$cg/below/.deeper/cgroup.procs"
	grep -qx "$esc" "$cg/below/.deeper/cgroup.procs"
	run --separate-stderr hp-supervise --json stop esc
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].state + " " + j[0].stopped_by')" = \
	    "stopped TERM" ]
	[ "$(cat got)" = term ]
	gone "$esc"
	# Its group stays for its next run; those it made go with the run.
	[ -d "$cg" ]
	[ ! -d "$cg/below" ]
	mkdir "$cg/again"
	hp-supervise shutdown >/dev/null
	[ ! -d "$cg" ]
}

@test "stop: members of groups however deep have the stop signal (cgroup)" {
	cgroups
	spawn --stop-timeout 20s -n esc -- sh -c \
	    'setsid sh -c "echo \$\$ >esc.pid; exec sleep 1009" & exec sleep 1008'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	cg=$(st esc cgroup)
	deep=$cg
	for i in $(seq 40); do
		deep=$deep/d$i
	done
	mkdir -p "$deep"
	echo "$esc" >"$deep/cgroup.procs"
	run --separate-stderr hp-supervise --json stop esc
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].state + " " + j[0].stopped_by')" = \
	    "stopped TERM" ]
	gone "$esc"
	# However deep, the groups it made go with the run.
	[ -d "$cg" ]
	[ ! -d "$cg/d1" ]
}

# A crash: what the process left, wherever it went, ends with it.
# crash_ready: esc runs, and what it left in another session is known;
# crash_now: esc exits 3, and that goes with it.
crash_ready() {
	spawn -r no --limit-interval 50ms -n esc -- sh -c \
	    'setsid sleep 1009 & echo $! >esc.pid
	     while [ ! -e go ]; do sleep 0.01; done; exit 3'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	wait_until 5 known "$esc"
}

crash_now() {
	touch go
	wait_until 5 st_is esc state exited
	wait_until 5 gone "$esc"
}

crashing() {
	crash_ready
	crash_now
	[ "$(st esc exit-code)" = 3 ]
}

@test "a process that ends takes its whole tree with it (cgroup)" {
	cgroups
	crashing
}

@test "a process that ends takes its whole tree with it (ancestry)" {
	ancestry
	crashing
}

# pids_at_least N: d.pids has N lines.
pids_at_least() {
	[ -f d.pids ] && [ "$(wc -l <d.pids)" -ge "$1" ]
}

# The look comes before the signals: a member of the group, killed first,
# would hand its children to the supervisor while the look runs, and a
# child in a session of its own would be lost, left to run, at each turn.
@test "a process that ends, again and again: its group's children in other sessions end with it (ancestry)" {
	ancestry
	run hp-supervise -b	# stays after the stop: no shutdown ends them
	[ "$status" -eq 0 ]
	spawn -r always --backoff-min 0 --max-restarts 0 -n kin -- sh -c \
	    'sh -c "setsid sleep 1021 & echo \$! >d.new; wait" &
	     until [ -s d.new ]; do sleep 0.001; done
	     cat d.new >>d.pids; rm -f d.new; exit 3'
	wait_until 20 pids_at_least 30
	run hp-supervise stop kin
	[ "$status" -eq 0 ]
	for p in $(cat d.pids); do
		wait_until 5 gone "$p" || fail "sleep $p was left behind"
	done
}

# kids_at_least N: kids has N lines.
kids_at_least() {
	[ -f kids ] && [ "$(wc -l <kids)" -ge "$1" ]
}

# A member of the group that keeps starting children in sessions of their
# own: the group is held still (SIGSTOP) while it is looked at, so that
# none is made between the look and the signal, unseen.
@test "a stop, and a restart, end a group member's children that it keeps making in new sessions (ancestry)" {
	ancestry
	run hp-supervise -b	# stays after the stop: no shutdown ends them
	[ "$status" -eq 0 ]
	command -v perl >/dev/null || fail "perl is not installed"
	spawn -r always --backoff-min 0 --max-restarts 0 -n kin -- sh -c \
	    'for k in 1 2 3; do
	         perl -MPOSIX -e "open(K, q(>>), q(kids)) or die;
	             while (1) { \$p = fork(); if (\$p == 0) { setsid();
	             exec(q(sleep), q(1023)) } syswrite(K, \"\$p\\n\");
	             select(undef, undef, undef, 0.001) }" &
	     done
	     exec sleep 1024'
	for turn in 1 2 3 4 5; do
		wait_until 5 kids_at_least $((turn * 30))
		kill -KILL "$(st kin pid)"
		wait_until 5 running_not kin "$PID"
		PID=$(st kin pid)
	done
	wait_until 5 kids_at_least 180
	run hp-supervise stop kin
	[ "$status" -eq 0 ]
	for p in $(cat kids); do
		wait_until 5 gone "$p" || fail "sleep $p was left behind"
	done
}

# What a process of ours left is looked for below the supervisor (a
# subreaper: orphans come to it), not among every process: at its end,
# and at a stop, to the check of what is left once it is reaped.
@test "a process that ends, or is stopped: the rest of its tree is found below the supervisor (ancestry)" {
	ancestry
	command -v strace >/dev/null || fail "strace is not installed"
	spawn -n other -- sh -c 'setsid sleep 1020 & echo $! >other.pid
	    exec sleep 1022'
	other=$PID
	wait_until 5 test -s other.pid
	crash_ready
	strace -e trace=openat -p "$(supervisor_pid)" -o strace.out \
	    2>strace.err &
	tracer=$!
	track "$tracer"
	wait_until 5 grep -q attached strace.err
	crash_now
	alive "$other"
	alive "$(cat other.pid)"
	run hp-supervise stop other
	[ "$status" -eq 0 ]
	gone "$other"
	wait_until 5 gone "$(cat other.pid)"
	kill "$tracer"
	wait "$tracer" || true
	grep -q "/proc/$esc/" strace.out
	grep -q "/proc/$(cat other.pid)/" strace.out
	run ! grep -E 'openat\(AT_FDCWD, "/proc", ' strace.out
}

# A supervisor killed: the next one ends the tree of what it takes back.
recovered() {
	spawn --limit-interval 50ms -n esc -- sh -c \
	    'setsid sleep 1011 & echo $! >esc.pid; exec sleep 1012'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	wait_until 5 known "$esc"
	oldcg=$(st esc cgroup)
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	alive "$esc"
	run hp-supervise -b
	[ "$status" -eq 0 ]
	wait_until 10 running_not esc "$PID"
	wait_until 5 gone "$PID"
	wait_until 5 gone "$esc"
}

@test "the next supervisor ends the whole tree it replaces (cgroup)" {
	cgroups
	recovered
	# The killed supervisor's groups go once they are empty.
	[ -n "$oldcg" ]
	[ "$(st esc cgroup)" != "$oldcg" ]
	[ ! -e "$oldcg" ]
	[ ! -e "${oldcg%/*}" ]
}

@test "the next supervisor ends the whole tree it replaces (ancestry)" {
	ancestry
	recovered
}

# Groups of ours whose maker is gone go when the next supervisor starts;
# one in a PID namespace of its own cannot tell a maker outside it by
# its pid, and leaves its groups alone, empty as they may be.
@test "a supervisor in a PID namespace of its own leaves another's empty groups alone" {
	cgroups
	unshare -fpm --mount-proc true 2>/dev/null || skip "no PID namespaces"
	spawn -n esc -- sleep 1031
	cg=$(st esc cgroup)
	[ -d "$cg" ]
	run hp-supervise stop esc
	[ "$status" -eq 0 ]
	mkdir -m 700 other
	run timeout 20 unshare -fpm --mount-proc sh -c '
	    HP_STATE_DIR=$PWD/other/state hp-supervise -b &&
	    HP_STATE_DIR=$PWD/other/state hp-supervise shutdown'
	[ "$status" -eq 0 ]
	[ -d "$cg" ]
	run hp-supervise start esc
	[ "$status" -eq 0 ]
	[ "$(st esc cgroup)" = "$cg" ]
	grep -qx "$(st esc pid)" "$cg/cgroup.procs"
}

@test "a supervisor's cgroups go with it" {
	cgroups
	spawn -n esc -- sleep 1013
	cg=$(st esc cgroup)
	[ -d "$cg" ]
	base=${cg%/*}
	[ "${base##*/}" = "hp-$(supervisor_pid).$(stat -L -c %i /proc/self/ns/pid)" ]
	grep -qx "$PID" "$cg/cgroup.procs"
	run hp-supervise remove esc
	[ "$status" -eq 0 ]
	[ ! -e "$cg" ]
	run hp-supervise shutdown
	[ "$status" -eq 0 ]
	[ ! -e "$base" ]
}

@test "HP_CGROUP=DIR: the cgroups are made there" {
	cgroups
	testgroup hp-test
	dir=$CG_MADE
	export HP_CGROUP=$dir
	spawn -n esc -- sleep 1014
	[ "$(dirname "$(dirname "$(st esc cgroup)")")" = "$dir" ]
	run hp-supervise shutdown
	[ "$status" -eq 0 ]
}

# With no supervisor, stop ends the whole tree as recorded: the cgroup,
# or the descendants the supervisor saw.
unsupervised_stop() {
	spawn --limit-interval 50ms -n esc -- sh -c \
	    'setsid sleep 1015 & echo $! >esc.pid; exec sleep 1016'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	wait_until 5 known "$esc"
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	stopped_all "$PID" "$esc"
	unsupervised
}

@test "with no supervisor, stop ends the whole tree (cgroup)" {
	cgroups
	unsupervised_stop
}

@test "with no supervisor, stop ends the whole tree (ancestry)" {
	ancestry
	unsupervised_stop
}

# The group is held (SIGSTOP) while it is looked at, but not by one of
# its own members: a client in it would stop itself, and never send the
# signal. Here the process asks for its own stop, with none supervising,
# under its stop signal SIG (the command CMD runs it, and any other names
# it stops): its record says stopped first, the rest of its tree (a
# child in a session of its own, and one made after the stopper, kid2)
# has the signal before the stopper, which holds it back until every
# name is done, and then dies of it.
self_stop() {
	spawn --stop-signal "$1" -n self -- sh -c \
	    "setsid sleep 1017 & echo \$! >kid.pid
	    while [ ! -e go ]; do sleep 0.01; done
	    ${2:-exec hp-supervise stop self}"
	wait_until 5 test -s kid.pid
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	touch go
	wait_until 5 gone "$PID" || {
		held=$(ps -o stat= -p "$PID")
		kill -KILL "$PID"
		fail "it was left, in state $held"
	}
	for f in kid.pid kid2.pid; do
		[ -e "$f" ] || continue
		wait_until 5 gone "$(cat "$f")" ||
		    fail "a process of its tree ($f) was left"
	done
	[ "$(state_of self)" = stopped ] ||
	    fail "its record says $(state_of self)"
	grep -q '"event":"process:stopped","name":"self"' \
	    "$HP_STATE_DIR/events.log"
}

@test "with no supervisor, a process that stops itself ends, recorded (cgroup)" {
	cgroups
	self_stop KILL
}

@test "with no supervisor, a process that stops itself ends, not held (ancestry)" {
	ancestry
	self_stop KILL
}

@test "with no supervisor, a process that stops itself by SIGTERM ends last" {
	ancestry
	self_stop TERM
}

# The same from a process of the cgroup in a group of its own, made
# before kid2: not in the group signalled first, and listed in the
# cgroup before kid2, it has the signal only once kid2 has. The cgroup's
# base is named with a trailing slash: its path in the record has //.
@test "with no supervisor, a member in a group of its own stops its tree, recorded" {
	cgroups
	testgroup hp-test
	export HP_CGROUP=$CG_MADE/
	self_stop TERM 'perl -e "setpgrp(0, 0); select(undef, undef, undef,
	    0.01) until -s q(kid2.pid); exec qw(hp-supervise stop self)" &
	    setsid sleep 1019 & echo $! >kid2.pid; wait'
}

# Every name is done before the stopper's own end, and answered.
@test "with no supervisor, a process that stops itself and another stops both" {
	ancestry
	spawn -n other -- sleep 1020
	other=$PID
	self_stop TERM 'exec hp-supervise stop self other >answer'
	wait_until 5 gone "$other"
	[ "$(state_of other)" = stopped ]
	grep -q "other" answer
}

# Its SIGKILL is the kernel's to the whole cgroup, once the answer is
# out: a process moved into a group below it is not left, even where
# the answer's reader, of the tree too, is gone first (EPIPE).
@test "with no supervisor, a process that stops itself by SIGKILL ends its subgroups" {
	cgroups
	self_stop KILL 'cg=$(sed -n "s/^0:://p" /proc/self/cgroup)
	    mnt=$(awk "/ - cgroup2 / { print \$5; exit }" /proc/self/mountinfo)
	    setsid sleep 1021 & k=$!
	    mkdir "$mnt$cg/sub" && echo $k >"$mnt$cg/sub/cgroup.procs" &&
	    echo $k >kid2.pid
	    hp-supervise stop self | cat >answer'
	[ -s kid2.pid ] || fail "no process was moved into a group below"
}

# From within one of its instances, every instance is stopped.
@test "with no supervisor, an instance that stops its name stops every instance" {
	ancestry
	spawn -i 2 -n w -- sh -c 'if [ "$HP_INSTANCE" = 1 ]; then
	    while [ ! -e go ]; do sleep 0.01; done
	    exec hp-supervise stop w >answer; fi; exec sleep 1022'
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	touch go
	wait_until 5 test -s answer
	[ "$(state_of w:1)" = stopped ]
	[ "$(state_of w:2)" = stopped ]
}

# Its own removal a process cannot ask for: it would die before it.
@test "with no supervisor, a process cannot remove its own tree" {
	ancestry
	spawn -n self -- sh -c 'while [ ! -e go ]; do sleep 0.01; done
	    hp-supervise remove self >out 2>err; echo $? >rc; exec sleep 1018'
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	touch go
	wait_until 5 test -s rc
	[ "$(cat rc)" -ne 0 ]
	grep -q "cannot remove its own tree" out err
	hp-supervise stop self >/dev/null
	[ -d "$HP_STATE_DIR/procs/self" ]
}

# pid_of NAME: the pid its record names.
pid_of() {
	cut -d' ' -f1 "$HP_STATE_DIR/procs/$1/pid" 2>/dev/null
}

# running_in PID CG: PID has exec'd sleep, in the cgroup CG.
running_in() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ] &&
	    grep -qx "$1" "$2/cgroup.procs" 2>/dev/null
}

# traced_spawn CALLS ARG...: spawn ARG... while strace follows the
# system calls CALLS of the supervisor, into strace.out.
traced_spawn() {
	local calls=$1 tracer
	shift
	strace -f -e trace="$calls" -p "$(supervisor_pid)" \
	    -o strace.out 2>strace.err &
	tracer=$!
	track "$tracer"
	wait_until 5 grep -q attached strace.err
	spawn "$@"
	kill "$tracer"
	wait "$tracer" || true
}

# The commands run by another (make memcheck's valgrind, which refuses
# clone3): their children move into their groups.
not_wrapped() {
	[ -z "${HP_TEST_BIN:-}" ] || skip "commands of HP_TEST_BIN: clone3 may be refused"
}

@test "a child is made in its cgroup: nothing is moved by cgroup.procs" {
	cgroups
	not_wrapped
	command -v strace >/dev/null || fail "strace is not installed"
	spawn -n first -- sleep 1017
	traced_spawn clone3,openat -n esc -- sleep 1018
	grep -Eq 'clone3\(\{flags=(CLONE_VM\|CLONE_VFORK\|)?CLONE_INTO_CGROUP' \
	    strace.out ||
	    fail "no clone3 with CLONE_INTO_CGROUP: $(grep clone strace.out)"
	run ! grep 'cgroup.procs", O_WRONLY' strace.out
	running_in "$PID" "$(st esc cgroup)"
}

# On x86_64 the child borrows the supervisor's memory until its exec, as
# vfork(2) would: no page table copied; not in a sanitized build.
@test "a child made in its cgroup on x86_64 shares the supervisor's memory until its exec" {
	cgroups
	not_wrapped
	[ "$(uname -m)" = x86_64 ] || skip "a fork elsewhere than x86_64"
	! grep -q fsanitize=address "$ROOT/build.flags" ||
	    skip "a fork in a sanitized build"
	command -v strace >/dev/null || fail "strace is not installed"
	spawn -n first -- sleep 1017
	traced_spawn clone3 -n vm -- sleep 1018
	grep -q 'clone3({flags=CLONE_VM|CLONE_VFORK|CLONE_INTO_CGROUP' \
	    strace.out || fail "no vfork into the group: $(cat strace.out)"
	running_in "$PID" "$(st vm cgroup)"
	# A restart is made the same way.
	kill -KILL "$PID"
	wait_until 10 restarted_in vm "$PID"
}

# restarted_in NAME OLD: NAME runs another pid than OLD, in its cgroup.
restarted_in() {
	local pid
	pid=$(pid_of "$1")
	[ -n "$pid" ] && [ "$pid" != "$2" ] && running_in "$pid" "$(st "$1" cgroup)"
}

# Some kernels kill at once a child made in a group that its cgroup.kill
# ever killed: the run after such a kill must still come up and stay.
@test "a restart after what its program left was killed comes up and stays" {
	cgroups
	spawn --backoff-min 0 -n esc -- sh -c \
	    'setsid sleep 1019 & echo $! >esc.pid; exec sleep 1020'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	cg=$(st esc cgroup)
	wait_until 5 running_in "$PID" "$cg"
	first=$PID
	kill -KILL "$first"
	# The leftover goes by its group's kill; the next run comes up.
	wait_until 5 gone "$esc"
	wait_until 5 eval '[ "$(pid_of esc)" != "$first" ] &&
	    running_in "$(pid_of esc)" "$cg"'
	[ "$(st esc restarts)" = 1 ]
	# Once more, from that run: it was made in a group killed before.
	esc=$(cat esc.pid)
	second=$(pid_of esc)
	kill -KILL "$second"
	wait_until 5 gone "$esc"
	wait_until 5 eval '[ "$(pid_of esc)" != "$second" ] &&
	    running_in "$(pid_of esc)" "$cg"'
	[ "$(st esc restarts)" = 2 ]
}

# inode DIR
inode() {
	stat -c %i "$1"
}

@test "a group that was killed is made anew once empty, the child made in it" {
	cgroups
	spawn --backoff-min 300ms -n esc -- sh -c \
	    'setsid sleep 1021 & echo $! >esc.pid; exec sleep 1022'
	wait_until 5 test -s esc.pid
	esc=$(cat esc.pid)
	cg=$(st esc cgroup)
	wait_until 5 running_in "$PID" "$cg"
	before=$(inode "$cg")
	first=$PID
	kill -KILL "$first"
	wait_until 5 gone "$esc"
	# The backoff lets what was left go: the group is empty, made anew.
	wait_until 5 eval '[ "$(pid_of esc)" != "$first" ] &&
	    running_in "$(pid_of esc)" "$cg"'
	[ "$(inode "$cg")" != "$before" ]
	[ "$(st esc restarts)" = 1 ]
}

# A supervisor that runs in a group cgroup.kill once killed: some kernels
# kill at birth whatever it would make in a new group, so it moves each
# child in instead.
@test "a supervisor in a group once killed still starts its children" {
	cgroups
	testgroup hp-test-killed
	g=$CG_MADE
	sh -c 'echo $$ >"$1/cgroup.procs"; exec sleep 1023' sh "$g" &
	k=$!
	wait_until 5 grep -qx "$k" "$g/cgroup.procs"
	echo 1 >"$g/cgroup.kill"
	wait "$k" || true
	sh -c 'echo $$ >"$1/cgroup.procs"; exec hp-supervise -b' sh "$g"
	spawn -n esc -- sleep 1024
	wait_until 5 running_in "$PID" "$(st esc cgroup)"
	[ "$(st esc restarts)" = 0 ]
	run hp-supervise shutdown
	[ "$status" -eq 0 ]
}

# A reload's new run goes in a second group beside the old; its next
# run, back in the first, finds our base still there.
@test "a lone service reloaded, then restarted, keeps a cgroup" {
	cgroups
	spawn --backoff-min 0 -n esc --listen tcp://127.0.0.1:0 -- sleep 1025
	first=$(st esc cgroup)
	run hp-supervise reload esc
	[ "$status" -eq 0 ]
	[ "$(st esc cgroup)" = "$first+" ]
	wait_until 5 test ! -d "$first"
	pid=$(pid_of esc)
	kill -KILL "$pid"
	wait_until 5 eval '[ "$(pid_of esc)" != "$pid" ] &&
	    running_in "$(pid_of esc)" "$first"'
	[ "$(st esc cgroup)" = "$first" ]
}
