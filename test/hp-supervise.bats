#!/usr/bin/env bats
# hp: see LICENSE.
# hp-supervise.bats: the supervisor and its verbs, each test on a state
# directory of its own, synchronised by polling, never by sleeping.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	# Spawned processes start here: their marker files are relative.
	cd "$BATS_TEST_TMPDIR" || return 1
	USAGE="try 'hp-supervise --help'"
}

@test "-h prints the usage, the options and the verbs on stdout, exit 0" {
	run --separate-stderr hp-supervise -h
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "usage: hp-supervise [-b] [--json] [--implicit] [-S dir] [-f file] [--parent pid] [--parent-grace dur] [--exit-with-stdin] [--max-procs n] [--max-memory size] [--max-load load] [--queue-timeout dur] [--allow file] [--ready-fd n] [--events what] [--audit file] [--profile name]" ]
	[ "${lines[3]}" = "       hp-supervise [--json] [-S dir] [-t timeout] scale name n" ]
	[[ "$output" == *$'\noptions:\n  -b, --background  '* ]]
	[[ "$output" == *$'\nverbs:\n  start name ...  '* ]]
	local help=$output
	run --separate-stderr hp-supervise --help
	[ "$status" -eq 0 ]
	[ "$output" = "$help" ]
}

@test "-V prints the version" {
	run --separate-stderr hp-supervise -V
	[ "$status" -eq 0 ]
	[ "$output" = "hp-supervise 0.1.0" ]
	[ "$stderr" = "" ]
	run --separate-stderr hp-supervise --version
	[ "$output" = "hp-supervise 0.1.0" ]
}

# usage_error MESSAGE ARG...: exit 2, the message and where help is on
# stderr, nothing on stdout; with --json the error object; no side effect.
usage_error() {
	local msg=$1
	shift
	run --separate-stderr hp-supervise "$@"
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-supervise: $msg"$'\n'"$USAGE" ]
	run --separate-stderr hp-supervise --json "$@"
	[ "$status" -eq 2 ]
	[ "$output" = "{\"error\":{\"code\":\"usage\",\"message\":\"$msg\"}}" ]
	[ "$stderr" = "hp-supervise: $msg"$'\n'"$USAGE" ]
	[ ! -e "$HP_STATE_DIR" ]
}

@test "usage errors exit 2 with where help is on stderr" {
	usage_error "unknown option -x" -x
	usage_error "unknown option --bogus" --bogus
	usage_error "unknown verb: frob" frob web
	usage_error "stop wants a name" stop
	usage_error "start wants a name" start
	usage_error "signal wants a signal and a name" signal USR1
	usage_error "unknown signal: FOO" signal FOO web
	usage_error "unknown signal: 0" signal 0 web
	usage_error "invalid name: bad/name" stop bad/name
	usage_error "invalid name: -web" restart web -web
	usage_error "invalid name: .hidden" remove .hidden
	usage_error "status takes no operand" status web
	usage_error "shutdown takes no operand" shutdown now
	usage_error "bad timeout: soon" -t soon stop web
}

