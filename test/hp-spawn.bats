#!/usr/bin/env bats
# hp: see LICENSE.
# hp-spawn.bats: starting processes, handing them to the supervisor, and
# what hp-spawn says about it on stdout, stderr and in its exit status.

load helpers

bats_require_minimum_version 1.5.0

# The second line of a usage error: where help is.
USAGE="try 'hp-spawn --help'"

KEYS="name,type,state,pid,started,uptime_ms,restarts,manual_restarts,circuit,\
supervised,exit_code,exit_signal,health,cpu_percent,rss_bytes,tree_pids,\
cpu_avg_percent,cpu_seconds,pss_bytes,threads,fds,sampled"

# usage_error MESSAGE ARG...: hp-spawn ARG... is a usage error: exit 2,
# MESSAGE and where help is on stderr, nothing on stdout, nothing
# created; with --json, the error object on stdout as well.
usage_error() {
	local msg=$1
	shift
	run --separate-stderr hp-spawn "$@"
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-spawn: $msg
$USAGE" ]
	run --separate-stderr hp-spawn --json "$@"
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-spawn: $msg
$USAGE" ]
	[ "$(echo "$output" | json 'j.error.code')" = usage ]
	[ "$(echo "$output" | json 'j.error.message')" = "$msg" ]
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$HP_STATE_DIR" ]
}

# The pid of NAME, as hp-ls --json tells it ("null" when it has none).
pid_of() {
	hp-ls --json "$1" | json 'String(j[0].pid)'
}

# stat_field PID N: field N of /proc/PID/stat, counted after the
# command name: 1 state, 2 ppid, 3 process group, 4 session.
stat_field() {
	local s n=$2
	s=$(cat "/proc/$1/stat")
	set -- ${s##*) }
	echo "${!n}"
}

# The environment of PID, one variable a line.
environ_of() {
	tr '\0' '\n' <"/proc/$1/environ"
}

refute_grep() {
	! grep "$@"
}

# Nobody holds the lock (the process may linger a moment as a zombie).
no_supervisor() {
	! hp-supervise status >/dev/null 2>&1
}

no_record() {
	[ ! -e "$HP_STATE_DIR/procs/$1" ]
}

pid_changed() {
	local p
	p=$(pid_of "$1")
	[ "$p" != null ] && [ "$p" != "$2" ]
}

# count_events EVENT NAME: how many such events events.log holds.
count_events() {
	grep -c "\"event\":\"$1\",\"name\":\"$2\"" "$HP_STATE_DIR/events.log" ||
	    true
}

at_least_events() {
	[ "$(count_events "$1" "$2")" -ge "$3" ]
}

@test "hp-spawn -h prints the usage, options and keys on stdout, exit 0" {
	run --separate-stderr hp-spawn -h
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ ${lines[0]} == "usage: hp-spawn [-Ew] [--json] [-S dir] [-n name] [-t type] [-C dir] [-e name=value]... [-r policy] [--stop-signal sig] [--stop-timeout dur] [--backoff-min dur] [--backoff-max dur] "*"-- command [arg ...]" ]]
	[ "${lines[1]}" = "       hp-spawn [option ...] file.js" ]
	[ "${lines[2]}" = "options:" ]
	# An option that sets a key has the key's line of help.
	grep -Eqx -- ' +--stop-timeout dur +time before SIGKILL' <<<"$output"
	# The keys -o takes, with their defaults.
	[[ $output == *$'\nkeys of -o key=value (hp.conf(5)):\n'* ]]
	grep -Eqx -- '  log-count=n +log files kept \(3\)' <<<"$output"
	local help=$output
	run --separate-stderr hp-spawn --help
	[ "$status" -eq 0 ]
	[ "$output" = "$help" ]
	[ ! -e "$HP_STATE_DIR" ]
}

@test "hp-spawn -V prints the version" {
	run --separate-stderr hp-spawn -V
	[ "$status" -eq 0 ]
	[ "$output" = "hp-spawn 0.1.0" ]
	[ "$stderr" = "" ]
	run --separate-stderr hp-spawn --version
	[ "$output" = "hp-spawn 0.1.0" ]
}

@test "hp-spawn: unknown options are usage errors" {
	usage_error "unknown option -x" -x -- true
	usage_error "unknown option --nope" --nope -- true
	usage_error "option --json takes no argument" --json=yes -- true
	usage_error "option -n needs an argument" -n
	usage_error "option --name needs an argument" --name
}

@test "hp-spawn: the -- before the command is required" {
	usage_error "missing -- before the command" sleep 1
	usage_error "missing -- before the command" -n web sleep 1
	usage_error "missing -- before the command"
}

@test "hp-spawn: no command after -- is a usage error" {
	usage_error "no command" --
	usage_error "no command" -n web --
}

@test "hp-spawn: invalid names are usage errors" {
	local n64 n65
	n64=$(printf 'a%.0s' $(seq 64))
	n65=$(printf 'a%.0s' $(seq 65))
	usage_error "invalid name: a b" -n "a b" -- true
	usage_error "invalid name: -x" -n -x -- true
	usage_error "invalid name: .x" -n .x -- true
	usage_error "invalid name: a/b" -n a/b -- true
	usage_error "invalid name: " -n "" -- true
	usage_error "invalid name: $n65" -n "$n65" -- true
	usage_error "invalid name: é" --name=é -- true
	# 64 characters are allowed.
	run hp-spawn -w -n "$n64" -- true
	[ "$status" -eq 0 ]
}

