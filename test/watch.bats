#!/usr/bin/env bats
# hp: see LICENSE.
# watch.bats: readiness checks, dependencies (after =) and health probes
# of supervised processes, against test/httpd servers they run.

bats_require_minimum_version 1.5.0
load helpers
load supervise

HTTPD="$ROOT/test/httpd"

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# conf FILE: the text on stdin becomes FILE, with @PORT@ and @HTTPD@ set.
conf() {
	sed -e "s|@PORT@|$PORT|g" -e "s|@HTTPD@|$HTTPD|g" >"$1"
}

# seq_of NAME EVENT: the seq of NAME's first EVENT in events.log.
seq_of() {
	grep -F "\"event\":\"$2\",\"name\":\"$1\"" "$HP_STATE_DIR/events.log" |
	    head -n 1 | sed 's/^{"seq":\([0-9]*\),.*/\1/'
}

# answers: the server on PORT takes a connection.
answers() {
	hp-health -t 1s "tcp://127.0.0.1:$PORT" >/dev/null 2>&1
}

@test "ready-check: starting until the check passes, then ready" {
	freeport
	fg
	# The server binds at once and listens only after a second.
	spawn -n web --ready-check "tcp://127.0.0.1:$PORT" -- \
	    "$HTTPD" -p "$PORT" -d 1000
	st_is web state starting
	[ "$(evcount web process:ready)" -eq 0 ]
	wait_until 10 st_is web state running
	answers
	[ "$(evcount web process:ready)" -eq 1 ]
	[ "$(seq_of web process:started)" -lt "$(seq_of web process:ready)" ]
}

@test "hp-spawn --wait-ready returns once the ready-check passes" {
	freeport
	fg
	run --separate-stderr hp-spawn -n web --wait-ready 10s \
	    --ready-check "http://127.0.0.1:$PORT/health" -- \
	    "$HTTPD" -p "$PORT" -d 300
	[ "$status" -eq 0 ]
	# Ready when it returned, not some time after.
	answers
	[ "$(st web state)" = running ]
	[ "$(evcount web process:ready)" -eq 1 ]
}

@test "ready-timeout: one never ready is stopped and restarted as a crash" {
	freeport
	fg
	spawn -n web --ready-check "tcp://127.0.0.1:$PORT" \
	    --ready-timeout 300ms -o backoff-min=50ms -- sleep 60
	wait_until 10 evcount_ge web process:crashed 1
	wait_until 10 evcount_ge web process:restarting 1
	grep -F '"event":"process:exited","name":"web"' \
	    "$HP_STATE_DIR/events.log" | head -n 1 |
	    grep -qF '"signal":"TERM","state":"backoff","error":"not ready within 300 ms"'
}

@test "ready-fd and ready-check cannot be used together" {
	run --separate-stderr hp-spawn --ready-fd 3 --ready-check tcp://h:1 \
	    -- true
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-spawn: --ready-fd and --ready-check: choose one" ]
	printf '[service a]\nexec = true\nready-fd = 3\nready-check = tcp://h:1\n' >c.conf
	run --separate-stderr hp-supervise -f c.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/c.conf:1: a: ready-fd and ready-check: choose one" ]
}

@test "bad checks and health keys are refused with FILE:LINE" {
	bad() {
		printf '[service a]\nexec = true\n%s\n' "$1" >c.conf
		run --separate-stderr hp-supervise -f c.conf
		[ "$status" -eq 2 ]
		[ "$stderr" = "hp-supervise: $PWD/c.conf:3: $2" ]
		[ ! -e "$HP_STATE_DIR" ]
	}
	bad "health = ftp://x/" "health: ftp://x/: unknown check: use http://, tcp://, unix: or proc:"
	bad "ready-check = http://h:99999" "ready-check: http://h:99999: port out of range"
	bad "health-retries = 0" "health-retries: 1 to 100"
	bad "health-interval = 10ms" "health-interval: at least 100ms"
	bad "health-restart = maybe" "health-restart: yes or no"
	bad "health-start = soon" "bad duration: soon"
	bad "after = a" "after: a: itself"
	bad "after = -x" "after: -x: invalid name"
}

