#!/usr/bin/env bats
# hp: see LICENSE.
# recover.bats: a supervisor killed at any moment leaves nothing unknown:
# no process runs before its pid record is written, and the next one
# finishes what it was in the middle of (a start, a stop, a restart, an
# add, a reload), to the deadlines it had.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# marked NAME: the live processes of this test started with MARK=NAME in
# their environment, one pid a line.
marked() {
	local pid
	for pid in $(leftovers "$HP_STATE_DIR"); do
		grep -q -s -z -F -x "MARK=$1" "/proc/$pid/environ" &&
		    alive "$pid" && echo "$pid"
	done
}

copies() {
	marked "$1" | wc -l
}

copies_are() {
	[ "$(copies "$1")" -eq "$2" ]
}

# known NAME: the one process of NAME runs, and it is the one its pid
# record names, alive and ours.
known() {
	local pid
	[ "$(copies "$1")" -eq 1 ] || return 1
	pid=$(cut -d' ' -f1 "$HP_STATE_DIR/procs/$1/pid" 2>/dev/null) ||
	    return 1
	[ "$(marked "$1")" = "$pid" ]
}

# spec NAME ARG...: procs/NAME/spec, by hand, with MARK=NAME.
spec() {
	local name=$1
	shift
	mkdir -p -m 700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs"
	mkdir -m 700 "$HP_STATE_DIR/procs/$name"
	printf 'exec = %s\nenv = MARK=%s\n' "$*" "$name" \
	    >"$HP_STATE_DIR/procs/$name/spec"
}

# slowcall PID TRACED CALL: strace holds back the return of PID's CALLs
# by 2 s (what they did is done); its pid in STRACE once it has attached.
slowcall() {
	strace -p "$1" -e trace="$2" \
	    -e inject="$3":delay_exit=2000000 -o strace.out 2>strace.err &
	STRACE=$!
	track "$STRACE"
	wait_until 5 grep -q attached strace.err
}

# slowfork PID: its forks held back (the children go on; a vfork's
# until it has exec'd).
slowfork() {
	slowcall "$1" clone,clone3,vfork clone,clone3,vfork
}

# forked PID: PID has a child (a fork held back, or what it runs).
forked() {
	[ -n "$(ps -o pid= --ppid "$1")" ]
}

@test "a supervisor killed before its fork returns: its child is recorded, and the next one's" {
	command -v strace >/dev/null || fail "strace is not installed"
	spec x sleep 1000
	fg
	slowfork "$FG"
	hp-supervise -t 1s start x >/dev/null 2>&1 3>&- &
	track $!
	# The child has run its program (a child that finds its supervisor
	# gone before its exec runs nothing); its fork has not returned.
	wait_until 5 copies_are x 1
	forked "$FG"
	kill -KILL "$FG"
	wait "$STRACE" || true
	# The child recorded itself before it ran its program.
	copies_are x 1
	old=$(marked x)
	[ "$(cut -d' ' -f1 "$HP_STATE_DIR/procs/x/pid")" = "$old" ]
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	# Ours: stopped (its pipes died with the first supervisor), then
	# started anew, as a start asked had meant.
	wait_until 5 known x
	[ "$(marked x)" != "$old" ]
	[ "$(state_of x)" = running ]
}

@test "hp-spawn: its supervisor dies in the fork, the next one answers" {
	command -v strace >/dev/null || fail "strace is not installed"
	hp-supervise -b
	sup=$(supervisor_pid)
	slowfork "$sup"
	hp-spawn -n s -e MARK=s -- sleep 1000 >s.out 2>s.err 3>&- &
	client=$!
	track "$client"
	wait_until 5 forked "$sup"
	wait_until 5 exists "$HP_STATE_DIR/procs/s/spec"
	kill -KILL "$sup"
	wait "$STRACE" || true
	# hp-spawn starts the next supervisor, which starts s; hp-spawn says so.
	wait "$client"
	[ "$(supervisor_pid)" != "$sup" ]
	wait_until 5 known s
	[ "$(cat s.out)" = "s $(marked s)" ]
	[ ! -e "$HP_STATE_DIR/procs/.spawn-$client" ]
}

@test "a stop under way goes on after two crashes, to its first deadline" {
	fg
	spawn -n stub -e MARK=stub --stop-timeout 3s -- \
	    sh -c 'trap "" TERM; touch stub.trapped; while :; do sleep 0.1; done'
	# Its trap is set before its stop signal can come.
	wait_until 5 exists stub.trapped
	pid=$PID
	hp-supervise -t 1s stop stub >/dev/null 2>&1 3>&- &
	track $!
	wait_until 5 st_is stub state stopping
	deadline=$(st stub stop-at)
	[ "$(st stub stop-signal)" = TERM ]
	kill -KILL "$FG"
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	# Adopted as it was: stopping, the same deadline.
	[ "$(st stub state)" = stopping ]
	[ "$(st stub stop-at)" = "$deadline" ]
	alive "$pid"
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	[ "$(st stub stop-at)" = "$deadline" ]
	wait_until 10 st_is stub state stopped
	wait_until 5 gone "$pid"
	[ "$(evfield stub process:stopped stopped_by)" = KILL ]
	# Killed at the deadline of the first stop: within the kill's grace.
	[ "$(st stub since)" -lt $((deadline + 2000)) ]
	# And never started again.
	[ "$(evcount stub process:started)" -eq 1 ]
	[ "$(copies stub)" -eq 0 ]
}