@test "hp-spawn: bad type, policy, signal and durations are usage errors" {
	usage_error "unknown type: daemon" -t daemon -- true
	usage_error "unknown type: " --type= -- true
	usage_error "unknown restart policy: sometimes" -r sometimes -- true
	usage_error "unknown signal: NOPE" --stop-signal NOPE -- true
	usage_error "unknown signal: 0" --stop-signal 0 -- true
	usage_error "bad duration: 5x" --stop-timeout 5x -- true
	usage_error "bad duration: -1" --backoff-min -1 -- true
	usage_error "bad duration: 1.5.5s" --backoff-max 1.5.5s -- true
	usage_error "bad duration: " --backoff-min= -- true
	usage_error "bad duration: ms" --stop-timeout=ms -- true
}

@test "hp-spawn: -e NAME not in the environment, or =x, is a usage error" {
	usage_error "-e FOO: not in the environment" -e FOO -- true
	usage_error "-e wants NAME=VALUE: =x" -e =x -- true
	usage_error "-e FOO: not in the environment" --env FOO -- true
}

@test "hp-spawn: prints NAME PID; the child runs in a session of its own" {
	local pid s
	run --separate-stderr hp-spawn -n web -- sleep 100
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ $output =~ ^web\ ([0-9]+)$ ]]
	pid=${BASH_REMATCH[1]}
	kill -0 "$pid"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]
	# Fields after the name: state ppid pgrp session.
	[ "$(stat_field "$pid" 3)" = "$pid" ]
	[ "$(stat_field "$pid" 4)" = "$pid" ]
	[ "$(stat_field "$pid" 2)" = "$(supervisor_pid)" ]
	[ "$(state_of web)" = running ]
	[ "$(pid_of web)" = "$pid" ]
	# Its record in the state directory.
	[ -f "$HP_STATE_DIR/procs/web/spec" ]
	[ "$(cut -d' ' -f1 "$HP_STATE_DIR/procs/web/pid")" = "$pid" ]
	[ "$(stat -c %a "$HP_STATE_DIR")" = 700 ]
}

@test "hp-spawn --json prints the ProcessInfo object of hp-ls --json" {
	local pid
	run --separate-stderr hp-spawn --json -n web -- sleep 100
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(echo "$output" | json 'Object.keys(j).join(",")')" = "$KEYS" ]
	[ "$(echo "$output" | json 'j.name')" = web ]
	[ "$(echo "$output" | json 'j.type')" = service ]
	[ "$(echo "$output" | json 'j.state')" = running ]
	pid=$(echo "$output" | json 'j.pid')
	kill -0 "$pid"
	echo "$output" | json '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(j.started) || process.exit(1)'
	echo "$output" | json 'Number.isInteger(j.uptime_ms) && j.uptime_ms >= 0 || process.exit(1)'
	[ "$(echo "$output" | json 'j.restarts')" = 0 ]
	[ "$(echo "$output" | json 'j.exit_code')" = null ]
	[ "$(echo "$output" | json 'j.exit_signal')" = null ]
	[ "$(echo "$output" | json 'j.health')" = unknown ]
	echo "$output" | json 'typeof j.cpu_percent === "number" || process.exit(1)'
	echo "$output" | json 'j.rss_bytes > 0 || process.exit(1)'
	[ "$(echo "$output" | json 'j.tree_pids')" = "[$pid]" ]
	# The same keys as an element of hp-ls --json.
	run hp-ls --json web
	[ "$(echo "$output" | json 'Object.keys(j[0]).join(",")')" = "$KEYS" ]
	[ "$(echo "$output" | json 'j[0].pid')" = "$pid" ]
}

@test "hp-spawn: a missing command exits 127: NAME: CMD: command not found" {
	run -127 --separate-stderr hp-spawn -n web -- hp-no-such-command
	[ "$status" -eq 127 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-spawn: web: hp-no-such-command: command not found" ]
	run -127 --separate-stderr hp-spawn --json -n web -- hp-no-such-command
	[ "$status" -eq 127 ]
	[ "$stderr" = "hp-spawn: web: hp-no-such-command: command not found" ]
	[ "$output" = '{"error":{"code":"exec-failed","message":"web: hp-no-such-command: command not found"}}' ]
	# A path that is not there, and the derived name.
	run -127 --separate-stderr hp-spawn -- "$BATS_TEST_TMPDIR/nothere"
	[ "$status" -eq 127 ]
	[ "$stderr" = "hp-spawn: nothere: $BATS_TEST_TMPDIR/nothere: No such file or directory" ]
	run -127 hp-spawn -w -- hp-no-such-command
	[ "$status" -eq 127 ]
}

@test "hp-spawn: a command that is not executable exits 126" {
	local f=$BATS_TEST_TMPDIR/noexec
	printf '#!/bin/sh\nexit 0\n' >"$f"
	chmod 644 "$f"
	run --separate-stderr hp-spawn -n ne -- "$f"
	[ "$status" -eq 126 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-spawn: ne: $f: Permission denied" ]
	run --separate-stderr hp-spawn --json -n ne -- "$f"
	[ "$status" -eq 126 ]
	[ "$output" = "{\"error\":{\"code\":\"exec-failed\",\"message\":\"ne: $f: Permission denied\"}}" ]
	# A directory is not executable either.
	run --separate-stderr hp-spawn -n dir -- "$BATS_TEST_TMPDIR"
	[ "$status" -eq 126 ]
	[ "$stderr" = "hp-spawn: dir: $BATS_TEST_TMPDIR: Permission denied" ]
}

@test "hp-spawn: the record of a failed spawn is removed" {
	run -127 hp-spawn -n web -- hp-no-such-command
	[ "$status" -eq 127 ]
	wait_until 5 no_record web
	run --separate-stderr hp-ls
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	# The name is free again.
	run hp-spawn -n web -- sleep 100
	[ "$status" -eq 0 ]
	[ "$(state_of web)" = running ]
}

@test "hp-spawn: the record of a failed spawn is gone when hp-spawn returns" {
	# Looked at at once, in a plain shell without the delays of bats, so
	# that a record removed only after the answer shows.
	run bash -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
	do
		hp-spawn -n web -- hp-no-such-command 2>/dev/null
		r=$?
		if [ -e "$0/procs/web" ]; then echo "$r left"; else echo "$r gone"; fi
	done' "$HP_STATE_DIR"
	[ "$status" -eq 0 ]
	echo "$output" | sort | uniq -c
	[ "$(echo "$output" | sort | uniq -c | sed 's/^ *//')" = "20 127 gone" ]
	run --separate-stderr hp-ls web
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-ls: web: no such process" ]
}

@test "hp-spawn: a name in use exits 1, code exists" {
	local pid
	run hp-spawn -n web -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#web }
	run --separate-stderr hp-spawn -n web -- sleep 200
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-spawn: web: name in use (pid $pid)" ]
	run --separate-stderr hp-spawn --json -n web -- sleep 200
	[ "$status" -eq 1 ]
	[ "$output" = "{\"error\":{\"code\":\"exists\",\"message\":\"web: name in use (pid $pid)\"}}" ]
	# The one that runs is untouched.
	[ "$(pid_of web)" = "$pid" ]
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]
}

@test "hp-spawn: a dead record with the same name is replaced" {
	run hp-spawn -w -n job -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	[ "$(state_of job)" = exited ]
	run --separate-stderr hp-spawn -n job -- sleep 100
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ $output =~ ^job\ [0-9]+$ ]]
	[ "$(state_of job)" = running ]
	[ "$(hp-ls --json job | json 'j[0].restarts')" = 0 ]
	[ "$(hp-ls --json job | json 'j[0].exit_code')" = null ]
}