@test "after = names a section of the file, and goes round nowhere" {
	printf '[service a]\nexec = true\nafter = b\n' >c.conf
	run --separate-stderr hp-supervise -f c.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/c.conf:1: a: after: no such section: b" ]
	printf '[service a]\nexec = true\nafter = c\n[service b]\nexec = true\nafter = a\n[service c]\nexec = true\nafter = b\n' >c.conf
	run --separate-stderr hp-supervise -f c.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/c.conf:1: a: after: a cycle" ]
	run --separate-stderr hp-spawn --after web -n web -- true
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-spawn: web cannot start after itself" ]
}

@test "after =: a service starts only once what it names is ready" {
	freeport
	conf c.conf <<'END'
[service app]
exec = sleep 60
after = web

[service web]
exec = @HTTPD@ -p @PORT@ -d 400
ready-check = http://127.0.0.1:@PORT@/health
END
	fg -f c.conf
	wait_until 10 st_is app state running
	answers
	[ "$(seq_of web process:ready)" -lt "$(seq_of app process:started)" ]
	events "$HP_STATE_DIR/events.log" app >ev
	[ "$(head -n 2 ev)" = "process:started"$'\n'"process:ready" ]
}

@test "a held service says what it waits for, and stops at once" {
	freeport
	conf c.conf <<'END'
[service web]
exec = sleep 60
ready-check = tcp://127.0.0.1:@PORT@

[service app]
exec = sleep 60
after = web
END
	fg -f c.conf
	wait_until 10 st_is app error "waiting for web to be ready"
	[ "$(st app state)" = starting ]
	[ "$(st app pid)" = 0 ]
	[ "$(evcount app process:started)" -eq 0 ]
	run hp-supervise -t 5s stop app
	[ "$status" -eq 0 ]
	[ "$(st app state)" = stopped ]
	[ "$(evcount app process:started)" -eq 0 ]
}

@test "a chain listed in order starts a turn at a time: a stop is heard meanwhile, and wins" {
	command -v strace >/dev/null || fail "strace is not installed"
	for k in $(seq 1 12); do
		printf '[service l%d]\nexec = sleep 60\n' "$k"
		[ "$k" -eq 1 ] || printf 'after = l%d\n' $((k - 1))
	done >c.conf
	# Each fork of the supervisor returns 300 ms late: 3.6 s for all.
	strace -o strace.out -e trace=clone,clone3,vfork \
	    -e inject=clone,clone3,vfork:delay_exit=300000 \
	    hp-supervise --ready-fd 5 -f c.conf 5>ready >fg.out 2>fg.err 3>&- &
	track $!
	wait_until 10 st_is l1 state running
	# Heard within its 2 s while the chain starts, not once it has.
	run hp-supervise -t 2s stop l12
	[ "$status" -eq 0 ]
	[ "$(st l10 state)" != running ]
	# Ready once the rest has started; the stop asked for holds.
	wait_until 20 grep -q 1 ready
	wait_until 5 st_is l11 state running
	[ "$(state_of l12)" = stopped ]
	[ "$(evcount l12 process:started)" -eq 0 ]
}

@test "health: a check that passes makes the process healthy" {
	freeport
	fg
	spawn -n web --health "http://127.0.0.1:$PORT/health" \
	    --ready-check "tcp://127.0.0.1:$PORT" \
	    -o health-interval=200ms -- "$HTTPD" -p "$PORT"
	wait_until 10 st_is web health healthy
	[ "$(evfield web process:health health)" = healthy ]
	[ "$(hp-ls --json web | json 'j[0].health')" = healthy ]
	hp-health "proc:web"
}

