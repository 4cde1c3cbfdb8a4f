#!/usr/bin/env bats
# hp: see LICENSE.
# hp-ls.bats: the table, its JSON, CPU and memory of process trees, the
# event stream, logs, and state directories that are missing, empty,
# stale or unsafe.

load helpers

bats_require_minimum_version 1.5.0

# The second line of a usage error: where help is.
USAGE="try 'hp-ls --help'"
# The first, for options or operands that do not go together.
CLASH="options or operands that do not go together"

HEADER="NAME             TYPE     STATE         PID   UPTIME RESTARTS CIRCUIT      EXIT    CPU      MEM"

KEYS="name,type,state,pid,started,uptime_ms,restarts,manual_restarts,circuit,\
supervised,exit_code,exit_signal,health,cpu_percent,rss_bytes,tree_pids,\
cpu_avg_percent,cpu_seconds,pss_bytes,threads,fds,sampled"

TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'

# A line of the table, as hp-ls lays it out.
row() {
	printf '%-16s %-8s %-9s %7s %8s %8s %-9s %7s %6s %8s\n' "$@"
}

# usage_error MESSAGE ARG...: hp-ls ARG... is a usage error: exit 2,
# MESSAGE (CLASH if empty) and where help is on stderr, nothing created;
# with --json, the error object on stdout.
usage_error() {
	local msg=${1:-$CLASH} want
	shift
	want="hp-ls: $msg
$USAGE"
	run --separate-stderr hp-ls "$@"
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "$want" ]
	run --separate-stderr hp-ls --json "$@"
	[ "$status" -eq 2 ]
	[ "$stderr" = "$want" ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = usage ]
	[ ! -e "$HP_STATE_DIR" ]
}