@test "hp-spawn: a dead record left by an earlier supervisor is replaced" {
	run hp-spawn -n job -- sleep 100
	[ "$status" -eq 0 ]
	hp-supervise shutdown
	wait_until 5 no_supervisor
	[ "$(state_of job)" = stopped ]
	run --separate-stderr hp-spawn -n job -- sleep 200
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(state_of job)" = running ]
	[ "$(tr '\0' ' ' <"/proc/$(pid_of job)/cmdline")" = "sleep 200 " ]
}

@test "hp-spawn: two hp-spawn racing for one name: exactly one wins" {
	local i a b ra rb t=$BATS_TEST_TMPDIR pid
	for i in 1 2 3; do
		hp-spawn -n "x$i" -- sleep 100 >"$t/o1" 2>"$t/e1" 3>&- &
		a=$!
		hp-spawn -n "x$i" -- sleep 100 >"$t/o2" 2>"$t/e2" 3>&- &
		b=$!
		ra=0 rb=0
		wait "$a" || ra=$?
		wait "$b" || rb=$?
		[ "$((ra + rb))" -eq 1 ]
		[ "$ra" -eq 0 ] || [ "$rb" -eq 0 ]
		pid=$(pid_of "x$i")
		[ "$(cat "$t/o1" "$t/o2")" = "x$i $pid" ]
		[ "$(cat "$t/e1" "$t/e2")" = "hp-spawn: x$i: name in use (pid $pid)" ]
	done
	# One child each, no more.
	[ "$(for p in $(leftovers "$HP_STATE_DIR" 2>/dev/null); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null; echo; done |
	    grep -c '^sleep 100 $')" -eq 3 ]
	run hp-ls
	[ "${#lines[@]}" -eq 4 ]
}

@test "hp-spawn: derived names are made unique" {
	run hp-spawn -- sleep 100
	[[ $output =~ ^sleep\ [0-9]+$ ]]
	run hp-spawn -- sleep 100
	[[ $output =~ ^sleep-2\ [0-9]+$ ]]
	run hp-spawn -- /bin/sleep 100
	[[ $output =~ ^sleep-3\ [0-9]+$ ]]
	run -127 --separate-stderr hp-spawn -w -- "$BATS_TEST_TMPDIR/.-x y!"
	[ "$status" -eq 127 ]
	[ "$stderr" = "hp-spawn: xy: $BATS_TEST_TMPDIR/.-x y!: No such file or directory" ]
	wait_until 5 no_record xy
	run hp-spawn -w -- true
	[ "$status" -eq 0 ]
	# A dead record keeps its name: the next one gets another.
	run hp-spawn -w -- true
	[ "$status" -eq 0 ]
	run hp-ls
	[ "$(printf '%s\n' "${lines[@]}" | cut -d' ' -f1 | tr '\n' ' ')" = \
	    "NAME sleep sleep-2 sleep-3 true true-2 " ]
}

@test "hp-spawn: derived names stay unique when two race" {
	local a b t=$BATS_TEST_TMPDIR
	hp-spawn -- sleep 100 >"$t/o1" 3>&- &
	a=$!
	hp-spawn -- sleep 100 >"$t/o2" 3>&- &
	b=$!
	wait "$a"
	wait "$b"
	[ "$(cat "$t/o1" "$t/o2" | cut -d' ' -f1 | sort | tr '\n' ' ')" = \
	    "sleep sleep-2 " ]
}