@test "a foreground supervisor with --json prints every event on stdout" {
	fg
	spawn -n web -- sleep 1000
	run hp-supervise stop web
	[ "$status" -eq 0 ]
	kill -TERM "$FG"
	wait "$FG"
	run events "$BATS_TEST_TMPDIR/fg.out"
	[ "$status" -eq 0 ]
	[ "$output" = "supervisor:started
process:started
process:ready
process:stopped
supervisor:shutdown" ]
	[ "$(head -n 1 fg.out | json j.pid)" = "$FG" ]
	[ "$(sed -n 2p fg.out | json j.pid)" = "$PID" ]
	[ "$(sed -n 2p fg.out | json j.name)" = web ]
	# The same lines went to events.log.
	cmp fg.out "$HP_STATE_DIR/events.log"
	[ ! -s fg.err ]
}

@test "-b returns once the supervisor is ready" {
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run --separate-stderr hp-supervise status
	[ "$status" -eq 0 ]
	pid=$(supervisor_pid)
	[ "$output" = "running $pid $HPVER" ]
	# Not an implicit one: it stays with nothing to keep.
	spawn -n one -r no -- true
	wait_until 5 st_is one state exited
	run hp-supervise shutdown
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run hp-supervise status
	[ "$status" -eq 1 ]
	[ "$output" = "not running" ]
	wait_until 5 gone "$pid"
}

@test "a second supervisor exits 1: already supervised" {
	fg
	want="$HP_STATE_DIR: already supervised by PID $FG"
	run --separate-stderr hp-supervise
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-supervise: $want" ]
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-supervise: $want" ]
	run --separate-stderr hp-supervise --json -b
	[ "$status" -eq 1 ]
	[ "$output" = "{\"error\":{\"code\":\"exists\",\"message\":\"$want\"}}" ]
	[ "$stderr" = "hp-supervise: $want" ]
	run hp-supervise status
	[ "$output" = "running $FG $HPVER" ]
	# The first one is untouched and still works.
	spawn -n web -- sleep 1000
	[ "$(st web supervisor)" = "$FG" ]
}

@test "status: running PID, or not running" {
	run --separate-stderr hp-supervise status
	[ "$status" -eq 1 ]
	[ "$output" = "not running" ]
	[ "$stderr" = "" ]
	run --separate-stderr hp-supervise --json status
	[ "$status" -eq 1 ]
	[ "$output" = '{"running":false,"pid":0,"processes":0}' ]
	# Asking creates nothing.
	[ ! -e "$HP_STATE_DIR" ]
	fg
	spawn -n web -- sleep 1000
	run --separate-stderr hp-supervise status
	[ "$status" -eq 0 ]
	[ "$output" = "running $FG $HPVER" ]
	[ "$stderr" = "" ]
	run --separate-stderr hp-supervise --json status
	[ "$status" -eq 0 ]
	[ "$output" = "{\"running\":true,\"pid\":$FG,\"processes\":1,\"version\":\"$HPVER\"}" ]
}

@test "status: a lock file nobody holds is not a supervisor" {
	mkdir -m 700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs" "$HP_STATE_DIR/events"
	sleep 1000 3>&- &
	track $!
	echo $! >"$HP_STATE_DIR/lock"
	run hp-supervise status
	[ "$status" -eq 1 ]
	[ "$output" = "not running" ]
	fg
	run hp-supervise status
	[ "$output" = "running $FG $HPVER" ]
}

@test "stop ends the process and its whole group" {
	spawn -n grp -- sh -c 'sleep 1000 & echo $! >gc1; sleep 1000 & echo $! >gc2; wait'
	leader=$PID
	wait_until 5 exists gc2
	gc1=$(cat gc1) gc2=$(cat gc2)
	[ "$(ps -o pgid= -p "$gc2" | tr -d ' ')" = "$leader" ]
	run --separate-stderr hp-supervise stop grp
	[ "$status" -eq 0 ]
	[ "$output" = "grp stopped" ]
	[ "$stderr" = "" ]
	wait_until 5 gone "$leader"
	wait_until 5 gone "$gc1"
	wait_until 5 gone "$gc2"
	[ "$(st grp state)" = stopped ]
	[ ! -e "$HP_STATE_DIR/procs/grp/pid" ]
	[ "$(evcount grp process:stopped)" -eq 1 ]
	[ "$(evfield grp process:stopped signal)" = TERM ]
	# Stopped means stopped: nothing starts it again.
	[ "$(evcount grp process:restarting)" -eq 0 ]
	[ "$(evcount grp process:started)" -eq 1 ]
}

@test "stop: SIGKILL after the stop timeout when SIGTERM is ignored" {
	spawn -n stubborn --stop-timeout 300ms -- \
	    sh -c "trap '' TERM; touch ready; exec sleep 1000"
	wait_until 5 exists ready
	run --separate-stderr hp-supervise stop stubborn
	[ "$status" -eq 0 ]
	[ "$output" = "stubborn stopped, killed: sleep ($PID)" ]
	[ "$stderr" = "" ]
	wait_until 5 gone "$PID"
	[ "$(st stubborn state)" = stopped ]
	[ "$(st stubborn exit-signal)" = 9 ]
	[ "$(evfield stubborn process:stopped signal)" = KILL ]
}

@test "stop: --stop-signal is the signal sent" {
	spawn -n intr --stop-signal INT -- sh -c \
	    'trap "echo INT >got; exit 0" INT; trap "echo TERM >got; exit 0" TERM; touch ready; sleep 1000 & echo $! >bg; wait'
	wait_until 5 exists ready
	run --separate-stderr hp-supervise stop intr
	[ "$status" -eq 0 ]
	# What sh starts in the background ignores SIGINT: it is killed, and
	# named.
	[ "$output" = "intr stopped, killed: sleep ($(cat bg))" ]
	[ "$(cat got)" = INT ]
	[ "$(st intr state)" = stopped ]
	[ "$(st intr exit-code)" = 0 ]
	wait_until 5 gone "$PID"
}

@test "stop of an unknown name exits 1: no such process" {
	spawn -n web -- sleep 1000
	run --separate-stderr hp-supervise stop nope
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-supervise: nope: no such process" ]
	run --separate-stderr hp-supervise --json stop nope
	[ "$status" -eq 1 ]
	[ "$output" = '[{"name":"nope","ok":false,"pid":0,"error":{"code":"not-found","message":"no such process"}}]' ]
	[ "$stderr" = "hp-supervise: nope: no such process" ]
	# With several names the others are still done.
	run --separate-stderr hp-supervise stop nope web
	[ "$status" -eq 1 ]
	[ "$output" = "web stopped" ]
	[ "$stderr" = "hp-supervise: nope: no such process" ]
	[ "$(st web state)" = stopped ]
}

@test "start, restart and remove" {
	spawn -n web -- sleep 1000
	first=$PID
	run hp-supervise stop web
	[ "$output" = "web stopped" ]
	run --separate-stderr hp-supervise start web
	[ "$status" -eq 0 ]
	second=$(st web pid)
	[ "$output" = "web running $second" ]
	[ "$second" != "$first" ]
	[ "$(st web state)" = running ]
	# start of what runs already changes nothing.
	run hp-supervise start web
	[ "$status" -eq 0 ]
	[ "$output" = "web running $second" ]
	run --separate-stderr hp-supervise restart web
	[ "$status" -eq 0 ]
	third=$(st web pid)
	[ "$output" = "web running $third" ]
	[ "$third" != "$second" ]
	wait_until 5 gone "$second"
	run --separate-stderr hp-supervise --json restart web
	[ "$status" -eq 0 ]
	fourth=$(st web pid)
	[ "$output" = "[{\"name\":\"web\",\"ok\":true,\"state\":\"running\",\"pid\":$fourth}]" ]
	run --separate-stderr hp-supervise remove web
	[ "$status" -eq 0 ]
	[ "$output" = "web removed" ]
	[ "$stderr" = "" ]
	[ ! -e "$HP_STATE_DIR/procs/web" ]
	wait_until 5 gone "$fourth"
	run hp-supervise start web
	[ "$status" -eq 1 ]
}

@test "signal sends the signal to the process" {
	spawn -n sig -- sh -c \
	    'trap "echo USR1 >>got" USR1; touch ready; while :; do sleep 1000 & wait; done'
	wait_until 5 exists ready
	run --separate-stderr hp-supervise signal USR1 sig
	[ "$status" -eq 0 ]
	[ "$output" = "sig ok" ]
	[ "$stderr" = "" ]
	wait_until 5 has got USR1
	run hp-supervise signal SIGUSR1 sig
	[ "$status" -eq 0 ]
	wait_until 5 eval '[ "$(grep -c USR1 got)" -eq 2 ]'
	# The process handled it and still runs, the same one.
	[ "$(st sig pid)" = "$PID" ]
	[ "$(st sig state)" = running ]
	run hp-supervise stop sig
	run --separate-stderr hp-supervise signal USR1 sig
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: sig: not running" ]
	run --separate-stderr hp-supervise signal USR1 nope
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: nope: no such process" ]
}

@test "restart on-failure: a crash is restarted" {
	spawn -n crash -r on-failure --backoff-min 10ms -- \
	    sh -c '[ -e crashed ] && exec sleep 1000; touch crashed; exit 3'
	first=$PID
	wait_until 5 running_not crash "$first"
	[ "$(st crash restarts)" = 1 ]
	[ "$(evfield crash process:exited code)" = 3 ]
	[ "$(evfield crash process:restarting attempt)" = 1 ]
	run hp-ls --json crash
	[ "$(echo "$output" | json 'j[0].restarts')" = 1 ]
	# A clean exit is not a failure: no restart.
	spawn -n clean -r on-failure --backoff-min 10ms -- true
	wait_until 5 st_is clean state exited
	[ "$(st clean exit-code)" = 0 ]
	[ "$(evcount clean process:restarting)" -eq 0 ]
	[ "$(evcount clean process:crashed)" -eq 0 ]
}

@test "restart always: a clean exit is restarted too" {
	spawn -n again -r always --backoff-min 10ms -- \
	    sh -c '[ -e ran ] && exec sleep 1000; touch ran; exit 0'
	wait_until 5 running_not again "$PID"
	[ "$(st again restarts)" = 1 ]
	[ "$(evcount again process:crashed)" -eq 0 ]
	[ "$(evcount again process:restarting)" -eq 1 ]
}

@test "restart no: a crash is not restarted" {
	spawn -n once -r no -- sh -c 'exit 3'
	wait_until 5 st_is once state exited
	[ "$(st once exit-code)" = 3 ]
	[ "$(st once restarts)" = 0 ]
	[ "$(evcount once process:crashed)" -eq 1 ]
	[ "$(evcount once process:restarting)" -eq 0 ]
	[ "$(evcount once process:started)" -eq 1 ]
	[ "$(evfield once process:exited state)" = exited ]
}

@test "circuit breaker: failed after --max-restarts, a trial later, start resets" {
	# The trial comes a second after: time enough to count on a busy
	# machine before the next one.
	spawn -n brk --backoff-min 10ms --backoff-max 10ms --max-restarts 3 \
	    --circuit-reset 2s -- sh -c 'exit 1'
	# circuit-reset is the time the counts below have to be read in.
	wait_until 5 st_is brk state failed
	[ "$(evcount brk process:failed)" -eq 1 ]
	[ "$(evcount brk process:restarting)" -eq 2 ]
	[ "$(evfield brk process:failed failures | head -n 1)" = 3 ]
	# Half-open: one trial after circuit-reset; it fails, and opens again.
	wait_until 10 evcount_ge brk process:failed 2
	[ "$(evcount brk process:started)" -eq 4 ]
	run hp-supervise stop brk
	[ "$status" -eq 0 ]
	[ "$(st brk state)" = stopped ]
	# A start on a stopped (or failed) process begins with a closed circuit.
	run hp-supervise start brk
	[ "$status" -eq 0 ]
	wait_until 5 evcount_ge brk process:failed 3
	[ "$(evcount brk process:started)" -eq 7 ]
}

@test "circuit breaker: its state is in the status and in process:circuit; a trial that stays up closes it" {
	local n="$BATS_TEST_TMPDIR/n"
	# Fails three times, then stays up.
	spawn -n trial --backoff-min 10ms --backoff-max 10ms --max-restarts 3 \
	    --circuit-reset 1s -o backoff-reset=300ms -- sh -c '
	    i=$(cat "$0" 2>/dev/null || echo 0); echo $((i + 1)) >"$0"
	    [ "$i" -ge 3 ] && exec sleep 1000; exit 1' "$n"
	wait_until 5 st_is trial state failed
	[ "$(st trial circuit)" = open ]
	run hp-ls --json trial
	[ "$(echo "$output" | json 'j[0].circuit')" = open ]
	# The trial starts half-open, stays up, and the circuit closes.
	wait_until 5 st_is trial circuit closed
	[ "$(st trial state)" = running ]
	[ "$(evfield trial process:circuit circuit | tr '\n' ' ')" = "open half-open closed " ]
	[ "$(evfield trial process:circuit failures | tail -n 1)" = 0 ]
	run hp-ls trial
	[[ ${lines[1]} =~ ^trial\ +service\ +running\ +[0-9]+\ +[0-9]+s\ +3\ +closed\  ]]
}

@test "restarts asked for are counted apart from the supervisor's own" {
	spawn -n asked -- sleep 1000
	run hp-supervise restart asked
	[ "$status" -eq 0 ]
	run hp-supervise restart asked
	[ "$status" -eq 0 ]
	[ "$(st asked manual-restarts)" = 2 ]
	[ "$(st asked restarts)" = 0 ]
	run hp-ls --json asked
	[ "$(echo "$output" | json '[j[0].restarts, j[0].manual_restarts].join(" ")')" = "0 2" ]
	run hp-ls asked
	[[ ${lines[1]} =~ ^asked\ +service\ +running\ +[0-9]+\ +[0-9]+s\ +0\+2\ +closed\  ]]
	# A crash is the supervisor's to count.
	kill -KILL "$(st asked pid)"
	wait_until 5 st_is asked restarts 1
	[ "$(st asked manual-restarts)" = 2 ]
	# A start begins both counts again.
	hp-supervise stop asked >/dev/null
	hp-supervise start asked >/dev/null
	[ "$(st asked manual-restarts)" = 0 ]
}

@test "the backoff grows and is bounded by --backoff-max" {
	spawn -n loop -r on-failure --backoff-min 20ms --backoff-max 80ms \
	    --max-restarts 0 -- sh -c 'exit 1'
	wait_until 10 evcount_ge loop process:restarting 6
	run hp-supervise stop loop
	[ "$status" -eq 0 ]
	[ "$(st loop state)" = stopped ]
	delays=($(evfield loop process:restarting delay_ms))
	attempts=$(evfield loop process:restarting attempt | head -n 6 | tr '\n' ' ')
	[ "$attempts" = "1 2 3 4 5 6 " ]
	# Jittered within [base/2, base], base doubling from 20 up to 80.
	[ "${delays[0]}" -ge 10 ]
	[ "${delays[0]}" -le 20 ]
	[ "${delays[1]}" -ge 20 ]
	[ "${delays[1]}" -le 40 ]
	for d in "${delays[@]:2}"; do
		[ "$d" -ge 40 ]
		[ "$d" -le 80 ]
	done
}

@test "a managed process killed with SIGKILL comes back" {
	spawn -n web -- sleep 1000
	kill -KILL "$PID"
	wait_until 5 running_not web "$PID"
	[ "$(st web restarts)" = 1 ]
	[ "$(evfield web process:exited signal)" = KILL ]
	[ "$(evcount web process:crashed)" -eq 1 ]
}

# After a graceful shutdown: TERM reached both, final states, the event,
# the lock free, nothing left.
shut_down_well() {
	[ "$(cat a.got)" = TERM ]
	[ "$(st a state)" = stopped ]
	[ "$(st b state)" = stopped ]
	[ "$(st a pid)" = 0 ]
	[ ! -e "$HP_STATE_DIR/procs/a/pid" ]
	[ ! -e "$HP_STATE_DIR/procs/b/pid" ]
	tail -n 1 "$HP_STATE_DIR/events.log" | grep -q '"event":"supervisor:shutdown"'
	run events "$HP_STATE_DIR/events.log"
	[ "$status" -eq 0 ]
	[ "$(evcount a process:stopped)" -eq 1 ]
	[ "$(evcount b process:stopped)" -eq 1 ]
	run hp-supervise status
	[ "$status" -eq 1 ]
	[ "$output" = "not running" ]
	wait_until 5 gone "$gc"
	wait_until 5 no_leftovers
}

two_procs() {
	spawn -n a -- sh -c 'trap "echo TERM >a.got; exit 0" TERM; touch a.ready; sleep 1000 & wait'
	spawn -n b -- sh -c 'sleep 1000 & echo $! >b.gc; wait'
	wait_until 5 exists a.ready
	wait_until 5 exists b.gc
	gc=$(cat b.gc)
}

@test "shutdown stops everything and releases the lock" {
	two_procs
	run --separate-stderr hp-supervise shutdown
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	shut_down_well
	# Again: nothing to shut down is fine.
	run hp-supervise shutdown
	[ "$status" -eq 0 ]
}

# A service that holds a shutdown open until "release" is there; TERM
# leaves "got-term": the shutdown has begun.
slow_service() {
	spawn -n slow --stop-timeout 60s -- sh -c \
	    'trap "touch got-term" TERM; touch slow.ready
	     while [ ! -e release ]; do sleep 0.01; done'
	wait_until 5 exists slow.ready
}

# spawns FROM TO: hp-spawn sFROM ... sTO at once in the background,
# each leaving its JSON in sI.out and its exit status in sI.st.
spawns() {
	local i
	for i in $(seq "$1" "$2"); do
		(st=0
		 hp-spawn --json -n "s$i" -- sleep 1000 >"s$i.out" \
		     2>"s$i.err" || st=$?
		 echo "$st" >"s$i.st") &
	done
}

some_done() {
	ls | grep -q '^s[0-9]*\.st$'
}

all_done() {
	[ "$(ls | grep -c '^s[0-9]*\.st$')" -eq "$1" ]
}

@test "while shutting down, every request is refused: shutting-down" {
	hp-supervise -b
	slow_service
	spawn -n other -- sleep 1000
	other=$PID
	hp-supervise -t 60s shutdown >shutdown.out 2>&1 &
	sd=$!
	wait_until 10 exists got-term
	wait_until 5 gone "$other"
	spawns 1 20
	wait_until 30 all_done 20
	for i in $(seq 20); do
		[ "$(cat "s$i.st")" = 1 ]
		[ "$(json 'j.error.code' <"s$i.out")" = shutting-down ]
		[ "$(cat "s$i.err")" = "hp-spawn: s$i: the supervisor is shutting down" ]
		[ ! -e "$HP_STATE_DIR/procs/s$i" ]
	done
	# No verb is taken either: other is not started again, nor slow
	# stopped twice.
	for v in "start other" "restart other" "stop slow" "signal KILL slow" \
	    "remove other"; do
		# shellcheck disable=SC2086
		run --separate-stderr hp-supervise --json $v
		[ "$status" -eq 1 ]
		[ "$(echo "$output" | json 'j[0].error.code')" = shutting-down ]
	done
	gone "$other"
	alive "$(st slow pid)"
	touch release
	wait "$sd"
	[ "$(cat shutdown.out)" = "" ]
	unsupervised
	[ "$(evcount other process:started)" -eq 1 ]
}

@test "a shutdown racing 20 spawns: each refused or stopped, nothing left" {
	hp-supervise -b
	slow_service
	spawns 1 10
	# Once some are in, the shutdown goes among the others.
	wait_until 30 some_done
	hp-supervise -t 60s shutdown >/dev/null 2>&1 &
	sd=$!
	spawns 11 20
	wait_until 10 exists got-term
	wait_until 30 all_done 20
	touch release
	wait "$sd"
	unsupervised
	refused=0 stopped=0
	for i in $(seq 20); do
		if [ "$(cat "s$i.st")" = 0 ]; then
			pid=$(json 'String(j.pid)' <"s$i.out")
			gone "$pid"
			[ "$(evcount "s$i" process:stopped)" -eq 1 ]
			stopped=$((stopped + 1))
		else
			[ "$(cat "s$i.st")" = 1 ]
			[ "$(json 'j.error.code' <"s$i.out")" = shutting-down ]
			refused=$((refused + 1))
		fi
	done
	[ $((refused + stopped)) -eq 20 ]
	echo "# refused $refused, stopped $stopped" >&3
	# Nothing started once the shutdown had begun, and no supervisor
	# came back for a late one.
	[ "$(events "$HP_STATE_DIR/events.log" | sed -n '/^supervisor:shutdown$/,$p' | wc -l)" -eq 1 ]
}

@test "SIGTERM to a foreground supervisor shuts it down gracefully" {
	fg
	two_procs
	kill -TERM "$FG"
	wait "$FG"	# exit status 0
	shut_down_well
	[ "$(tail -n 1 fg.out | json j.event)" = supervisor:shutdown ]
}

@test "SIGINT to a foreground supervisor shuts it down gracefully" {
	fg
	two_procs
	kill -INT "$FG"
	wait "$FG"	# exit status 0
	shut_down_well
}

@test "a grandchild left by an exiting process is killed with its group" {
	spawn -n parent -r no -- sh -c 'sleep 1000 & echo $! >gc; exit 0'
	wait_until 5 st_is parent state exited
	gc=$(cat gc)
	wait_until 5 gone "$gc"
	[ "$(st parent exit-code)" = 0 ]
}

@test "SIGKILL of the supervisor: the next one replaces its orphans" {
	spawn -n a -- sleep 1000
	a=$PID
	spawn -n b -- sh -c 'sleep 1000 & echo $! >b.gc; wait'
	b=$PID
	wait_until 5 exists b.gc
	gc=$(cat b.gc)
	old=$(supervisor_pid)
	kill -KILL "$old"
	wait_until 5 unsupervised
	# The orphans live on.
	alive "$a"
	alive "$b"
	alive "$gc"
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	wait_until 10 running_not a "$a"
	wait_until 10 running_not b "$b"
	wait_until 5 gone "$a"
	wait_until 5 gone "$b"
	wait_until 5 gone "$gc"
	[ "$(st a supervisor)" = "$(supervisor_pid)" ]
	[ "$(evcount a process:stopped)" -eq 1 ]
	[ "$(evcount a process:started)" -eq 2 ]
}

@test "SIGKILL of the supervisor: hp-spawn takes the orphans back too" {
	spawn -n a -- sleep 1000
	a=$PID
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	spawn -n c -- sleep 1000
	wait_until 10 running_not a "$a"
	wait_until 5 gone "$a"
}

# killed_supervisor: a and b run, and their supervisor is SIGKILLed.
killed_supervisor() {
	spawn -n a -- sleep 1000
	a=$PID
	spawn -n b -- sh -c 'trap "echo USR1 >>b.got" USR1; touch b.ready
	    while :; do sleep 1000 & wait; done'
	b=$PID
	wait_until 5 exists b.ready
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
}

@test "with no supervisor, stop, signal and remove act on the process alone" {
	killed_supervisor
	run --separate-stderr hp-supervise stop a
	[ "$status" -eq 0 ]
	[ "$output" = "a stopped" ]
	[ "$stderr" = "" ]
	gone "$a"
	# Nothing else was touched, and no supervisor was started.
	unsupervised
	alive "$b"
	[ "$(st a state)" = stopped ]
	[ ! -e "$HP_STATE_DIR/procs/a/pid" ]
	[ "$(evfield a process:stopped supervised)" = false ]
	run --separate-stderr hp-supervise signal USR1 b
	[ "$status" -eq 0 ]
	[ "$output" = "b ok" ]
	wait_until 5 has b.got USR1
	[ "$(st b pid)" = "$b" ]
	run --separate-stderr hp-supervise --json signal USR1 a
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j[0].error.code')" = not-running ]
	run --separate-stderr hp-supervise stop nope
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: nope: no such process" ]
	run --separate-stderr hp-supervise --json remove b
	[ "$status" -eq 0 ]
	[ "$output" = '[{"name":"b","ok":true,"state":"removed","pid":0,"stopped_by":"TERM"}]' ]
	gone "$b"
	[ ! -e "$HP_STATE_DIR/procs/b" ]
	unsupervised
	# A supervisor that comes later finds a stopped, and leaves it so.
	run hp-supervise -b
	[ "$status" -eq 0 ]
	[ "$(st a state)" = stopped ]
	[ "$(evcount a process:started)" -eq 1 ]
}

@test "with no supervisor, stop kills what ignores its stop signal, by name" {
	spawn -n stubborn --stop-timeout 300ms -- \
	    sh -c "trap '' TERM; touch ready; exec sleep 1000"
	wait_until 5 exists ready
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	run --separate-stderr hp-supervise --json stop stubborn
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].stopped_by + " " + j[0].resisted')" = \
	    "KILL sleep ($PID)" ]
	gone "$PID"
	unsupervised
}