# stat_field PID N: field N of /proc/PID/stat, counted after the
# command name: 1 state, 2 ppid, 20 start time.
stat_field() {
	local s n=$2
	s=$(cat "/proc/$1/stat")
	set -- ${s##*) }
	echo "${!n}"
}

pid_of() {
	hp-ls --json "$1" | json 'String(j[0].pid)'
}

no_supervisor() {
	! hp-supervise status >/dev/null 2>&1
}

# A state directory with NAME in it, as a supervisor would leave it.
fake() {
	(umask 077 && mkdir -p "$HP_STATE_DIR/procs/$1" "$HP_STATE_DIR/events")
	printf 'type = service\nexec = sleep 100\nrestart = on-failure\n' \
	    >"$HP_STATE_DIR/procs/$1/spec"
}

# busy NAME: a process tree under NAME whose child burns CPU.
tree_ready() {
	[ "$(hp-ls --json "$1" | json 'j[0].tree_pids.length')" -ge 2 ]
}

cpu_used() {
	[ "$(hp-ls --json "$1" | json 'j[0].cpu_percent > 0')" = true ]
}

@test "hp-ls -h prints the usage and its options on stdout and exits 0" {
	run --separate-stderr hp-ls -h
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(printf '%s\n' "$output" | sed -n 1,5p)" = "usage: hp-ls [-a] [--json [--history]] [-S dir] [name ...]
       hp-ls --prometheus [-S dir] [name ...]
       hp-ls --top [-S dir] [name|glob ...]
       hp-ls -w [-S dir]
       hp-ls -l [-f] [-n lines] [--since dur] [--json] [-S dir] [name|glob ...]" ]
	[ "${lines[5]}" = "options:" ]
	[[ "${lines[6]}" == "  -a, --all  "* ]]
	local help=$output
	run --separate-stderr hp-ls --help
	[ "$status" -eq 0 ]
	[ "$output" = "$help" ]
	[ ! -e "$HP_STATE_DIR" ]
}

@test "hp-ls -V prints the version" {
	run --separate-stderr hp-ls -V
	[ "$status" -eq 0 ]
	[ "$output" = "hp-ls 0.1.0" ]
	[ "$stderr" = "" ]
	run hp-ls --version
	[ "$output" = "hp-ls 0.1.0" ]
}

@test "hp-ls: bad options and arguments are usage errors" {
	usage_error "unknown option -x" -x
	usage_error "unknown option --nope" --nope
	usage_error "option -n needs an argument" -l -n
	usage_error "bad line count: x" -l -n x web
	usage_error "bad line count: -1" -l -n -1 web
	usage_error "bad line count: " -l --lines= web
	usage_error "invalid name: a b" "a b"
	usage_error "invalid name: -x" -- -x
	usage_error "invalid name: a b" -l "a b"
	# Options that do not go together, or a missing name.
	usage_error "" -f
	usage_error "" -n 3
	usage_error "" -w web
	usage_error "" -w -a
	usage_error "" -w -l web
	usage_error "" -l -a web
	usage_error "invalid name: a*b c" -l "a*b c"
	usage_error "invalid name: w*" w*
	usage_error "bad duration: x" -l --since x
	usage_error "bad duration: 0" -l --since 0
	# --history is JSON's; --prometheus and --top are on their own.
	run --separate-stderr hp-ls --history
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-ls: $CLASH
$USAGE" ]
	usage_error "" --history -l web
	usage_error "" --since 1m
	usage_error "" --prometheus -a
	usage_error "" --prometheus --top
	usage_error "" --top -l
	usage_error "" --top -w
	for o in --prometheus --top; do
		run --separate-stderr hp-ls --json "$o"
		[ "$status" -eq 2 ]
		[ "$(echo "$output" | json 'j.error.code')" = usage ]
	done
	usage_error "unknown option -t" -t
}

@test "hp-ls: a missing state directory lists nothing" {
	run --separate-stderr hp-ls
	[ "$status" -eq 0 ]
	[ "$output" = "$HEADER" ]
	[ "$stderr" = "" ]
	run --separate-stderr hp-ls --json
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	[ "$stderr" = "" ]
	run --separate-stderr hp-ls -a
	[ "$output" = "$HEADER" ]
	[ ! -e "$HP_STATE_DIR" ]
	# A name is not found, a log neither.
	run --separate-stderr hp-ls web
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-ls: web: no such process" ]
	run --separate-stderr hp-ls -l web
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-ls: web: no such process" ]
	[ ! -e "$HP_STATE_DIR" ]
}

@test "hp-ls: an empty state directory lists nothing and stays empty" {
	mkdir -m 700 "$HP_STATE_DIR"
	run --separate-stderr hp-ls
	[ "$status" -eq 0 ]
	[ "$output" = "$HEADER" ]
	[ "$stderr" = "" ]
	run --separate-stderr hp-ls --json
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	run --separate-stderr hp-ls --json web
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":{"code":"not-found","message":"web: no such process"}}' ]
	[ -z "$(ls -A "$HP_STATE_DIR")" ]
	# procs/ and events/ with nothing in them.
	mkdir -m 700 "$HP_STATE_DIR/procs" "$HP_STATE_DIR/events"
	run --separate-stderr hp-ls
	[ "$status" -eq 0 ]
	[ "$output" = "$HEADER" ]
}

@test "hp-ls: the header and the columns" {
	local pid rc=0
	run hp-spawn -n web -- sleep 100
	pid=${output#web }
	hp-spawn -w -t system -n once -- sh -c 'exit 3' || rc=$?
	[ "$rc" -eq 3 ]
	rc=0
	hp-spawn -w -n killed -- sh -c 'kill -KILL $$' || rc=$?
	[ "$rc" -eq 137 ]
	run --separate-stderr hp-ls
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "$HEADER" ]
	[ "${lines[1]}" = "$(row killed service exited - - 0 closed SIGKILL - -)" ]
	[ "${lines[2]}" = "$(row once system exited - - 0 closed 3 - -)" ]
	[[ ${lines[3]} =~ ^web\ +service\ +running\ +$pid\ +[0-9]+s\ +0\ closed\ +-\ +[0-9]+\.[0-9]%\ +[0-9]+\.[0-9][KMG]$ ]]
	# The columns line up under the header.
	[ "${#lines[3]}" -eq "${#HEADER}" ]
	[ "${lines[3]:0:17}" = "web              " ]
}

@test "hp-ls NAME...: the named processes, in that order" {
	run hp-spawn -n web -- sleep 100
	run hp-spawn -n api -- sleep 100
	run --separate-stderr hp-ls web api
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]%% *}" = web ]
	[ "${lines[2]%% *}" = api ]
	run --separate-stderr hp-ls --json api
	[ "$(echo "$output" | json 'j.map(p => p.name).join(" ")')" = api ]
}

@test "hp-ls: a named process that does not exist: exit 1 and a message" {
	run hp-spawn -n web -- sleep 100
	run --separate-stderr hp-ls nope
	[ "$status" -eq 1 ]
	[ "$output" = "$HEADER" ]
	[ "$stderr" = "hp-ls: nope: no such process" ]
	# The others are still listed.
	run --separate-stderr hp-ls nope web other
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]%% *}" = web ]
	[ "$stderr" = "hp-ls: nope: no such process
hp-ls: other: no such process" ]
	run --separate-stderr hp-ls --json nope
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":{"code":"not-found","message":"nope: no such process"}}' ]
	[ "$stderr" = "hp-ls: nope: no such process" ]
}