@test "hp-spawn -C sets the working directory" {
	local pid
	mkdir "$BATS_TEST_TMPDIR/wd" "$BATS_TEST_TMPDIR/here"
	run hp-spawn -n abs -C "$BATS_TEST_TMPDIR/wd" -- sleep 100
	[ "$status" -eq 0 ]
	[ "$(readlink "/proc/${output#abs }/cwd")" = "$BATS_TEST_TMPDIR/wd" ]
	cd "$BATS_TEST_TMPDIR"
	run hp-spawn -n rel -C wd -- sleep 100
	[ "$(readlink "/proc/${output#rel }/cwd")" = "$BATS_TEST_TMPDIR/wd" ]
	# Without -C: the caller's.
	cd "$BATS_TEST_TMPDIR/here"
	run hp-spawn -n def -- sleep 100
	[ "$(readlink "/proc/${output#def }/cwd")" = "$BATS_TEST_TMPDIR/here" ]
	# A directory that is not there: the command cannot be executed.
	run --separate-stderr hp-spawn -n bad -C "$BATS_TEST_TMPDIR/none" -- true
	[ "$status" -eq 126 ]
	[ "$stderr" = "hp-spawn: bad: chdir $BATS_TEST_TMPDIR/none: No such file or directory" ]
}

@test "hp-spawn -e adds to the environment" {
	local pid
	run env FOO=outer hp-spawn -n e -e FOO=bar -e 'SP=a b' -e 'NL=x
y' -e EMPTY= -e 'EQ=a=b' -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#e }
	environ_of "$pid" >"$BATS_TEST_TMPDIR/env"
	[ "$(grep -c '^FOO=' "$BATS_TEST_TMPDIR/env")" -eq 1 ]
	has_env "$pid" FOO=bar
	has_env "$pid" 'SP=a b'
	has_env "$pid" 'NL=x
y'
	has_env "$pid" EMPTY=
	has_env "$pid" EQ=a=b
	has_env "$pid" "HP_STATE_DIR=$HP_STATE_DIR"
	# The enhanced PATH: ours first, then what package managers add.
	grep -q "^PATH=$PATH" "$BATS_TEST_TMPDIR/env"
}

# big_env CMD...: CMD with 40000 variables more, V0=value0 ... (made by
# node: bash takes minutes to export that many).
big_env() {
	node -e '
const { spawnSync } = require("child_process");
const env = { ...process.env, V1: "outer" };
for (let i = 0; i < 40000; i++) if (i !== 1) env["V" + i] = "value" + i;
const [cmd, ...args] = process.argv.slice(1);
const r = spawnSync(cmd, args, { env, stdio: "inherit" });
process.exit(r.status === null ? 99 : r.status);
' "$@"
}

@test "40000 variables: inherited, de-duplicated, restarted (linear)" {
	hp-supervise -b
	run --separate-stderr big_env hp-spawn -n big -e V1=inner -e V2=x \
	    -e V1=last -- sleep 1000
	[ "$status" -eq 0 ]
	pid=${output#big }
	environ_of "$pid" >"$BATS_TEST_TMPDIR/env"
	[ "$(grep -c '^V[0-9]*=' "$BATS_TEST_TMPDIR/env")" -eq 40000 ]
	[ "$(grep '^V1=' "$BATS_TEST_TMPDIR/env")" = V1=last ]
	[ "$(grep '^V2=' "$BATS_TEST_TMPDIR/env")" = V2=x ]
	grep -qx V39999=value39999 "$BATS_TEST_TMPDIR/env"
	[ "$(grep -c '^env = ' "$HP_STATE_DIR/procs/big/spec")" -ge 40000 ]
	run --separate-stderr hp-supervise restart big
	[ "$status" -eq 0 ]
	pid=$(cut -d" " -f1 "$HP_STATE_DIR/procs/big/pid")
	environ_of "$pid" >"$BATS_TEST_TMPDIR/env"
	[ "$(grep -c '^V[0-9]*=' "$BATS_TEST_TMPDIR/env")" -eq 40000 ]
	[ "$(grep '^V1=' "$BATS_TEST_TMPDIR/env")" = V1=last ]
}

@test "hp-spawn -E starts from an empty environment" {
	local pid
	run env FOO=outer KEEP=1 hp-spawn -n e -E -e FOO=bar \
	    -e "HP_STATE_DIR=$HP_STATE_DIR" -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#e }
	printf 'FOO=bar\0HP_STATE_DIR=%s\0' "$HP_STATE_DIR" |
	    cmp - "/proc/$pid/environ"
	# Without PATH, the command is looked for in the default path.
	run hp-spawn -w -E -- true
	[ "$status" -eq 0 ]
}

@test "env-allow: only the variables it names are inherited" {
	local pid
	cd "$BATS_TEST_TMPDIR"
	run env SECRET_TOKEN=x LC_ALL=C LC_TIME=C HPX=1 hp-spawn -n e \
	    -o "env-allow=PATH LC_* HPX HP_STATE_DIR" -e ADDED=1 -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#e }
	environ_of "$pid" | sed 's/=.*//' | sort | tr '\n' ' ' >names
	[ "$(cat names)" = "ADDED HPX HP_STATE_DIR LC_ALL LC_TIME PATH " ]
	grep -qx 'env-allow = PATH "LC_\*" HPX HP_STATE_DIR' \
	    "$HP_STATE_DIR/procs/e/spec"
	run --separate-stderr hp-spawn -o "env-allow=A-B" -- true
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-spawn: env-allow: not a variable name: A-B" ]
}

@test "env-allow in hp.conf: the supervisor's secrets stay with it" {
	cd "$BATS_TEST_TMPDIR"
	printf '[service e]\nexec = sleep 100\nenv-allow = PATH HP_*\nenv = ADDED=1\n' >c.conf
	SECRET_TOKEN=x hp-supervise -b -f c.conf
	wait_until 10 test -s "$HP_STATE_DIR/procs/e/pid"
	pid=$(cut -d' ' -f1 "$HP_STATE_DIR/procs/e/pid")
	# (HP_TEST_* of make memcheck are HP_* too)
	environ_of "$pid" | sed 's/=.*//' | grep -v '^HP_TEST_' | sort |
	    tr '\n' ' ' >names
	[ "$(cat names)" = "ADDED HP_STATE_DIR PATH " ]
}

@test "hp-spawn: ELECTRON_RUN_AS_NODE of the caller is not passed on" {
	local pid
	run env ELECTRON_RUN_AS_NODE=1 ELECTRON_NO_ATTACH_CONSOLE=1 \
	    ELECTRON_OTHER=1 hp-spawn -n e -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#e }
	environ_of "$pid" >"$BATS_TEST_TMPDIR/env"
	refute_grep -q '^ELECTRON_RUN_AS_NODE' "$BATS_TEST_TMPDIR/env"
	refute_grep -q '^ELECTRON_NO_ATTACH_CONSOLE' "$BATS_TEST_TMPDIR/env"
	has_env "$pid" ELECTRON_OTHER=1
	refute_grep -q 'ELECTRON_RUN_AS_NODE' "$HP_STATE_DIR/procs/e/spec"
	# Given with -e, it is wanted.
	run hp-spawn -n e2 -e ELECTRON_RUN_AS_NODE=1 -- sleep 100
	has_env "${output#e2 }" ELECTRON_RUN_AS_NODE=1
}

@test "hp-spawn: arguments reach the child unchanged" {
	local t=$BATS_TEST_TMPDIR
	local -a args=('a b' "it's" '"q"' 'line1
line2' '$(touch '"$t"'/pwned)' '`touch '"$t"'/pwned`' '*' '~' '$HOME'
	    $'\xff\xfe invalid' '' '\' '\\n' $'tab\there' $'cr\r' '#c' 'x=y'
	    ' lead' 'trail ' '--' '-n' "'" '"' '%s %n' "$(printf 'x%.0s' $(seq 5000))")
	cd "$t"
	run --separate-stderr hp-spawn -w -t system -n args -- \
	    sh -c 'printf "%s\0" "$@" >"$0"' "$t/got" "${args[@]}"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	printf '%s\0' "${args[@]}" >"$t/want"
	cmp "$t/want" "$t/got"
	[ ! -e "$t/pwned" ]
}

@test "hp-spawn -w passes on the exit status" {
	run --separate-stderr hp-spawn -w -- true
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run hp-spawn -w -n seven -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run hp-spawn -w -n nine -- sh -c 'kill -9 $$'
	[ "$status" -eq $((128 + 9)) ]
	run hp-spawn -w -n term -- sh -c 'kill -TERM $$'
	[ "$status" -eq $((128 + 15)) ]
	# -w without -r: a service that ends is not restarted.
	[ "$(hp-ls --json seven | json 'j[0].state + " " + j[0].exit_code')" = "exited 7" ]
	[ "$(hp-ls --json nine | json 'j[0].state + " " + j[0].exit_signal')" = "exited KILL" ]
	[ "$(hp-ls --json nine | json 'j[0].restarts')" = 0 ]
}

@test "hp-spawn -w copies stdout and stderr apart" {
	local t=$BATS_TEST_TMPDIR
	local rc=0
	hp-spawn -w -- sh -c 'echo out1; echo err1 >&2; echo "out 2"; echo err2 >&2; exit 5' \
	    >"$t/out" 2>"$t/err" || rc=$?
	[ "$rc" -eq 5 ]
	printf 'out1\nout 2\n' | cmp - "$t/out"
	printf 'err1\nerr2\n' | cmp - "$t/err"
	# A last line without a newline stays without one.
	hp-spawn -w -- printf 'a\nb' >"$t/out" 2>"$t/err"
	printf 'a\nb' | cmp - "$t/out"
	[ ! -s "$t/err" ]
}

@test "hp-spawn --json -w prints the result: status, signal, output" {
	run --separate-stderr hp-spawn --json -w -- true
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"name":"true","state":"exited","exit_code":0,"exit_signal":null,"stdout":"","stderr":"","truncated":false}' ]
	# Both streams apart, bad UTF-8 replaced, the exit status passed on.
	run --separate-stderr hp-spawn --json -w -t system -n two -- sh -c \
	    'echo out; printf "\377x\n" >&2; echo "a b"; exit 3'
	[ "$status" -eq 3 ]
	[ "$stderr" = "" ]
	[ "$(echo "$output" | json '[j.state, j.exit_code, JSON.stringify(j.stdout), j.stderr.charCodeAt(0).toString(16), JSON.stringify(j.stderr.slice(1))].join(" ")')" = 'exited 3 "out\na b\n" fffd "x\n"' ]
	run hp-spawn --json -w -n nine -- sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	[ "$(echo "$output" | json '[j.exit_code, j.exit_signal].join(" ")')" = " KILL" ]
	# Output is kept up to 1 MiB a stream, and the cut is said.
	run hp-spawn --json -w -n big -- sh -c \
	    'yes "$(printf "%0999d" 7)" | head -n 1100; echo e >&2'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json '[j.stdout.length, JSON.stringify(j.stderr), j.truncated].join(" ")')" = '1048576 "e\n" true' ]
}

@test "hp-spawn -w copies every line, while its log is rotated under it" {
	local t=$BATS_TEST_TMPDIR
	# 2.2 MB of output, 2.3 MB of log: rotated twice at 1 MiB.
	hp-spawn -w -n big -- sh -c 'yes "$(printf "%0999d" 7)" | head -n 2200' \
	    >"$t/out"
	yes "$(printf "%0999d" 7)" | head -n 2200 | cmp - "$t/out"
	[ -e "$HP_STATE_DIR/procs/big/log.2" ]
}

@test "hp-spawn -w copies every line of a log rotated every 16 KiB" {
	local t=$BATS_TEST_TMPDIR
	# About 70 rotations while -w reads: a file is renamed while -w
	# looks for it, and is known by its identity, not by its name.
	hp-spawn -w -n big -o log-size=16k -o log-count=99 \
	    -- sh -c 'yes "$(printf "%0999d" 7)" | head -n 1100' >"$t/out"
	yes "$(printf "%0999d" 7)" | head -n 1100 | cmp - "$t/out"
	[ -e "$HP_STATE_DIR/procs/big/log.60" ]
}

@test "hp-spawn -w -t system runs a command once" {
	run --separate-stderr hp-spawn -w -t system -n once -- sh -c 'echo hi; echo oops >&2; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = hi ]
	[ "$stderr" = oops ]
	run hp-ls --json once
	[ "$(echo "$output" | json '[j[0].type, j[0].state, j[0].exit_code, j[0].restarts, j[0].pid].join(" ")')" = "system exited 3 0 " ]
	[ "$(count_events process:started once)" -eq 1 ]
}

@test "hp-spawn -w returns when the supervisor gives up on the process" {
	local restarts
	run --separate-stderr hp-spawn -w -r on-failure -n f --backoff-min 10ms \
	    -- sh -c 'echo x; exit 3'
	[ "$status" -eq 3 ]
	[ "$stderr" = "" ]
	[ "$(state_of f)" = failed ]
	grep -q '"event":"process:failed","name":"f"' "$HP_STATE_DIR/events.log"
	# The output of every run.
	restarts=$(hp-ls --json f | json 'j[0].restarts')
	[ "$restarts" -gt 0 ]
	[ "${#lines[@]}" -eq $((restarts + 1)) ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u)" = x ]
	# hp-supervise shutdown hangs on a failed process: stop it first.
	hp-supervise stop f >/dev/null
}

@test "hp-spawn -w: a signal to hp-spawn stops the process" {
	local t=$BATS_TEST_TMPDIR p rc=0
	hp-spawn -w -n w -- sh -c 'echo started; exec sleep 100' >"$t/out" 3>&- &
	p=$!
	wait_until 5 grep -q started "$t/out"
	kill -TERM "$p"
	wait "$p" || rc=$?
	[ "$rc" -eq $((128 + 15)) ]
	[ "$(state_of w)" = stopped ]
}

@test "hp-spawn: a service that crashes is restarted" {
	local pid1 pid2
	run hp-spawn -n svc --backoff-min 10ms -- sleep 100
	[ "$status" -eq 0 ]
	pid1=${output#svc }
	kill -KILL "$pid1"
	wait_until 5 pid_changed svc "$pid1"
	wait_until 5 state_is svc running
	pid2=$(pid_of svc)
	kill -0 "$pid2"
	[ "$(tr '\0' ' ' <"/proc/$pid2/cmdline")" = "sleep 100 " ]
	[ "$(hp-ls --json svc | json 'j[0].restarts')" = 1 ]
	grep -q "\"event\":\"process:crashed\",\"name\":\"svc\",\"type\":\"service\",\"pid\":$pid1}" \
	    "$HP_STATE_DIR/events.log"
	grep -q '"event":"process:restarting","name":"svc","type":"service","attempt":1,' \
	    "$HP_STATE_DIR/events.log"
	# Again: the count grows.
	kill -KILL "$pid2"
	wait_until 5 pid_changed svc "$pid2"
	[ "$(hp-ls --json svc | json 'j[0].restarts')" = 2 ]
}

@test "hp-spawn: restarts back off from --backoff-min up to --backoff-max" {
	# It fails three times, then stays up.
	run hp-spawn -n b -C "$BATS_TEST_TMPDIR" --backoff-min 20ms \
	    --backoff-max 40ms -- sh -c 'n=$(cat count 2>/dev/null || echo 0)
		echo $((n + 1)) >count
		[ "$n" -ge 3 ] && exec sleep 100
		exit 1'
	[ "$status" -eq 0 ]
	wait_until 5 at_least_events process:restarting b 3
	wait_until 5 state_is b running
	[ "$(count_events process:restarting b)" -eq 3 ]
	grep '"event":"process:restarting","name":"b"' "$HP_STATE_DIR/events.log" |
	    node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
	s.trim().split("\n").map(JSON.parse).forEach((e, i) => {
		const base = Math.min(20 * 2 ** i, 40);
		if (e.attempt !== i + 1 || e.delay_ms < base / 2 ||
		    e.delay_ms > base) {
			console.error("bad backoff:", JSON.stringify(e));
			process.exit(1);
		}
	});
});'
	[ "$(hp-ls --json b | json 'j[0].restarts')" = 3 ]
}

@test "hp-spawn: -r no and -r always" {
	run hp-spawn -n no -r no -- sh -c 'exit 1'
	[ "$status" -eq 0 ]
	wait_until 5 state_is no exited
	[ "$(hp-ls --json no | json 'j[0].restarts')" = 0 ]
	[ "$(count_events process:restarting no)" -eq 0 ]
	# Success is no reason to stop either: two clean exits, then it stays.
	run hp-spawn -n always -r always --backoff-min 10ms \
	    -C "$BATS_TEST_TMPDIR" -- sh -c 'n=$(cat count 2>/dev/null || echo 0)
		echo $((n + 1)) >count
		[ "$n" -ge 2 ] && exec sleep 100
		exit 0'
	[ "$status" -eq 0 ]
	wait_until 5 at_least_events process:restarting always 2
	wait_until 5 state_is always running
	[ "$(hp-ls --json always | json 'j[0].restarts')" = 2 ]
	# The default for a service: on-failure; a clean exit is the end.
	run hp-spawn -n clean -- true
	wait_until 5 state_is clean exited
	[ "$(count_events process:restarting clean)" -eq 0 ]
}

@test "hp-spawn: an unsafe state directory is refused (mode)" {
	local mode
	for mode in 777 750 705; do
		rm -rf "$HP_STATE_DIR"
		mkdir -m "$mode" "$HP_STATE_DIR"
		run --separate-stderr hp-spawn -- sleep 100
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		[ "$stderr" = "hp-spawn: $HP_STATE_DIR: open to group or others (mode 0$mode)" ]
		run --separate-stderr hp-spawn --json -- sleep 100
		[ "$status" -eq 1 ]
		[ "$output" = "{\"error\":{\"code\":\"state-dir\",\"message\":\"$HP_STATE_DIR: open to group or others (mode 0$mode)\"}}" ]
		[ -z "$(ls -A "$HP_STATE_DIR")" ]
	done
	# procs/ inside is vetted too.
	rm -rf "$HP_STATE_DIR"
	mkdir -m 700 "$HP_STATE_DIR"
	mkdir -m 777 "$HP_STATE_DIR/procs"
	run --separate-stderr hp-spawn -- sleep 100
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-spawn: $HP_STATE_DIR/procs: open to group or others (mode 0777)" ]
}

@test "hp-spawn: an unsafe state directory is refused (symbolic link)" {
	mkdir -m 700 "$BATS_TEST_TMPDIR/real"
	ln -s real "$HP_STATE_DIR"
	run --separate-stderr hp-spawn -- sleep 100
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-spawn: $HP_STATE_DIR: is a symbolic link" ]
	run --separate-stderr hp-spawn --json -- sleep 100
	[ "$(echo "$output" | json 'j.error.code')" = state-dir ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/real")" ]
	# Not a directory at all.
	rm "$HP_STATE_DIR"
	: >"$HP_STATE_DIR"
	run --separate-stderr hp-spawn -- sleep 100
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-spawn: $HP_STATE_DIR: not a directory" ]
}

@test "hp-spawn: a symbolic link is refused with a trailing slash too" {
	mkdir -m 700 "$BATS_TEST_TMPDIR/real"
	ln -s real "$HP_STATE_DIR"
	run --separate-stderr hp-spawn -S "$HP_STATE_DIR/" -w -- true
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr == "hp-spawn: $HP_STATE_DIR"*": is a symbolic link" ]]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/real")" ]
}

@test "hp-spawn: an unsafe state directory is refused (another owner)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to give a directory away"
	mkdir -m 700 "$HP_STATE_DIR"
	chown nobody "$HP_STATE_DIR"
	run --separate-stderr hp-spawn -- sleep 100
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-spawn: $HP_STATE_DIR: owned by uid $(id -u nobody), not us" ]
	run --separate-stderr hp-spawn --json -- sleep 100
	[ "$(echo "$output" | json 'j.error.code')" = state-dir ]
	[ -z "$(ls -A "$HP_STATE_DIR")" ]
}