@test "with no supervisor, start starts one and says what it took back" {
	killed_supervisor
	run --separate-stderr hp-supervise --json start a
	[ "$status" -eq 0 ]
	supervised
	[ "$(echo "$output" | json 'j[0].ok + " " + j[0].recovered.join(" ")')" = \
	    "true a b" ]
	wait_until 10 running_not b "$b"
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	run --separate-stderr hp-supervise restart b
	[ "$status" -eq 0 ]
	[ "$stderr" = "hp-supervise: a supervisor started for $HP_STATE_DIR; it took back: a b" ]
	# One that runs: no word of what was taken back.
	run --separate-stderr hp-supervise start a
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "a pid file naming an unrelated process is never signalled" {
	sleep 1000 3>&- &
	other=$!
	track "$other"
	dir="$HP_STATE_DIR/procs/x"
	mkdir -p -m 700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs" "$dir"
	printf 'type = service\nexec = sleep 1000\nrestart = on-failure\n' \
	    >"$dir/spec"
	printf 'name = x\ntype = service\nstate = running\npid = %s\nstart = 1\n' \
	    "$other" >"$dir/status"
	# The right pid, a wrong start time: not ours.
	echo "$other 1" >"$dir/pid"
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	wait_until 5 running_not x "$other"
	alive "$other"
	[ "$(cut -d' ' -f1 "$dir/pid")" = "$(st x pid)" ]
	[ "$(ps -o stat= -p "$other" | cut -c1)" = S ]
	[ "$(evcount x process:stopped)" -eq 0 ]
	# And stop stops ours, not it.
	run hp-supervise stop x
	[ "$status" -eq 0 ]
	alive "$other"
}

@test "garbage in the control FIFO does not disturb the supervisor" {
	fg
	spawn -n web -- sleep 1000
	head -c 1048576 /dev/urandom >"$HP_STATE_DIR/control" 3>&- &
	junk=$!
	track "$junk"
	wait_until 20 gone "$junk"
	printf '%05000d\n' 0 >"$HP_STATE_DIR/control"
	printf -- '- frobnicate web\n- stop\nnot/a/name stop web\n\n' \
	    >"$HP_STATE_DIR/control"
	# An overlong line with no end, then more junk without a newline.
	head -c 10000 /dev/zero | tr '\0' x >"$HP_STATE_DIR/control"
	printf 'xyz stop' >"$HP_STATE_DIR/control"
	run hp-supervise -t 5s status
	[ "$status" -eq 0 ]
	[ "$output" = "running $FG $HPVER" ]
	[ "$(st web pid)" = "$PID" ]
	[ "$(st web state)" = running ]
	[ "$(evcount web process:stopped)" -eq 0 ]
	# It still answers verbs, with the right process.
	run --separate-stderr hp-supervise -t 5s signal CONT web
	[ "$status" -eq 0 ]
	[ "$output" = "web ok" ]
	run --separate-stderr hp-supervise -t 5s stop web
	[ "$status" -eq 0 ]
	[ "$output" = "web stopped" ]
	kill -0 "$FG"
	# Warnings, but at most 10 a second, not one for each of the
	# thousands of junk lines.
	[ "$(grep -c 'warning: control:' fg.err)" -ge 1 ]
	[ "$(grep -c 'warning: control:' fg.err)" -le 300 ]
}

# ask LINE: LINE to the control FIFO, from client "t"; its answer.
ask() {
	[ -p "$HP_STATE_DIR/events/t" ] || mkfifo -m 600 "$HP_STATE_DIR/events/t"
	exec 5<>"$HP_STATE_DIR/events/t"
	printf '%s\n' "$1" >"$HP_STATE_DIR/control"
	read -r -t $((5 * SLOW)) answer <&5
	exec 5<&-
	echo "$answer"
}

@test "control: version 1, 2 and 3 lines are taken, another version refused" {
	fg
	spawn -n web -- sleep 1000
	[ "$(ask "t ping")" = '{"ok":true}' ]
	[ "$(ask "@2 0 t ping")" = '{"ok":true}' ]
	[ "$(ask "@2 $(( $(date +%s) * 1000 + 60000 )) t ping")" = '{"ok":true}' ]
	[ "$(ask "@3 0 t 0 1 ping")" = '{"ok":true}' ]
	[ "$(ask "@4 0 t stop web")" = \
	    '{"ok":false,"code":"version","message":"protocol version not spoken here"}' ]
	# Version 3 names its requester, UID PID, after the ID.
	[ "$(ask "@3 0 t stop web")" = \
	    '{"ok":false,"code":"usage","message":"bad command"}' ]
	[ "$(ask "@3 0 t x 1 stop web")" = \
	    '{"ok":false,"code":"usage","message":"bad command"}' ]
	[ "$(ask "@2 soon t stop web")" = \
	    '{"ok":false,"code":"usage","message":"bad command"}' ]
	[ "$(st web state)" = running ]
	[ "$(ask "@2 1000 t stop web")" = \
	    '{"ok":false,"name":"web","code":"timeout","message":"the request came after its deadline"}' ]
	[ "$(st web state)" = running ]
	grep -q 'warning: control: past its deadline: @2 1000 t stop web' fg.err
}

# answered TAG: the line of fg.out that answers "=TAG".
answered() {
	grep "^{\"answer\":\"$1\"" "$BATS_TEST_TMPDIR/fg.out"
}

@test "control: an answer to =TAG comes on the supervisor's output, in order with the events" {
	fg
	spawn -n web -- sleep 1000
	printf '=a1 stop web\n@3 0 =a.2 %s %s start web\n=a3 start nope\n=a4 ping\n' \
	    "$(id -u)" $$ >"$HP_STATE_DIR/control"
	# Each as it is done: the stop's once web has ended.
	for t in a1 a.2 a3 a4; do
		wait_until 5 answered $t
	done
	answered a1 | grep -q '"ok":true,"name":"web","state":"stopped","pid":0,'
	answered a.2 | grep -q '"ok":true,"name":"web","state":"running","pid":[1-9]'
	[ "$(answered a3)" = \
	    '{"answer":"a3","ok":false,"name":"nope","code":"not-found","message":"no such process"}' ]
	[ "$(answered a4)" = '{"answer":"a4","ok":true}' ]
	# It says so as it starts.
	head -1 "$BATS_TEST_TMPDIR/fg.out" | grep -q '"event":"supervisor:started",.*"tags":true'
	# Each after the event it follows from.
	stopped=$(grep -n '"event":"process:stopped"' "$BATS_TEST_TMPDIR/fg.out" | cut -d: -f1)
	a1=$(grep -n '"answer":"a1"' "$BATS_TEST_TMPDIR/fg.out" | cut -d: -f1)
	[ "$stopped" -lt "$a1" ]
	# Nothing of them went to events/, nor any FIFO made there.
	[ -z "$(ls "$HP_STATE_DIR/events")" ]
	# "=" with no name, or a name that is none, is a bad line.
	printf '= ping\n=a/b ping\n=-x ping\n' >"$HP_STATE_DIR/control"
	wait_until 5 eval '[ "$(grep -c "warning: control: bad line" fg.err)" -eq 3 ]'
	[ "$(grep -c '"answer"' "$BATS_TEST_TMPDIR/fg.out")" -eq 4 ]
	# What answers in many lines, or to a FIFO, is not for =TAG.
	printf '=l1 list all\n=s1 subscribe output\n' >"$HP_STATE_DIR/control"
	wait_until 5 answered s1
	for t in l1 s1; do
		[ "$(answered $t)" = "{\"answer\":\"$t\",\"ok\":false,\"code\":\"usage\",\"message\":\"answered only through a FIFO of events/\"}" ]
	done
}

@test "control: without --json, an answer to =TAG goes nowhere" {
	hp-supervise >"$BATS_TEST_TMPDIR/fg.out" 2>"$BATS_TEST_TMPDIR/fg.err" 3>&- &
	FG=$!
	track "$FG"
	wait_until 5 supervised
	spawn -n web -- sleep 1000
	printf '=a1 stop web\n' >"$HP_STATE_DIR/control"
	wait_until 5 st_is web state stopped
	[ "$(ask "t ping")" = '{"ok":true}' ]
	! grep -q answer "$BATS_TEST_TMPDIR/fg.out"
	kill -0 "$FG"
}

@test "a verb given up on while the supervisor was stopped is not carried out" {
	fg
	spawn -n web -- sleep 1000
	kill -STOP "$FG"
	run --separate-stderr hp-supervise -t 200ms stop web
	kill -CONT "$FG"
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: web: no answer in time" ]
	wait_until 5 grep -q 'past its deadline' fg.err
	[ "$(st web state)" = running ]
	[ "$(st web pid)" = "$PID" ]
	[ "$(evcount web process:stopped)" -eq 0 ]
	# One within its deadline is.
	run hp-supervise -t 5s stop web
	[ "$status" -eq 0 ]
	[ "$(st web state)" = stopped ]
}

@test "an event FIFO with no reader does not block events" {
	fg
	# One of a process that is gone, one of a live process (ourselves).
	mkfifo -m 600 "$HP_STATE_DIR/events/99999.1" "$HP_STATE_DIR/events/$$.1"
	spawn -n one -- sleep 1000
	spawn -n two -- sleep 1000
	run hp-supervise stop one two
	[ "$status" -eq 0 ]
	[ "$(evcount one process:stopped)" -eq 1 ]
	[ "$(evcount two process:stopped)" -eq 1 ]
}

@test "a subscriber that never reads does not block the supervisor" {
	fg
	mkfifo -m 600 "$HP_STATE_DIR/events/slow"
	# Opens the FIFO for reading and never reads it.
	sleep 1000 3<>"$HP_STATE_DIR/events/slow" &
	track $!
	# Far more events than a pipe holds.
	spawn -n loop -r always --backoff-min 1ms --backoff-max 1ms -- true
	wait_until 20 evcount_ge loop process:restarting 400
	run --separate-stderr hp-supervise -t 5s stop loop
	[ "$status" -eq 0 ]
	[ "$output" = "loop stopped" ]
	spawn -n web -- sleep 1000
	[ "$(st web state)" = running ]
	# What it missed is counted, and told once it has room again: empty
	# the FIFO, cause one event, and look at what comes.
	run node -e '
const fs = require("fs"), cp = require("child_process");
const fd = fs.openSync(process.argv[1],
    fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
const buf = Buffer.alloc(1 << 20);
function drain() {
	let s = "";
	for (;;) {
		let n;
		try { n = fs.readSync(fd, buf, 0, buf.length, null); }
		catch (e) { if (e.code === "EAGAIN") break; throw e; }
		if (n <= 0) break;
		s += buf.toString("utf8", 0, n);
	}
	return s;
}
drain();
/* The event is published before the answer comes. */
cp.execFileSync("hp-supervise", ["stop", "web"]);
process.stdout.write(drain());
' "$HP_STATE_DIR/events/slow"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} =~ ^\{\"event\":\"events:dropped\",\"count\":[1-9][0-9]*\}$ ]]
	[ "$(echo "${lines[1]}" | json j.event)" = process:stopped ]
	[ "$(echo "${lines[1]}" | json j.name)" = web ]
}

@test "events.log: JSON lines, seq increasing, in order for a crash" {
	spawn -n crash -r on-failure --backoff-min 10ms -- \
	    sh -c '[ -e crashed ] && exec sleep 1000; touch crashed; exit 3'
	wait_until 5 running_not crash "$PID"
	run hp-supervise stop crash
	[ "$status" -eq 0 ]
	run events "$HP_STATE_DIR/events.log" crash
	[ "$status" -eq 0 ]
	[ "$output" = "process:started
process:ready
process:exited
process:crashed
process:restarting
process:started
process:ready
process:stopped" ]
	run events "$HP_STATE_DIR/events.log"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = supervisor:started ]
	[ "$(evfield crash process:exited state)" = backoff ]
	[ "$(evfield crash process:started type | head -n 1)" = service ]
	[ "$(evfield crash process:restarting delay_ms)" -le 10 ]
}

@test "the log holds stdout and stderr lines with times" {
	spawn -n talk -r no -- sh -c 'echo hello; echo oops >&2; echo "two words"'
	wait_until 5 st_is talk state exited
	log="$HP_STATE_DIR/procs/talk/log"
	t='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
	grep -qE "^$t out hello\$" "$log"
	grep -qE "^$t err oops\$" "$log"
	grep -qE "^$t out two words\$" "$log"
	[ "$(wc -l <"$log")" -eq 3 ]
}

# refused ARG...: hp-supervise ARG... refuses the state directory.
refused() {
	local why=$1
	shift
	run --separate-stderr hp-supervise "$@"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-supervise: $HP_STATE_DIR: $why" ]
	run --separate-stderr hp-supervise --json "$@"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json j.error.code)" = state-dir ]
	[ "$(echo "$output" | json j.error.message)" = "$HP_STATE_DIR: $why" ]
}

@test "a state directory open to others is refused" {
	mkdir "$HP_STATE_DIR"
	chmod 0777 "$HP_STATE_DIR"
	refused "open to group or others (mode 0777)"
	refused "open to group or others (mode 0777)" -b
	refused "open to group or others (mode 0777)" status
	[ ! -e "$HP_STATE_DIR/lock" ]
	[ ! -e "$HP_STATE_DIR/procs" ]
}

@test "a state directory that is a symbolic link is refused" {
	mkdir -m 700 real
	ln -s "$BATS_TEST_TMPDIR/real" "$HP_STATE_DIR"
	refused "is a symbolic link"
	refused "is a symbolic link" -b
	[ -z "$(ls -A real)" ]
}

@test "a run that ends mid-line does not run into the next one's log" {
	spawn -n part -r always --backoff-min 10ms --max-restarts 0 -- \
	    sh -c 'printf run'
	wait_until 5 evcount_ge part process:started 3
	run hp-supervise stop part
	[ "$status" -eq 0 ]
	log="$HP_STATE_DIR/procs/part/log"
	t='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
	# Every line is one run's output, whole; the last may be left open.
	[ "$(grep -cvE "^$t out run\$" "$log")" -eq 0 ]
	[ "$(grep -cE "^$t out run\$" "$log")" -ge 2 ]
}

# conf FILE: write stdin to FILE in the test's directory.
conf() {
	cat >"$BATS_TEST_TMPDIR/$1"
}

@test "-f starts every section of the configuration" {
	conf hp.conf <<'CONF'
# two services and a command
[service a]
exec = sleep 1001
[service b]
exec = sh -c 'echo "$GREETING"; exec sleep 1002'
env = 'GREETING=hello world'
[system once]
exec = sh -c "echo ran"
CONF
	fg -f hp.conf
	wait_until 5 st_is a state running
	wait_until 5 st_is b state running
	wait_until 5 st_is once state exited
	[ "$(st once exit-code)" = 0 ]
	wait_until 5 grep -q ' out hello world$' "$HP_STATE_DIR/procs/b/log"
	grep -q "^config = $BATS_TEST_TMPDIR/hp.conf\$" \
	    "$HP_STATE_DIR/procs/a/spec"
}

@test "-f: a bad file is refused whole with FILE:LINE, nothing starts" {
	conf bad.conf <<'CONF'
[service a]
exec = sleep 1001
[service b]
exec = sleep 1002
restart = sometimes
CONF
	run hp-supervise -f bad.conf
	[ "$status" -eq 2 ]
	[ "$output" = "hp-supervise: $BATS_TEST_TMPDIR/bad.conf:5: unknown restart policy: sometimes" ]
	unsupervised
	[ ! -e "$HP_STATE_DIR/procs/a" ]
	for bad in '[service]' '[daemon x]' '[service a b c]' 'key = v' \
	    '[service a]' '[service a]
exec = true
[service a]
exec = true' '[service a]
exec = "open'; do
		printf '%s\n' "$bad" >bad.conf
		run --separate-stderr hp-supervise --json -f bad.conf
		[ "$status" -eq 2 ]
		[ "$(echo "$output" | json j.error.code)" = config ]
		[[ "$(echo "$output" | json j.error.message)" == */bad.conf:* ]]
	done
	unsupervised
}

@test "reload: new start, removed go, changed restart, unchanged untouched" {
	conf hp.conf <<'CONF'
[service same]
exec = sleep 1001
[service changed]
exec = sleep 1002
[service removed]
exec = sleep 1003
CONF
	fg -f hp.conf
	wait_until 5 st_is same state running
	wait_until 5 st_is changed state running
	wait_until 5 st_is removed state running
	same=$(st same pid)
	changed=$(st changed pid)
	conf hp.conf <<'CONF'
[service same]
exec = sleep 1001
[service changed]
exec = sleep 1002
env = NEW=1
[service added]
exec = sleep 1004
CONF
	run hp-supervise reload
	[ "$status" -eq 0 ]
	[ "$output" = "1 added, 1 changed, 1 removed, 1 unchanged" ]
	wait_until 5 st_is added state running
	wait_until 5 running_not changed "$changed"
	wait_until 5 test ! -e "$HP_STATE_DIR/procs/removed"
	[ "$(st same pid)" = "$same" ]
	[ "$(evcount same process:started)" -eq 1 ]
	tr '\0' '\n' <"/proc/$(st changed pid)/environ" | grep -qx NEW=1
}

@test "reload of a bad file changes nothing; SIGHUP reloads too" {
	conf hp.conf <<'CONF'
[service a]
exec = sleep 1001
CONF
	fg -f hp.conf
	wait_until 5 st_is a state running
	pid=$(st a pid)
	printf '[service a]\nexec = sleep 1001\nnonsense\n' >hp.conf
	run hp-supervise reload
	[ "$status" -eq 2 ]
	[ "$output" = "hp-supervise: reload: $BATS_TEST_TMPDIR/hp.conf:3: expected key = value" ]
	[ "$(st a pid)" = "$pid" ]
	printf '[service a]\nexec = sleep 1001\n[service b]\nexec = sleep 1002\n' \
	    >hp.conf
	kill -HUP "$FG"
	wait_until 5 st_is b state running
	[ "$(st a pid)" = "$pid" ]
}

@test "reload without a configuration file, or without a supervisor" {
	run hp-supervise reload
	[ "$status" -eq 1 ]
	[[ "$output" == *"no supervisor runs for"* ]]
	fg
	run hp-supervise reload
	[ "$status" -eq 1 ]
	[ "$output" = "hp-supervise: reload: no configuration file" ]
}

@test "--parent: when the parent dies, even by SIGKILL, everything stops" {
	sleep 1000 &
	parent=$!
	track "$parent"
	fg --parent "$parent"
	spawn -n kid -- sleep 1005
	kid=$(st kid pid)
	kill -KILL "$parent"
	wait_until 5 gone "$FG"
	wait_until 5 gone "$kid"
	[ "$(st kid state)" = stopped ]
	[ "$(evcount kid process:stopped)" -eq 1 ]
	grep -q '"event":"supervisor:shutdown"' "$HP_STATE_DIR/events.log"
}

@test "--parent of a process that is not there is refused" {
	run hp-supervise --parent 999999999
	[ "$status" -eq 1 ]
	[ "$output" = "hp-supervise: parent 999999999: not running" ]
	run hp-supervise --parent x
	[ "$status" -eq 2 ]
}

@test "--exit-with-stdin: EOF on stdin shuts everything down" {
	mkfifo in
	hp-supervise --exit-with-stdin <in >fg.out 2>fg.err &
	FG=$!
	track "$FG"
	exec 7>in
	wait_until 5 supervised
	spawn -n kid -- sleep 1006
	kid=$(st kid pid)
	exec 7>&-
	wait_until 5 gone "$FG"
	wait_until 5 gone "$kid"
	[ "$(st kid state)" = stopped ]
	run hp-supervise -b --exit-with-stdin
	[ "$status" -eq 2 ]
}

# fg_in ARG...: fg with --exit-with-stdin, its stdin a FIFO we hold
# open on descriptor 7 (closed: its end).
fg_in() {
	mkfifo in
	hp-supervise --json --exit-with-stdin "$@" <in >fg.out 2>fg.err &
	FG=$!
	track "$FG"
	exec 7>in
	wait_until 5 supervised
}

# logged EVENT: how many EVENT lines events.log has (supervisor:...).
logged() {
	grep -c "\"event\":\"$1\"" "$HP_STATE_DIR/events.log"
}

logged_ge() {
	[ "$(logged "$1")" -ge "$2" ]
}

@test "--parent-grace: the parent gone, everything runs for the grace, then stops" {
	sleep 1000 &
	parent=$!
	track "$parent"
	fg --parent "$parent" --parent-grace 2s
	spawn -n kid -- sleep 1011
	kid=$(st kid pid)
	kill -KILL "$parent"
	wait_until 5 logged_ge supervisor:orphaned 1
	grep -q "\"event\":\"supervisor:orphaned\",\"pid\":$FG,\"parent\":$parent,\"reason\":\"parent\",\"grace_ms\":2000" \
	    "$HP_STATE_DIR/events.log"
	alive "$FG"
	wait_until 10 gone "$FG"
	wait_until 5 gone "$kid"
	[ "$(st kid state)" = stopped ]
	grep -q '"event":"supervisor:shutdown",.*"reason":"orphaned"' \
	    "$HP_STATE_DIR/events.log"
	# Not before its grace: the shutdown is 2 s or more after it began.
	run node -e '
const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n")
    .filter(Boolean).map(JSON.parse);
const t = (n) => Date.parse(l.find((e) => e.event === n).ts);
const d = t("supervisor:shutdown") - t("supervisor:orphaned");
if (d < 2000) { console.log("after " + d + " ms"); process.exit(1); }' \
	    "$HP_STATE_DIR/events.log"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "parent PID: a new parent within the grace keeps everything, same PIDs; stdin no longer counts" {
	sleep 1000 &
	parent=$!
	track "$parent"
	fg_in --parent "$parent" --parent-grace 30s
	spawn -n kid -- sleep 1012
	kid=$(st kid pid)
	kill -KILL "$parent"
	wait_until 5 logged_ge supervisor:orphaned 1
	sleep 1000 &
	next=$!
	track "$next"
	run hp-supervise --json parent "$next"
	[ "$status" -eq 0 ]
	[ "$output" = "{\"ok\":true,\"pid\":$FG,\"parent\":$next,\"was\":$parent,\"processes\":1}" ]
	grep -q "\"event\":\"supervisor:adopted\",\"pid\":$FG,\"parent\":$next,\"was\":$parent" \
	    "$HP_STATE_DIR/events.log"
	alive "$FG"
	alive "$kid"
	[ "$(st kid pid)" = "$kid" ]
	[ "$(st kid state)" = running ]
	[ "$(evcount kid process:started)" -eq 1 ]
	# The pipe was the old parent's: its end starts no grace now.
	exec 7>&-
	kill -KILL "$next"
	wait_until 5 logged_ge supervisor:orphaned 2
	[ "$(grep -c '"reason":"stdin"' "$HP_STATE_DIR/events.log")" -eq 0 ]
	grep -q "\"event\":\"supervisor:orphaned\",\"pid\":$FG,\"parent\":$next," \
	    "$HP_STATE_DIR/events.log"
	alive "$kid"
	run hp-supervise -t 10s shutdown
	[ "$status" -eq 0 ]
	wait_until 5 gone "$kid"
}

@test "--exit-with-stdin and --parent-grace: EOF starts the grace, a new parent ends it" {
	fg_in --parent-grace 30s
	spawn -n kid -- sleep 1013
	kid=$(st kid pid)
	exec 7>&-
	wait_until 5 logged_ge supervisor:orphaned 1
	grep -q "\"event\":\"supervisor:orphaned\",\"pid\":$FG,\"parent\":0,\"reason\":\"stdin\",\"grace_ms\":30000" \
	    "$HP_STATE_DIR/events.log"
	sleep 1000 &
	next=$!
	track "$next"
	run hp-supervise parent "$next"
	[ "$status" -eq 0 ]
	[ "$output" = "parent $next" ]
	kill -KILL "$next"
	wait_until 5 logged_ge supervisor:orphaned 2
	alive "$kid"
	[ "$(st kid pid)" = "$kid" ]
}

@test "parent PID: a PID not running, a bad one, no supervisor, a bad grace are refused" {
	run hp-supervise parent 999999999
	[ "$status" -eq 1 ]
	[[ "$output" == *"no supervisor runs for"* ]]
	fg
	run hp-supervise parent 999999999
	[ "$status" -eq 1 ]
	[ "$output" = "hp-supervise: parent 999999999: not running" ]
	run --separate-stderr hp-supervise --json parent 999999999
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":{"code":"not-found","message":"parent 999999999: not running"}}' ]
	run hp-supervise parent "$FG"
	[ "$status" -eq 2 ]
	[ "$output" = "hp-supervise: parent: bad pid" ]
	for bad in x 1 0 -5 ''; do
		run hp-supervise parent "$bad"
		[ "$status" -eq 2 ]
	done
	run hp-supervise parent
	[ "$status" -eq 2 ]
	run hp-supervise parent 2 3
	[ "$status" -eq 2 ]
	[ "$(logged supervisor:adopted)" -eq 0 ]
	run hp-supervise --parent-grace 5s
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-supervise: --parent-grace is a grace of --parent or --exit-with-stdin" ]
	run hp-supervise --exit-with-stdin --parent-grace 0
	[ "$status" -eq 2 ]
	run hp-supervise --exit-with-stdin --parent-grace soon
	[ "$status" -eq 2 ]
	run hp-supervise --parent-grace 5s status
	[ "$status" -eq 2 ]
}

@test "stop also ends what a service left behind in another session" {
	spawn -n leaver -r no -- sh -c 'setsid sleep 1007 & echo $! > escaped; exec sleep 1008'
	wait_until 5 test -s escaped
	esc=$(cat escaped)
	alive "$esc"
	# tree.bats tries every way out, with a cgroup and without.
	run hp-supervise -t 10s stop leaver
	[ "$status" -eq 0 ]
	gone "$esc"
}

@test "a restart that cannot even start is retried, with no recursion" {
	mkdir gone-dir
	fg
	spawn -n rec -C gone-dir -r always --backoff-min 0 --max-restarts 0 \
	    -- sh -c 'exit 0'
	rmdir gone-dir
	wait_until 10 evcount_ge rec process:restarting 8
	alive "$FG"
	[ "$(st rec error)" = "chdir $BATS_TEST_TMPDIR/gone-dir: No such file or directory" ]
	run hp-supervise stop rec
	[ "$status" -eq 0 ]
}

@test "numbers past their range are refused, not wrapped" {
	for kv in "log-count = 4294967297:log-count: 1 to 100" \
	    "max-restarts = 4294967296:max-restarts: 0 to 64" \
	    "ready-fd = 4294967299:ready-fd: 3 to 255"; do
		printf '[service a]\nexec = true\n%s\n' "${kv%%:*}" >c.conf
		run --separate-stderr hp-supervise -f c.conf
		[ "$status" -eq 2 ]
		[ "$stderr" = "hp-supervise: $PWD/c.conf:3: ${kv#*:}" ]
	done
}

@test "a restart with no backoff keeps its new pid record; a stop's answer comes after every status" {
	local i names=
	spawn -n r0 --backoff-min 0 -- sleep 1000
	kill -9 "$PID"
	wait_until 5 running_not r0 "$PID"
	# Reaped and started again in one turn: the old run's record went,
	# the new one's stayed.
	[ "$(cut -d' ' -f1 "$HP_STATE_DIR/procs/r0/pid")" = "$(st r0 pid)" ]
	alive "$(st r0 pid)"
	for i in 1 2 3 4 5 6 7 8; do
		spawn -n "s$i" -- sleep 1000
		names="$names s$i"
	done
	run hp-supervise stop $names
	[ "$status" -eq 0 ]
	for i in 1 2 3 4 5 6 7 8; do
		[ "$(st "s$i" state)" = stopped ]
		[ ! -e "$HP_STATE_DIR/procs/s$i/pid" ]
	done
}

# sigmask PID FIELD: SigIgn, SigCgt or SigBlk of PID, in hex.
sigmask() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}