@test "hp-ls --json: valid JSON and nothing else on stdout" {
	local pid rc=0
	run hp-spawn -n web -- sleep 100
	pid=${output#web }
	hp-spawn -w -t system -n once -- sh -c 'echo hi; exit 3' >/dev/null || rc=$?
	[ "$rc" -eq 3 ]
	hp-ls --json >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 1 ]
	json 'j.length' <"$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/n"
	[ "$(cat "$BATS_TEST_TMPDIR/n")" = 2 ]
	run json 'j.map(p => Object.keys(p).join(",")).join(" ")' <"$BATS_TEST_TMPDIR/out"
	[ "$output" = "$KEYS $KEYS" ]
	run json 'JSON.stringify([j[0].name, j[0].type, j[0].state, j[0].pid, j[0].uptime_ms, j[0].restarts, j[0].exit_code, j[0].exit_signal, j[0].health, j[0].cpu_percent, j[0].rss_bytes, j[0].tree_pids])' \
	    <"$BATS_TEST_TMPDIR/out"
	[ "$output" = '["once","system","exited",null,0,0,3,null,"unknown",0,0,[]]' ]
	run json '[j[1].name, j[1].state, j[1].pid, j[1].tree_pids.join(","), j[1].health].join(" ")' \
	    <"$BATS_TEST_TMPDIR/out"
	[ "$output" = "web running $pid $pid unknown" ]
	json '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(j[1].started) && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(j[0].started) && j[1].rss_bytes > 0 && Number.isInteger(j[1].uptime_ms) && typeof j[1].cpu_percent === "number" || process.exit(1)' \
	    <"$BATS_TEST_TMPDIR/out"
}

@test "hp-ls --json out of memory at any point: one error object, exit 1" {
	local n out=0 fine=0
	hp-spawn -n a -- sleep 100 >/dev/null
	hp-spawn -n b -- sleep 100 >/dev/null
	# HP_FAIL_ALLOC=N: the Nth allocation fails, as when memory runs out.
	for n in $(seq 1 160); do
		HP_FAIL_ALLOC=$n run --separate-stderr hp-ls --json
		if [ "$status" -eq 0 ]; then
			[ "$(echo "$output" | json 'j.length')" = 2 ]
			fine=$((fine + 1))
			continue
		fi
		echo "$n: $status: $output / $stderr"
		[ "$status" -eq 1 ]
		[ "$output" = '{"error":{"code":"system","message":"out of memory"}}' ]
		[ "$stderr" = "hp-ls: out of memory" ]
		out=$((out + 1))
	done
	[ "$out" -gt 0 ]
	[ "$fine" -gt 0 ]
}