@test "hp-spawn: -S and a missing state directory, created 0700" {
	local dir=$BATS_TEST_TMPDIR/other
	run hp-spawn -S "$dir" -w -- true
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$dir")" = 700 ]
	[ "$(stat -c %a "$dir/procs")" = 700 ]
	[ "$(stat -c %a "$dir/events")" = 700 ]
	[ "$(HP_STATE_DIR=$dir state_of true)" = exited ]
	[ ! -e "$HP_STATE_DIR" ]
	hp-supervise -S "$dir" shutdown
}

@test "hp-spawn: a stale lock, control FIFO and subscriber FIFO are no obstacle" {
	mkdir -m 700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs" "$HP_STATE_DIR/events"
	# The lock names a pid, but nobody holds it; nobody reads the FIFOs.
	echo 99999999 >"$HP_STATE_DIR/lock"
	mkfifo -m 600 "$HP_STATE_DIR/control" "$HP_STATE_DIR/events/99999999.1"
	run --separate-stderr hp-spawn -n web -- sleep 100
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(state_of web)" = running ]
	[ "$(supervisor_pid)" -gt 0 ]
	# The supervisor cleared the subscriber FIFO whose maker is dead.
	[ ! -e "$HP_STATE_DIR/events/99999999.1" ]
}

@test "hp-spawn: a directory where STATE/control goes: a clear error, nothing left" {
	mkdir -m 700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs" "$HP_STATE_DIR/events"
	mkdir -m 700 "$HP_STATE_DIR/control"
	run --separate-stderr hp-spawn -n web -- sleep 100
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-spawn: $HP_STATE_DIR/control: not a FIFO of ours" ]
	run --separate-stderr hp-spawn --json -n web -- sleep 100
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = state-dir ]
	# Not the spec that was to be handed over, with our environment.
	[ -z "$(ls -A "$HP_STATE_DIR/procs")" ]
	# No supervisor came, and status says why none can.
	run --separate-stderr hp-supervise status
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: $HP_STATE_DIR/control: not a FIFO of ours" ]
	[ -z "$(leftovers "$HP_STATE_DIR")" ]
}