@test "health: unhealthy after health-retries failures in a row, then back" {
	freeport
	fg
	# 500 four times, then 200: unhealthy after two, healthy again.
	spawn -n web --health "http://127.0.0.1:$PORT/flaky/4" \
	    --ready-check "tcp://127.0.0.1:$PORT" \
	    -o health-interval=100ms -o health-retries=2 -- \
	    "$HTTPD" -p "$PORT"
	wait_until 10 evcount_ge web process:health 2
	[ "$(evfield web process:health health | tr '\n' ' ')" = "unhealthy healthy " ]
	[ "$(evfield web process:health failures | head -n 1)" = 2 ]
	[ "$(evfield web process:health error | head -n 1)" = "status 500" ]
	# Not restarted: health-restart is off.
	[ "$(evcount web process:restarting)" -eq 0 ]
	[ "$(st web restarts)" = 0 ]
}

@test "health-restart: an unhealthy process is restarted" {
	freeport
	fg
	spawn -n web --health "http://127.0.0.1:$PORT/status/500" \
	    --ready-check "tcp://127.0.0.1:$PORT" \
	    -o health-interval=100ms -o health-retries=2 \
	    -o health-restart=yes -- "$HTTPD" -p "$PORT"
	first=$PID
	wait_until 10 running_not web "$first"
	wait_until 10 evcount_ge web process:restarting 1
	grep -F '"event":"process:restarting","name":"web"' \
	    "$HP_STATE_DIR/events.log" | head -n 1 |
	    grep -qF '"reason":"unhealthy"'
	[ "$(st web restarts)" -ge 1 ]
	gone "$first"
}

@test "a hanging health endpoint times out and never stalls the loop" {
	freeport
	fg
	spawn -n web --health "http://127.0.0.1:$PORT/never" \
	    --ready-check "tcp://127.0.0.1:$PORT" \
	    -o health-interval=100ms -o health-retries=1 \
	    -o health-timeout=300ms -- "$HTTPD" -p "$PORT"
	spawn -n other -- sleep 60
	wait_until 10 st_is web health unhealthy
	evfield web process:health error | head -n 1 |
	    grep -q '^timeout: no response in 300 ms$'
	# While probes hang, verbs are answered at once.
	for i in 1 2 3 4 5; do
		run timeout 2 hp-supervise -t 2s restart other
		[ "$status" -eq 0 ]
	done
}

@test "health-start: the first probe waits for the start period" {
	freeport
	fg
	spawn -n web --health "tcp://127.0.0.1:$PORT" \
	    --ready-check "tcp://127.0.0.1:$PORT" \
	    -o health-start=400ms -- "$HTTPD" -p "$PORT"
	wait_until 10 st_is web health healthy
	node -e '
const fs = require("fs");
let ready, health;
for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
	if (!l) continue;
	const e = JSON.parse(l);
	if (e.name !== "web") continue;
	if (e.event === "process:ready") ready = Date.parse(e.ts);
	if (e.event === "process:health" && !health) health = Date.parse(e.ts);
}
if (!(health - ready >= 400)) process.exit(1);
' "$HP_STATE_DIR/events.log"
}

@test "health is unknown again once the process stops" {
	freeport
	fg
	spawn -n web --health "tcp://127.0.0.1:$PORT" \
	    --ready-check "tcp://127.0.0.1:$PORT" \
	    -o health-interval=100ms -- "$HTTPD" -p "$PORT"
	wait_until 10 st_is web health healthy
	hp-supervise -t 5s stop web
	[ "$(st web health)" = unknown ]
	[ "$(st web state)" = stopped ]
}

@test "twenty services probed at once in one loop all become healthy" {
	fg
	for i in $(seq 1 20); do
		freeport
		spawn -n "web$i" --health "http://127.0.0.1:$PORT/health" \
		    --ready-check "tcp://127.0.0.1:$PORT" \
		    -o health-interval=100ms -- "$HTTPD" -p "$PORT"
	done
	for i in $(seq 1 20); do
		wait_until 10 st_is "web$i" health healthy
	done
}