@test "a service starts with every signal at its default, none blocked, whatever its supervisor came with" {
	[ -r /proc/self/status ] || skip "no /proc"
	( trap '' USR2 QUIT TTOU; exec hp-supervise ) >/dev/null 2>&1 3>&- &
	sup=$!
	track "$sup"
	wait_until 5 supervised
	# The supervisor came with them ignored (USR2 is bit 12).
	[ $((0x$(sigmask "$sup" SigIgn) & 0x800)) -ne 0 ]
	spawn -n sig -- sleep 1019
	# Shown if it fails. make(1) ignores 32 and 33, which glibc keeps
	# for itself: those are put back too.
	grep Sig "/proc/$PID/status" "/proc/$sup/status" >&2
	[ "$(sigmask "$PID" SigIgn)" = 0000000000000000 ]
	[ "$(sigmask "$PID" SigCgt)" = 0000000000000000 ]
	[ "$(sigmask "$PID" SigBlk)" = 0000000000000000 ]
	# A restart is made the same way.
	kill -KILL "$PID"
	wait_until 10 sleeps_anew "$PID"
	[ "$(sigmask "$NEW" SigIgn)" = 0000000000000000 ]
}

# sleeps_anew OLD: procs/sig/pid names another pid than OLD, in NEW,
# which runs sleep.
sleeps_anew() {
	NEW=$(cut -d' ' -f1 "$HP_STATE_DIR/procs/sig/pid" 2>/dev/null)
	[ -n "$NEW" ] && [ "$NEW" != "$1" ] &&
	    grep -q '^Name:.*sleep' "/proc/$NEW/status" 2>/dev/null
}