@test "hp-spawn: the implicit supervisor is the hp-supervise beside it, as ps shows" {
	local bin=$BATS_TEST_TMPDIR/bin fake=$BATS_TEST_TMPDIR/fake pid
	mkdir -p "$bin" "$fake"
	cp "$HPBIN/hp-spawn" "$HPBIN/hp-supervise" "$HPBIN/hp-ls" "$bin/"
	# One on PATH, ahead of ours, is never the one started.
	printf '#!/bin/sh\ntouch "%s/ran"\nexit 1\n' "$fake" >"$fake/hp-supervise"
	chmod 755 "$fake/hp-supervise"
	PATH="$fake:$PATH" run --separate-stderr "$bin/hp-spawn" -n web -- sleep 100
	[ "$status" -eq 0 ]
	[ ! -e "$fake/ran" ]
	pid=$(supervisor_pid)
	[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$bin/hp-supervise")" ]
	[ "$(cat "/proc/$pid/comm")" = hp-supervise ]
	[ "$(ps -o args= -p "$pid")" = \
	    "$bin/hp-supervise --implicit --ready-fd 3 -S $HP_STATE_DIR" ]
}

@test "hp-spawn: stdout and stderr close promptly, the supervisor keeps neither" {
	local t=$BATS_TEST_TMPDIR p
	(hp-spawn -n s -- sleep 100 2>&1 | cat >"$t/out"; echo done >"$t/done") 3>&- &
	p=$!
	wait_until 5 test -e "$t/done"
	wait "$p"
	[[ $(cat "$t/out") =~ ^s\ [0-9]+$ ]]
	[ "$(state_of s)" = running ]
	# The supervisor's descriptors 0-2: /dev/null and its log.
	[ "$(readlink "/proc/$(supervisor_pid)/fd/0")" = /dev/null ]
	[ "$(readlink "/proc/$(supervisor_pid)/fd/1")" = /dev/null ]
	[ "$(readlink "/proc/$(supervisor_pid)/fd/2")" = \
	    "$(readlink -f "$HP_STATE_DIR/supervise.log")" ]
}