@test "health and readiness keys survive in the spec, and reload sees a change" {
	freeport
	conf c.conf <<'END'
[service web]
exec = @HTTPD@ -p @PORT@
health = tcp://127.0.0.1:@PORT@
health-interval = 200ms
END
	fg -f c.conf
	wait_until 10 st_is web health healthy
	grep -qx "health = tcp://127.0.0.1:$PORT" "$HP_STATE_DIR/procs/web/spec"
	grep -qx "health-interval = 200ms" "$HP_STATE_DIR/procs/web/spec"
	pid=$(st web pid)
	printf 'health-retries = 5\n' >>c.conf
	run hp-supervise reload
	[ "$status" -eq 0 ]
	[ "$output" = "0 added, 1 changed, 0 removed, 0 unchanged" ]
	wait_until 10 running_not web "$pid"
	grep -qx "health-retries = 5" "$HP_STATE_DIR/procs/web/spec"
}

@test "a service held by after = takes no slot of --max-procs" {
	freeport
	conf c.conf <<'END'
[service b]
exec = sleep 60
after = a

[service a]
exec = @HTTPD@ -p @PORT@
ready-check = tcp://127.0.0.1:@PORT@
END
	fg --max-procs 1 -f c.conf
	# a is admitted although b came first: b waits on a, not on a slot.
	wait_until 10 st_is a state running
	# Then b is released, and asks for its slot as any start does.
	wait_until 10 evcount_ge b process:limit 1
	[ "$(evcount b process:started)" -eq 0 ]
}

@test "health-restart is counted by the circuit breaker" {
	freeport
	fg
	spawn -n web --health "http://127.0.0.1:$PORT/status/500" \
	    --ready-check "tcp://127.0.0.1:$PORT" -o health-interval=100ms \
	    -o health-retries=1 -o health-restart=yes --max-restarts 2 \
	    --circuit-reset 1h -- "$HTTPD" -p "$PORT"
	wait_until 20 st_is web state failed
	[ "$(evcount web process:failed)" -eq 1 ]
	[ "$(evcount web process:restarting)" -le 2 ]
}

@test "a stop during a health restart stops it for good" {
	freeport
	fg
	# It ignores SIGTERM: the restart's stop takes its stop timeout. It
	# says it is ready once it does, so that no probe comes before.
	spawn -n web --health "tcp://127.0.0.1:$PORT" \
	    -o health-interval=100ms -o health-retries=1 \
	    -o health-restart=yes --stop-timeout 5s --ready-fd 3 -- \
	    sh -c 'trap "" TERM; echo >&3; exec sleep 60 3>&-'
	wait_until 10 evcount_ge web process:restarting 1
	run hp-supervise -t 20s stop web
	[ "$status" -eq 0 ]
	[ "$(st web state)" = stopped ]
	[ "$(evcount web process:started)" -eq 1 ]
}

@test "ready-timeout: one that ignores its stop signal gets SIGKILL" {
	freeport
	fg
	spawn -n web --ready-check "tcp://127.0.0.1:$PORT" \
	    --ready-timeout 200ms --stop-timeout 300ms --max-restarts 1 -- \
	    sh -c 'trap "" TERM; exec sleep 60'
	wait_until 10 evcount_ge web process:exited 1
	evfield web process:exited signal | head -n 1 | grep -qx KILL
}

@test "--after: a process nobody knows is refused; a held one says waiting" {
	fg
	run --separate-stderr hp-spawn --after nobody -n b -- sleep 60
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-spawn: b: after: no such process: nobody" ]
	[ ! -e "$HP_STATE_DIR/procs/b" ]
	freeport
	spawn -n a --ready-check "tcp://127.0.0.1:$PORT" -- sleep 60
	run --separate-stderr hp-spawn --after a -n b -- sleep 60
	[ "$status" -eq 0 ]
	[ "$output" = "b waiting" ]
}

@test "a proc: check inside the supervisor leaves its lock alone" {
	fg
	spawn -n db -- sleep 60
	run --separate-stderr hp-spawn -n app --wait-ready 10s \
	    --ready-check proc:db -- sleep 60
	[ "$status" -eq 0 ]
	[ "$(st app state)" = running ]
	# The lock still says who supervises.
	run hp-supervise status
	[ "$status" -eq 0 ]
	[ "$output" = "running $FG $HPVER" ]
}