@test "hp-ls: CPU and memory are summed over the process tree" {
	local pid child
	run hp-spawn -n busy -- sh -c 'sh -c "while :; do :; done" & wait'
	[ "$status" -eq 0 ]
	pid=${output#busy }
	wait_until 5 tree_ready busy
	run hp-ls --json busy
	[ "$(echo "$output" | json 'j[0].tree_pids[0]')" = "$pid" ]
	child=$(echo "$output" | json 'j[0].tree_pids[1]')
	[ "$(stat_field "$child" 2)" = "$pid" ]
	[ "$(echo "$output" | json 'j[0].tree_pids.length')" -eq 2 ]
	# Both resident: the sum is more than the leader alone.
	echo "$output" | json "j[0].rss_bytes > $(($(awk '{print $2}' "/proc/$pid/statm") * $(getconf PAGESIZE))) || process.exit(1)"
	wait_until 5 cpu_used busy
	run hp-ls busy
	[[ ${lines[1]} =~ ^busy\ +service\ +running\ +$pid\ .*\ [0-9]+\.[0-9]%\ +[0-9]+\.[0-9][KMG]$ ]]
	[[ ! ${lines[1]} =~ \ 0\.0%\  ]]
}

@test "hp-ls -a lists the descendants" {
	local pid child
	run hp-spawn -n tree -- sh -c 'sleep 100 & wait'
	pid=${output#tree }
	wait_until 5 tree_ready tree
	child=$(hp-ls --json tree | json 'j[0].tree_pids[1]')
	run --separate-stderr hp-ls -a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "$HEADER" ]
	[[ ${lines[1]} =~ ^tree\ +service\ +running\ +$pid\  ]]
	[[ ${lines[2]} =~ ^\ \ \`-\ sleep\ +child\ +running\ +$child\ .*[0-9]\.[0-9][KMG]$ ]]
	# Without -a, one line a process.
	run hp-ls
	[ "${#lines[@]}" -eq 2 ]
	run hp-ls -a tree
	[ "${#lines[@]}" -eq 3 ]
}

@test "hp-ls -w prints the events as JSON lines" {
	local t=$BATS_TEST_TMPDIR w pid rc=0
	hp-ls -w >"$t/ev" 2>"$t/err" 3>&- &
	w=$!
	track "$w"
	wait_until 5 test -p "$HP_STATE_DIR/events/$w.1"
	[ "$(stat -c %a "$HP_STATE_DIR")" = 700 ]
	run hp-spawn -n a -- sleep 100
	pid=${output#a }
	hp-spawn -w -n b -- sh -c 'exit 2' || rc=$?
	[ "$rc" -eq 2 ]
	wait_until 5 grep -q '"event":"process:crashed","name":"b"' "$t/ev"
	node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
const ev = lines.map(l => JSON.parse(l));
const ts = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
ev.forEach((e, i) => {
	if (!Number.isInteger(e.seq) || !ts.test(e.ts) || typeof e.event !== "string")
		throw new Error("bad event: " + lines[i]);
	if (i > 0 && e.seq <= ev[i - 1].seq)
		throw new Error("seq not increasing: " + lines[i]);
	if ("ok" in e)
		throw new Error("a reply to someone else: " + lines[i]);
});
const names = ev.map(e => e.event + (e.name ? " " + e.name : "")).join(",");
const want = "supervisor:started,process:started a,process:ready a," +
    "process:started b,process:ready b,process:exited b,process:crashed b";
if (names !== want)
	throw new Error("events: " + names);
const a = ev[1];
if (a.pid !== Number(process.argv[2]) || a.type !== "service")
	throw new Error("process:started: " + lines[1]);
if (ev[5].code !== 2 || ev[5].state !== "exited")
	throw new Error("process:exited: " + lines[5]);
' "$t/ev" "$pid"
	rc=0
	kill -TERM "$w"
	wait "$w" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$t/err" ]
	# Its FIFO goes with it.
	[ ! -e "$HP_STATE_DIR/events/$w.1" ]
}

@test "hp-ls -w outlives the supervisor and hears the next one" {
	local t=$BATS_TEST_TMPDIR w
	hp-ls -w >"$t/ev" 2>"$t/err" 3>&- &
	w=$!
	track "$w"
	wait_until 5 test -p "$HP_STATE_DIR/events/$w.1"
	run hp-spawn -n a -- sleep 100
	hp-supervise shutdown
	wait_until 5 grep -q '"event":"supervisor:shutdown"' "$t/ev"
	run hp-spawn -n b -- sleep 100
	wait_until 5 grep -q '"event":"process:started","name":"b"' "$t/ev"
	kill -0 "$w"
	[ "$(grep -c '"event":"supervisor:started"' "$t/ev")" -eq 2 ]
}

@test "hp-ls -l prints the log, out and err told apart" {
	local rc=0
	hp-spawn -w -n t -- sh -c 'echo hello; echo "two  spaces"; echo oops >&2; echo "é \"q\" \\"' \
	    >/dev/null 2>&1
	run --separate-stderr hp-ls -l t
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 4 ]
	for l in "${lines[@]}"; do
		[[ $l =~ ^$TS\ (out|err)\ .*$ ]]
	done
	[ "$(printf '%s\n' "${lines[@]}" | grep ' out ' | cut -c26-)" = 'out hello
out two  spaces
out é "q" \' ]
	[ "$(printf '%s\n' "${lines[@]}" | grep ' err ' | cut -c26-)" = "err oops" ]
	# What hp-ls prints is the log itself.
	[ "$output" = "$(cat "$HP_STATE_DIR/procs/t/log")" ]
}

@test "hp-ls -l -n N prints the last N lines" {
	hp-spawn -w -n t -- sh -c 'for i in 1 2 3 4 5; do echo "line $i"; done' >/dev/null
	run --separate-stderr hp-ls -l -n 2 t
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]#* out }" = "line 4" ]
	[ "${lines[1]#* out }" = "line 5" ]
	run hp-ls -l -n 0 t
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run hp-ls -l --lines=100 t
	[ "${#lines[@]}" -eq 5 ]
	run hp-ls -l t
	[ "${#lines[@]}" -eq 5 ]
	[ "${lines[0]#* out }" = "line 1" ]
}

@test "hp-ls -l reads every rotated log that log-count keeps, oldest first" {
	local k dir=$HP_STATE_DIR/procs/t files=""
	hp-spawn -w -n t -o log-count=40 -- echo now >/dev/null
	# As rotation leaves them: log.1 the newest, log.25 the oldest.
	for k in $(seq 1 25); do
		printf '2026-01-01T00:00:%02d.000Z out line %d\n' $((60 - k)) \
		    $((26 - k)) >"$dir/log.$k"
		files="$dir/log.$k $files"
	done
	run --separate-stderr hp-ls -l t
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 26 ]
	[ "${lines[0]#* out }" = "line 1" ]
	[ "${lines[24]#* out }" = "line 25" ]
	[ "${lines[25]#* out }" = now ]
	# shellcheck disable=SC2086
	[ "$output" = "$(cat $files "$dir/log")" ]
}

@test "hp-ls -l: a last line without a newline is shown" {
	hp-spawn -w -n t -- printf 'one\ntwo' >/dev/null
	run hp-ls -l t
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]#* out }" = two ]
	run hp-ls -l -n 1 --json t
	[ "$(echo "$output" | json 'j.text')" = two ]
}

@test "hp-ls -l --json prints one object a line" {
	hp-spawn -w -n t -- sh -c 'echo hello; echo "tab	\"q\"" >&2' >/dev/null 2>&1
	run --separate-stderr hp-ls -l --json t
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	printf '%s\n' "${lines[@]}" | sort >"$BATS_TEST_TMPDIR/j"
	run node -e '
require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")
    .map(l => JSON.parse(l)).forEach(o => {
	if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(o.ts))
		throw new Error("ts: " + o.ts);
	console.log(o.stream + "|" + o.text);
});' "$BATS_TEST_TMPDIR/j"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort)" = 'err|tab	"q"
out|hello' ]
	# The same lines as the text log, in the same order.
	run hp-ls -l --json t
	[ "$(echo "${lines[0]}" | json 'j.ts + " " + j.stream + " " + j.text')" = \
	    "$(hp-ls -l t | head -n 1)" ]
}

@test "hp-ls -l -f follows the log" {
	local t=$BATS_TEST_TMPDIR f rc=0
	mkfifo "$t/in"
	run hp-spawn -n f -- sh -c 'echo first; read line <"$0"; echo "$line"; echo bye >&2; exec sleep 100' "$t/in"
	[ "$status" -eq 0 ]
	wait_until 5 grep -q ' out first$' "$HP_STATE_DIR/procs/f/log"
	hp-ls -l -f f >"$t/out" 2>"$t/err" 3>&- &
	f=$!
	track "$f"
	wait_until 5 grep -q ' out first$' "$t/out"
	timeout 5 sh -c 'echo second >"$0"' "$t/in"
	wait_until 5 grep -q ' out second$' "$t/out"
	wait_until 5 grep -q ' err bye$' "$t/out"
	kill -TERM "$f"
	wait "$f" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$t/err" ]
	[ "$(wc -l <"$t/out")" -eq 3 ]
	cmp "$t/out" "$HP_STATE_DIR/procs/f/log"
}

@test "hp-ls -l -f follows a log rotated every 16 KiB: every line once" {
	local t=$BATS_TEST_TMPDIR f rc=0
	mkfifo "$t/in"
	# About 70 rotations, many between two looks, some while it looks.
	run hp-spawn -n f -o log-size=16k -o log-count=99 -- sh -c 'echo first; read line <"$0"; yes "$(printf "%0999d" 7)" | head -n 1100; echo end; exec sleep 100' "$t/in"
	[ "$status" -eq 0 ]
	wait_until 5 grep -q ' out first$' "$HP_STATE_DIR/procs/f/log"
	hp-ls -l -f f >"$t/out" 2>"$t/err" 3>&- &
	f=$!
	track "$f"
	wait_until 5 grep -q ' out first$' "$t/out"
	timeout 5 sh -c 'echo go >"$0"' "$t/in"
	wait_until 30 grep -q ' out end$' "$t/out"
	kill -TERM "$f"
	wait "$f" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$t/err" ]
	[ -e "$HP_STATE_DIR/procs/f/log.60" ]
	# The files, oldest first, each to its end: a line cut by a rotation
	# is two records, as in the files.
	local k=99 log=$HP_STATE_DIR/procs/f/log
	while [ "$k" -gt 0 ]; do
		[ ! -e "$log.$k" ] || sed -e '$a\' "$log.$k"
		k=$((k - 1))
	done >"$t/files"
	cat "$log" >>"$t/files"
	cmp "$t/files" "$t/out"
	# And what the program wrote, every byte once, in order.
	{ echo first; yes "$(printf "%0999d" 7)" | head -n 1100; echo end; } |
	    tr -d '\n' >"$t/wrote"
	cut -c30- "$t/out" | tr -d '\n' | cmp "$t/wrote" -
}

@test "hp-ls -l -f -n 1 --json: the last line, then new ones" {
	local t=$BATS_TEST_TMPDIR f rc=0
	mkfifo "$t/in"
	run hp-spawn -n f -- sh -c 'echo old; echo first; read line <"$0"; echo "$line"; exec sleep 100' "$t/in"
	wait_until 5 grep -q ' out first$' "$HP_STATE_DIR/procs/f/log"
	hp-ls -l -f -n 1 --json f >"$t/out" 2>"$t/err" 3>&- &
	f=$!
	track "$f"
	wait_until 5 grep -q '"text":"first"' "$t/out"
	timeout 5 sh -c 'echo second >"$0"' "$t/in"
	wait_until 5 grep -q '"text":"second"' "$t/out"
	kill -TERM "$f"
	wait "$f" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(node -e '
console.log(require("fs").readFileSync(process.argv[1], "utf8").trim()
    .split("\n").map(l => { const o = JSON.parse(l); return o.stream + " " + o.text; })
    .join(","));' "$t/out")" = "out first,out second" ]
}

@test "hp-ls -l reads the rotated files first" {
	local d=$HP_STATE_DIR/procs/x
	fake x
	printf '2026-11-27T03:20:00.001Z out one\n' >"$d/log.2"
	printf '2026-11-27T03:20:00.002Z err two\n2026-11-27T03:20:00.003Z out three\n' >"$d/log.1"
	printf '2026-11-27T03:20:00.004Z out four\n' >"$d/log"
	run --separate-stderr hp-ls -l x
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(cat "$d/log.2" "$d/log.1" "$d/log")" ]
	run hp-ls -l -n 3 --json x
	[ "$output" = '{"ts":"2026-11-27T03:20:00.002Z","name":"x","stream":"err","text":"two"}
{"ts":"2026-11-27T03:20:00.003Z","name":"x","stream":"out","text":"three"}
{"ts":"2026-11-27T03:20:00.004Z","name":"x","stream":"out","text":"four"}' ]
}

# logs: three processes' logs, as the supervisor would write them.
logs() {
	local d=$HP_STATE_DIR/procs
	fake api
	fake web
	fake worker
	printf '2026-11-27T03:20:00.001Z out api one\n2026-11-27T03:20:00.004Z out api two\n' >"$d/api/log.1"
	printf '2026-11-27T03:20:00.006Z err api three\n' >"$d/api/log"
	printf '2026-11-27T03:20:00.002Z out web one\n2026-11-27T03:20:00.005Z out web two\n' >"$d/web/log"
	printf '2026-11-27T03:20:00.003Z out worker one\n' >"$d/worker/log"
}

@test "hp-ls -l with no name: every log as one, in time, each line after its name" {
	logs
	run --separate-stderr hp-ls -l
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "api    2026-11-27T03:20:00.001Z out api one
web    2026-11-27T03:20:00.002Z out web one
worker 2026-11-27T03:20:00.003Z out worker one
api    2026-11-27T03:20:00.004Z out api two
web    2026-11-27T03:20:00.005Z out web two
api    2026-11-27T03:20:00.006Z err api three" ]
	# -n: the last lines of them all; --json: a line each, named.
	run hp-ls -l -n 2 --json
	[ "$output" = '{"ts":"2026-11-27T03:20:00.005Z","name":"web","stream":"out","text":"web two"}
{"ts":"2026-11-27T03:20:00.006Z","name":"api","stream":"err","text":"api three"}' ]
	# Not on a terminal: no colour, even without NO_COLOR.
	run hp-ls -l -n 1
	[ "$output" = "api    2026-11-27T03:20:00.006Z err api three" ]
}

@test "hp-ls -l NAME GLOB...: those only; --since: what is newer" {
	logs
	run hp-ls -l 'w*'
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "web    2026-11-27T03:20:00.002Z out web one" ]
	[ "${lines[1]}" = "worker 2026-11-27T03:20:00.003Z out worker one" ]
	run hp-ls -l api worker
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[1]}" = "worker 2026-11-27T03:20:00.003Z out worker one" ]
	# A glob that matches nothing is no error; a name that is not there is.
	run --separate-stderr hp-ls -l 'x*'
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run --separate-stderr hp-ls -l api nope
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-ls: nope: no such process" ]
	[ "${#lines[@]}" -eq 3 ]
	# --since: lines of the last hour only; these are long past.
	printf '%s out api now\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" \
	    >>"$HP_STATE_DIR/procs/api/log"
	run hp-ls -l --since 1h
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} =~ ^api\ +$TS\ out\ api\ now$ ]]
}

@test "hp-ls -l -f with no name follows every log, new processes' too" {
	local t=$BATS_TEST_TMPDIR f rc=0
	mkfifo "$t/go"
	hp-spawn -n a -- sh -c 'echo first; read x <"$0"; echo later; exec sleep 1000' "$t/go" >/dev/null
	wait_until 5 grep -q ' out first$' "$HP_STATE_DIR/procs/a/log"
	hp-ls -l -f >"$t/out" 2>"$t/err" 3>&- &
	f=$!
	track "$f"
	wait_until 5 grep -q '^a .* out first$' "$t/out"
	hp-spawn -n b -- sh -c 'echo "b is here"; exec sleep 1000' >/dev/null
	wait_until 10 grep -q '^b .* out b is here$' "$t/out"
	timeout 5 sh -c 'echo >"$0"' "$t/go"
	wait_until 5 grep -q '^a .* out later$' "$t/out"
	kill -TERM "$f"
	wait "$f" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$t/err" ]
	[ "$(wc -l <"$t/out")" -eq 3 ]
}

@test "hp-ls -l: a process that does not exist, and one with no output" {
	run --separate-stderr hp-ls -l nope
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-ls: nope: no such process" ]
	run --separate-stderr hp-ls -l --json nope
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":{"code":"not-found","message":"nope: no such process"}}' ]
	run hp-spawn -n quiet -- sleep 100
	run --separate-stderr hp-ls -l quiet
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "hp-ls: a stale pid file with a free lock is not running" {
	fake x
	# A pid that is long gone, and a state that says running.
	printf '99999999 12345\n' >"$HP_STATE_DIR/procs/x/pid"
	printf 'name = x\ntype = service\nstate = running\npid = 99999999\nrestarts = 2\nexit-code = -1\nexit-signal = 0\n' \
	    >"$HP_STATE_DIR/procs/x/status"
	echo 99999999 >"$HP_STATE_DIR/lock"
	run --separate-stderr hp-ls
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[1]}" = "$(row x service exited - - 2 closed - - -)" ]
	run hp-ls --json x
	[ "$(echo "$output" | json '[j[0].state, j[0].pid, j[0].tree_pids.length].join(" ")')" = "exited  0" ]
	# Without a status file.
	rm "$HP_STATE_DIR/procs/x/status"
	run hp-ls
	[ "${lines[1]}" = "$(row x service stopped - - 0 closed - - -)" ]
}

@test "hp-ls: without its keeper, a live pid runs unsupervised if it is ours" {
	local pid
	sleep 100 3>&- &
	pid=$!
	track "$pid"
	fake x
	printf 'name = x\ntype = service\nstate = running\nrestarts = 0\n' \
	    >"$HP_STATE_DIR/procs/x/status"
	# Our pid but another start time: a reused pid.
	printf '%s 1\n' "$pid" >"$HP_STATE_DIR/procs/x/pid"
	run hp-ls --json x
	[ "$(echo "$output" | json '[j[0].state, j[0].pid, j[0].supervised].join(" ")')" = "exited  false" ]
	# The right start time, and nobody holds the lock: it runs, and
	# nothing keeps it.
	printf '%s %s\n' "$pid" "$(stat_field "$pid" 20)" >"$HP_STATE_DIR/procs/x/pid"
	run hp-ls --json x
	[ "$(echo "$output" | json '[j[0].state, j[0].pid, j[0].supervised].join(" ")')" = "running $pid false" ]
	run hp-ls
	[[ ${lines[1]} =~ ^x\ +service\ +running\*\ +$pid\  ]]
	# Another boot: not ours, whatever the pid and start time say.
	printf 'name = x\ntype = service\nstate = running\nboot = 0-0-0\n' \
	    >"$HP_STATE_DIR/procs/x/status"
	run hp-ls --json x
	[ "$(echo "$output" | json '[j[0].state, j[0].pid].join(" ")')" = "exited " ]
}

@test "hp-ls: after the supervisor is killed, running services show as running, unsupervised" {
	local pid sup
	run hp-spawn -n web -- sleep 100
	pid=${output#web }
	run hp-spawn -n gone -r no -- sleep 100
	gone=${output#gone }
	run hp-ls --json web
	[ "$(echo "$output" | json '[j[0].state, j[0].pid, j[0].supervised].join(" ")')" = "running $pid true" ]
	sup=$(supervisor_pid)
	kill -KILL "$sup"
	wait_until 5 no_supervisor
	kill -KILL "$gone"
	run hp-ls --json web gone
	[ "$(echo "$output" | json 'j.map(p => [p.name, p.state, p.pid, p.supervised].join(" ")).join(",")')" = "web running $pid false,gone exited  false" ]
	[ "$(echo "$output" | json 'j[0].tree_pids.join(" ")')" = "$pid" ]
	run hp-ls
	[[ ${lines[2]} =~ ^web\ +service\ +running\*\ +$pid\ +[0-9]+s\  ]]
	[[ ${lines[1]} =~ ^gone\ +service\ +exited\ +-\  ]]
	# It runs on, and nothing restarts or stops it: end it.
	kill -TERM "$pid"
}

@test "hp-ls: what the supervisor keeps and what only the files know, in the order of their names" {
	run hp-spawn -n b -- sleep 100
	[ "$status" -eq 0 ]
	run hp-spawn -n f -i 2 -- sleep 100
	[ "$status" -eq 0 ]
	fake a
	fake c
	# A name that is a link is no process of ours: not listed.
	ln -s "$HP_STATE_DIR/procs/a" "$HP_STATE_DIR/procs/e"
	run --separate-stderr hp-ls
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(printf '%s\n' "${lines[@]}" | awk 'NR > 1 { printf "%s %s,", $1, $3 }')" = "a stopped,b running,c stopped,f:1 running,f:2 running," ]
	run hp-ls --json
	[ "$(echo "$output" | json 'j.map(p => [p.name, p.state].join(" ")).join(",")')" = "a stopped,b running,c stopped,f:1 running,f:2 running" ]
}

@test "hp-ls: an unsafe state directory is refused" {
	local mode
	for mode in 777 770; do
		rm -rf "$HP_STATE_DIR"
		mkdir -m "$mode" "$HP_STATE_DIR"
		run --separate-stderr hp-ls
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		[ "$stderr" = "hp-ls: $HP_STATE_DIR: open to group or others (mode 0$mode)" ]
		run --separate-stderr hp-ls --json
		[ "$status" -eq 1 ]
		[ "$output" = "{\"error\":{\"code\":\"state-dir\",\"message\":\"$HP_STATE_DIR: open to group or others (mode 0$mode)\"}}" ]
		run --separate-stderr hp-ls -l web
		[ "$status" -eq 1 ]
		run --separate-stderr hp-ls -w
		[ "$status" -eq 1 ]
		[ "$stderr" = "hp-ls: $HP_STATE_DIR: open to group or others (mode 0$mode)" ]
		[ -z "$(ls -A "$HP_STATE_DIR")" ]
	done
	rm -rf "$HP_STATE_DIR"
	mkdir -m 700 "$HP_STATE_DIR"
	mkdir -m 755 "$HP_STATE_DIR/procs"
	run --separate-stderr hp-ls
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-ls: $HP_STATE_DIR/procs: open to group or others (mode 0755)" ]
}

@test "hp-ls: a state directory that is a symbolic link is refused" {
	mkdir -m 700 "$BATS_TEST_TMPDIR/real"
	ln -s real "$HP_STATE_DIR"
	run --separate-stderr hp-ls
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-ls: $HP_STATE_DIR: is a symbolic link" ]
	run --separate-stderr hp-ls --json
	[ "$(echo "$output" | json 'j.error.code')" = state-dir ]
	run --separate-stderr hp-ls -w
	[ "$status" -eq 1 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/real")" ]
}

@test "hp-ls: a state directory of another owner is refused" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to give a directory away"
	mkdir -m 700 "$HP_STATE_DIR"
	chown nobody "$HP_STATE_DIR"
	run --separate-stderr hp-ls
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-ls: $HP_STATE_DIR: owned by uid $(id -u nobody), not us" ]
	run --separate-stderr hp-ls --json
	[ "$(echo "$output" | json 'j.error.code')" = state-dir ]
}

@test "hp-ls -S chooses the state directory" {
	local dir=$BATS_TEST_TMPDIR/other
	run hp-spawn -S "$dir" -w -n there -- true
	[ "$status" -eq 0 ]
	run hp-ls -S "$dir"
	[ "${lines[1]%% *}" = there ]
	run hp-ls --state-dir="$dir" --json there
	[ "$(echo "$output" | json 'j[0].state')" = exited ]
	run hp-ls
	[ "$output" = "$HEADER" ]
	hp-supervise -S "$dir" shutdown
}