@test "hp-spawn --ready-fd: starting until the process writes its line" {
	cd "$BATS_TEST_TMPDIR"
	mkfifo go
	exec 8<>go
	run hp-spawn -n rd --ready-fd 3 -- sh -c 'read x <go; echo up >&3; exec sleep 100'
	[ "$status" -eq 0 ]
	[ "$(state_of rd)" = starting ]
	echo now >&8
	exec 8>&-
	wait_until 5 state_is rd running
	grep -q '"event":"process:ready","name":"rd"' "$HP_STATE_DIR/events.log"
}

@test "hp-spawn --wait-ready returns once ready, or fails clearly" {
	run hp-spawn -n w1 --ready-fd 3 --wait-ready 5s -- sh -c 'echo up >&3; exec sleep 100'
	[ "$status" -eq 0 ]
	[ "$(state_of w1)" = running ]
	run hp-spawn -n w2 --ready-fd 3 --wait-ready 5s -r no -- sh -c 'exec 3>&-; exec sleep 100'
	[ "$status" -eq 1 ]
	[ "$output" = "hp-spawn: w2: ended before it was ready" ]
	run hp-spawn -n w3 --ready-fd 4 --wait-ready 200ms -- sleep 100
	[ "$status" -eq 1 ]
	[ "$output" = "hp-spawn: w3: not ready after 200 ms" ]
	[ "$(state_of w3)" = starting ]
	run hp-spawn -n w4 --wait-ready 5s -- sleep 100
	[ "$status" -eq 0 ]
	run hp-spawn -n w5 --ready-fd 2 -- true
	[ "$status" -eq 2 ]
}