@test "a supervisor killed once a stop's signal is sent: the next one goes on with the stops" {
	command -v strace >/dev/null || fail "strace is not installed"
	fg
	# b waits to be started again: no run, stopped at once.
	spawn -n b -e MARK=b -r always --backoff-min 60s -- sleep 1000
	kill -KILL "$PID"
	wait_until 5 st_is b state backoff
	spawn -n x -e MARK=x -- sleep 1000
	pid=$PID
	slowcall "$FG" kill kill
	# One turn stops both: b at once, x by its signal.
	hp-supervise -t 1s shutdown >/dev/null 2>&1 3>&- &
	track $!
	# x's stop signal has ended it (unreaped); the supervisor is held in
	# the call, its turn not over, and dies there.
	wait_until 10 gone "$pid"
	kill -KILL "$FG"
	wait "$STRACE" || true
	# Written before the signal: STATE/stops names x's run, whose
	# status, written at the turn's end, still says "running"; b had no
	# process to signal, and its status says "stopped" at once.
	[ "$(st x state)" = running ]
	grep -q "^stop = x $pid [0-9]* TERM [0-9]* stay\$" "$HP_STATE_DIR/stops"
	[ "$(st b state)" = stopped ]
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	# The heir went on with the stop, never started x again.
	wait_until 5 st_is x state stopped
	[ "$(st b state)" = stopped ]
	[ ! -e "$HP_STATE_DIR/stops" ]
	[ "$(evcount x process:started)" -eq 1 ]
	[ "$(evcount b process:started)" -eq 1 ]
	[ "$(copies x)" -eq 0 ]
	[ "$(copies b)" -eq 0 ]
}

@test "a stopping status of an older run does not hide STATE/stops: the run it names is stopped, then started" {
	fg
	spawn -n web -e MARK=web -- sleep 1000
	pid=$PID
	start=$(cut -d' ' -f2 "$HP_STATE_DIR/procs/web/pid")
	kill -KILL "$FG"
	wait_until 5 unsupervised
	# Killed in a restart of web: the status is still the stop of the
	# run before, to stay stopped; the record names this run, to be
	# started again.
	sed -i -e 's/^state = .*/state = stopping/' \
	    -e "s/^pid = .*/pid = $((pid + 1))/" -e 's/^start = .*/start = 1/' \
	    "$HP_STATE_DIR/procs/web/status"
	echo 'then = stay' >>"$HP_STATE_DIR/procs/web/status"
	now=$(node -e 'process.stdout.write(String(Date.now()))')
	echo "stop = web $pid $start TERM $now start" >"$HP_STATE_DIR/stops"
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	wait_until 10 gone "$pid"
	wait_until 10 running_not web "$pid"
	[ "$(copies web)" -eq 1 ]
	[ "$(evcount web process:started)" -eq 2 ]
	[ ! -e "$HP_STATE_DIR/stops" ]
}

@test "STATE/stops that cannot be written: each stop's status before its signal" {
	command -v strace >/dev/null || fail "strace is not installed"
	fg
	spawn -n x -e MARK=x -- sleep 1000
	pid=$PID
	spawn -n y -e MARK=y -- sleep 1000
	mkdir "$HP_STATE_DIR/stops"
	slowcall "$FG" kill kill
	hp-supervise -t 1s stop all >/dev/null 2>&1 3>&- &
	track $!
	# x's signal, the turn's first, has ended it; the supervisor dies
	# held in that call.
	wait_until 10 gone "$pid"
	kill -KILL "$FG"
	wait "$STRACE" || true
	grep -q "stops: Is a directory" fg.err
	[ "$(st x state)" = stopping ]
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	wait_until 5 st_is x state stopped
	[ "$(evcount x process:started)" -eq 1 ]
	[ "$(copies x)" -eq 0 ]
	# y was not signalled: taken back, and started anew.
	wait_until 5 known y
}

@test "a restart under way, its supervisor killed: the next stops, then starts" {
	fg
	# One process, which ignores TERM (an ignored signal stays ignored
	# across exec): a child of its own would be a second copy.
	spawn -n r -e MARK=r --stop-timeout 2s -- \
	    sh -c 'trap "" TERM; touch r.trapped; exec sleep 1000'
	# Its trap is set before its stop signal can come.
	wait_until 5 exists r.trapped
	pid=$PID
	hp-supervise -t 1s restart r >/dev/null 2>&1 3>&- &
	track $!
	wait_until 5 st_is r state stopping
	[ "$(st r then)" = start ]
	kill -KILL "$FG"
	run --separate-stderr hp-supervise -b
	[ "$status" -eq 0 ]
	wait_until 10 gone "$pid"
	wait_until 10 running_not r "$pid"
	wait_until 5 known r
	[ "$(st r then)" = "" ]
}