@test "hp-spawn: the child's PATH is the enhanced one, ours first" {
	mkdir -p "$BATS_TEST_TMPDIR/home/.local/bin" "$BATS_TEST_TMPDIR/home/bin"
	printf '#!/bin/sh\necho found me\n' >"$BATS_TEST_TMPDIR/home/.local/bin/hp-fake-tool"
	chmod +x "$BATS_TEST_TMPDIR/home/.local/bin/hp-fake-tool"
	run env HOME="$BATS_TEST_TMPDIR/home" hp-spawn -w -- sh -c 'echo "$PATH"; hp-fake-tool'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "$PATH":* ]]
	[[ "${lines[0]}" == *":$BATS_TEST_TMPDIR/home/.local/bin:"* ]]
	[[ "${lines[0]}" == *":$BATS_TEST_TMPDIR/home/bin"* ]]
	[ "${lines[1]}" = "found me" ]
	# -E: no PATH of ours, none made up.
	run hp-spawn -E -w -- /usr/bin/env
	[ "$status" -eq 0 ]
	[[ "$output" != *PATH=* ]]
}

@test "-S '': a usage error in every command, not the default directory" {
	export HP_STATE_DIR="$BATS_TEST_TMPDIR/default"
	for cmd in "hp-spawn -- true" "hp-supervise status" "hp-ls x" \
	    "hp-health proc:x" "hp-pty send x y"; do
		run --separate-stderr ${cmd%% *} -S '' ${cmd#* }
		[ "$status" -eq 2 ]
		[ "${stderr%%$'\n'*}" = "${cmd%% *}: -S: an empty path" ]
	done
	run --separate-stderr hp-spawn --json -S '' -- true
	[ "$(echo "$output" | json j.error.code)" = usage ]
	[ ! -e "$HP_STATE_DIR" ]
}

@test "a command and environment past the spec's 1 MiB: usage, exit 2, nothing left" {
	local a
	a=$(head -c 100000 /dev/zero | tr '\0' a)
	# shellcheck disable=SC2086
	run --separate-stderr hp-spawn --json -n big -- echo $a $a $a $a $a \
	    $a $a $a $a $a $a $a $a $a $a
	[ "$status" -eq 2 ]
	[ "$(echo "$output" | json j.error.code)" = usage ]
	[ "$stderr" = "hp-spawn: big: the command and its environment are \
too large: a spec of $(echo "$output" | json 'j.error.message.match(/of (\d+)/)[1]') bytes, at most 1048576" ]
	[ ! -e "$HP_STATE_DIR/procs/big" ]
	[ -z "$(ls -A "$HP_STATE_DIR/procs" 2>/dev/null)" ]
}