@test "a SIGSTOPped service gets SIGCONT after its stop signal" {
	fg
	spawn -n paused --stop-timeout 20s -- \
	    sh -c 'trap "echo graceful >&2; exit 0" TERM; echo trapped >&2
	    while :; do sleep 0.1; done'
	# Stopped once its trap is set: not before, when TERM would end it.
	wait_until 5 grep -q ' err trapped$' "$HP_STATE_DIR/procs/paused/log"
	kill -STOP "$PID"
	run hp-supervise stop paused
	[ "$status" -eq 0 ]
	[ "$(evfield paused process:stopped stopped_by)" = TERM ]
	grep -q ' err graceful$' "$HP_STATE_DIR/procs/paused/log"
}

# kill_soon: SIGKILL of the supervisor 0 to 9 ms from now, at random;
# then wait until it is gone.
kill_soon() {
	local sup
	sup=$(supervisor_pid)
	sleep "0.00$((RANDOM % 10))"
	kill -KILL "$sup"
	wait_until 5 gone "$sup"
}

settled() {
	local n
	for n in "$@"; do
		known "$n" || return 1
	done
}

# each NAME...: one copy of each, and none once the supervisor is gone.
each_once_then_none() {
	local n
	for n in "$@"; do
		[ "$(copies "$n")" -eq 1 ]
	done
	hp-supervise -t 15s shutdown >/dev/null
	for n in "$@"; do
		[ "$(copies "$n")" -eq 0 ]
	done
}

@test "SIGKILL of the supervisor at random moments of hp-spawn: no copy, no orphan" {
	names=""
	for i in 1 2 3 4 5 6; do
		hp-spawn -n "n$i" -e "MARK=n$i" -- sleep 1000 >/dev/null \
		    2>&1 3>&- &
		client=$!
		track "$client"
		wait_until 5 supervised
		kill_soon
		# hp-spawn starts the next supervisor, and hears from it; when
		# it had heard already, one is started here.
		wait "$client" || true
		hp-supervise -b >/dev/null 2>&1 || true
		[ -d "$HP_STATE_DIR/procs/n$i" ] && names="$names n$i"
		wait_until 15 settled $names
	done
	each_once_then_none $names
}

@test "SIGKILL of the supervisor at random moments of restart: no copy, no orphan" {
	hp-supervise -b
	spawn -n a -e MARK=a -- sleep 1000
	for i in 1 2 3 4 5 6; do
		hp-supervise -t 2s restart a >/dev/null 2>&1 3>&- &
		track $!
		kill_soon
		# The restart, left without an answer, may start the next
		# supervisor itself before this one does.
		hp-supervise -b >/dev/null 2>&1 || true
		wait_until 5 supervised
		wait_until 15 settled a
	done
	each_once_then_none a
}

@test "SIGKILL of the supervisor at random moments of reload: no copy, no orphan" {
	printf '[service c]\nexec = sleep 1000 0\nenv = MARK=c\n' >c.conf
	hp-supervise -b -f "$PWD/c.conf"
	wait_until 10 settled c
	for i in 1 2 3 4 5 6; do
		printf '[service c]\nexec = sleep 1000 %d\nenv = MARK=c\n' \
		    "$i" >c.conf
		printf '[service d%d]\nexec = sleep 1000\nenv = MARK=d%d\n' \
		    "$i" "$i" >>c.conf
		hp-supervise -t 2s reload >/dev/null 2>&1 3>&- &
		track $!
		kill_soon
		hp-supervise -b -f "$PWD/c.conf"
		wait_until 15 settled c "d$i"
		[ "$(copies "d$((i - 1))")" -eq 0 ]
	done
	grep -qx 'exec = sleep 1000 6' "$HP_STATE_DIR/procs/c/spec"
	each_once_then_none c d6
}

@test "procs/.spawn-PID of a killed hp-spawn is removed; a live one's kept" {
	mkdir -m 700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs"
	echo 'exec = true' >"$HP_STATE_DIR/procs/.spawn-99999999"
	echo 'exec = true' >"$HP_STATE_DIR/procs/.spawn-$$"
	# By the next supervisor as it starts.
	hp-supervise -b
	[ ! -e "$HP_STATE_DIR/procs/.spawn-99999999" ]
	[ -e "$HP_STATE_DIR/procs/.spawn-$$" ]
	# And by the next hp-spawn, while one runs.
	echo 'exec = true' >"$HP_STATE_DIR/procs/.spawn-99999998"
	spawn -n a -- sleep 1000
	[ ! -e "$HP_STATE_DIR/procs/.spawn-99999998" ]
	[ -e "$HP_STATE_DIR/procs/.spawn-$$" ]
	[ "$(ls -A "$HP_STATE_DIR/procs" | sort | tr '\n' ' ')" = ".spawn-$$ a " ]
}
