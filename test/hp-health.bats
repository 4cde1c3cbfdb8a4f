#!/usr/bin/env bats
# hp: see LICENSE.
# hp-health.bats: checks against test/httpd servers each test starts on
# ports the system picks, and the health of the state directory.

bats_require_minimum_version 1.5.0
load helpers

HTTPD="$ROOT/test/httpd"

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	USAGE=$(hp-health -h)
}

# serve NAME [ARG...]: start test/httpd; its port (or socket) in PORT.
serve() {
	local name=$1 out
	shift
	out="$BATS_TEST_TMPDIR/$name.port"
	"$HTTPD" "$@" >"$out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	track $!
	wait_until 5 test -s "$out"
	PORT=$(cat "$out")
}

# closed: a port bound, never listened on: a connect there is refused;
# in CLOSED, PORT left as it was.
closed() {
	local port=${PORT-}
	serve closed -d 3600000
	CLOSED=$PORT
	PORT=$port
}

# hh ARG...: hp-health, bounded: a hang fails the test (status 124).
hh() {
	run --separate-stderr timeout 10 hp-health "$@"
}

@test "usage: -h, -V, a bad option, a check with nothing to check" {
	[ "${USAGE%%$'\n'*}" = "usage: hp-health [-t dur] [-r n] [--expect code] [-i dur [-n count] | --wait dur] [--json] [-S dir] check ..." ]
	run hp-health -V
	[ "$output" = "hp-health 0.1.0" ]
	run --separate-stderr hp-health -x tcp://127.0.0.1:1
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "hp-health: unknown option -x" ]
	[ "${stderr_lines[1]}" = "try 'hp-health --help'" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	for args in "-t 0 tcp://h:1" "-t soon tcp://h:1" "-r x tcp://h:1" \
	    "-r 101 tcp://h:1" "--expect 99 http://h/" "--expect 600 http://h/" \
	    "-n 3 tcp://h:1" "-i 1s --wait 1s tcp://h:1" "-i 0 tcp://h:1" \
	    "-t 1s" "--wait 1s" "-n"; do
		# shellcheck disable=SC2086
		run --separate-stderr hp-health $args
		echo "$args: $status $stderr"
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
	done
}

@test "usage: the options of usage are those of the man page's SYNOPSIS" {
	local man use
	man=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$ROOT/man/hp-health.1" |
	    grep -o 'Fl [^ ]*' | sed 's/^Fl /-/' | LC_ALL=C sort -u | tr '\n' ' ')
	use=$(printf '%s\n' "$USAGE" | grep -o '\[-[^] ]*\|| -[^ ]*' |
	    sed 's/^\[//; s/^| //' | LC_ALL=C sort -u | tr '\n' ' ')
	echo "man '$man' usage '$use'"
	[ "$man" = "$use" ]
}

@test "bad checks: exit 2 before anything is asked" {
	serve web -l "$BATS_TEST_TMPDIR/requests"
	for bad in ftp://x/ http:// "http://h:0/" "http://h:65536/" \
	    "http://::1/" "http://[::1/" "http://u@h/" "http://h/a b" \
	    tcp://h tcp://h:1/x unix: proc: proc:-x localhost:80; do
		hh "http://127.0.0.1:$PORT/health" "$bad"
		echo "$bad: $status $stderr"
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[[ "${stderr_lines[0]}" == "hp-health: $bad: "* ]]
	done
	hh --json "http://127.0.0.1:$PORT/" tcp://h
	[ "$status" -eq 2 ]
	[ "$output" = '{"error":{"code":"usage","message":"tcp://h: no port"}}' ]
	[ ! -e "$BATS_TEST_TMPDIR/requests" ]
}

@test "https:// is refused with a clear message, exit 2" {
	hh https://127.0.0.1:1/health
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "hp-health: https://127.0.0.1:1/health: https is not supported: hp-health speaks plain HTTP only" ]
}

@test "http: 2xx is healthy; the request has Host and Connection: close" {
	serve web -l "$BATS_TEST_TMPDIR/requests"
	hh "http://127.0.0.1:$PORT/health"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ "$output" =~ ^http://127\.0\.0\.1:$PORT/health\ healthy\ [0-9]+\.[0-9]\ ms$ ]]
	grep -qx $'GET /health HTTP/1.1\r' requests
	grep -qx "Host: 127.0.0.1:$PORT"$'\r' requests
	grep -qx $'Connection: close\r' requests
	hh "http://127.0.0.1:$PORT/status/204" "http://127.0.0.1:$PORT/early"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "http: another status is unhealthy; --expect wants exactly one" {
	serve web
	hh "http://127.0.0.1:$PORT/500" "http://127.0.0.1:$PORT/nothing"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "http://127.0.0.1:$PORT/500 unhealthy: status 500" ]
	[ "${lines[1]}" = "http://127.0.0.1:$PORT/nothing unhealthy: status 404" ]
	hh --expect 500 "http://127.0.0.1:$PORT/500"
	[ "$status" -eq 0 ]
	hh --expect 204 "http://127.0.0.1:$PORT/health"
	[ "$status" -eq 1 ]
	[ "$output" = "http://127.0.0.1:$PORT/health unhealthy: status 200, not 204" ]
}

@test "http: wrong answers are unhealthy with the reason, never a hang" {
	serve web
	hh -t 20s "http://127.0.0.1:$PORT/garbage" \
	    "http://127.0.0.1:$PORT/endless" "http://127.0.0.1:$PORT/lines" \
	    "http://127.0.0.1:$PORT/close" "http://127.0.0.1:$PORT/reset" \
	    "http://127.0.0.1:$PORT/half" "http://127.0.0.1:$PORT/badheader"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "http://127.0.0.1:$PORT/garbage unhealthy: not an HTTP response" ]
	[ "${lines[1]}" = "http://127.0.0.1:$PORT/endless unhealthy: response head longer than 16384 bytes" ]
	[ "${lines[2]}" = "http://127.0.0.1:$PORT/lines unhealthy: response head longer than 16384 bytes" ]
	[ "${lines[3]}" = "http://127.0.0.1:$PORT/close unhealthy: connection closed before a response" ]
	[ "${lines[4]}" = "http://127.0.0.1:$PORT/reset unhealthy: connection reset by peer" ]
	[ "${lines[5]}" = "http://127.0.0.1:$PORT/half unhealthy: connection closed within the response head" ]
	[ "${lines[6]}" = "http://127.0.0.1:$PORT/badheader unhealthy: bad header line" ]
}

@test "http: a status line split across many tiny writes is read whole" {
	serve web
	hh --json "http://127.0.0.1:$PORT/split"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].healthy + " " + j[0].status')" = "true 200" ]
}

@test "http: silence, a slow answer, a server that never reads: timeouts" {
	serve hold -m hold
	serve web
	hh -t 300ms "http://127.0.0.1:$PORT/never" \
	    "http://127.0.0.1:$PORT/slow/5000" "http://127.0.0.1:$PORT/slow/1" \
	    "http://127.0.0.1:$(cat hold.port)/"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "http://127.0.0.1:$PORT/never unhealthy: timeout: no response in 300 ms" ]
	[ "${lines[1]}" = "http://127.0.0.1:$PORT/slow/5000 unhealthy: timeout: no response in 300 ms" ]
	[[ "${lines[2]}" == "http://127.0.0.1:$PORT/slow/1 healthy "* ]]
	[ "${lines[3]}" = "http://127.0.0.1:$(cat hold.port)/ unhealthy: timeout: no response in 300 ms" ]
}

@test "http: a server that closes each connection at once" {
	serve web -m close
	hh "http://127.0.0.1:$PORT/health"
	[ "$status" -eq 1 ]
	# Closed with the request unread, the kernel may answer with a reset.
	[[ "$output" == "http://127.0.0.1:$PORT/health unhealthy: connection closed before a response" ||
	    "$output" == "http://127.0.0.1:$PORT/health unhealthy: connection reset by peer" ]]
}

@test "every check at once: eight silent ones take one timeout, not eight" {
	local i checks=()
	serve web
	for i in 1 2 3 4 5 6 7 8; do
		checks+=("http://127.0.0.1:$PORT/never")
	done
	run --separate-stderr timeout 3 hp-health -t 1s "${checks[@]}" \
	    "http://127.0.0.1:$PORT/health"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 9 ]
	[[ "${lines[8]}" == "http://127.0.0.1:$PORT/health healthy "* ]]
}

@test "tcp: a connect is healthy; a refused one is not" {
	serve web
	closed
	hh "tcp://127.0.0.1:$PORT" "tcp://127.0.0.1:$CLOSED/"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^tcp://127\.0\.0\.1:$PORT\ healthy\ [0-9.]+\ ms$ ]]
	[ "${lines[1]}" = "tcp://127.0.0.1:$CLOSED/ unhealthy: connection refused" ]
	hh "tcp://127.0.0.1:$PORT"
	[ "$status" -eq 0 ]
}

@test "unix: a socket that listens, one that does not, none" {
	serve web -u "$BATS_TEST_TMPDIR/web.sock"
	serve deaf -u "$BATS_TEST_TMPDIR/deaf.sock" -d 3600000
	hh "unix:$BATS_TEST_TMPDIR/web.sock" "unix:$BATS_TEST_TMPDIR/deaf.sock" \
	    "unix:$BATS_TEST_TMPDIR/none.sock"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "unix:$BATS_TEST_TMPDIR/web.sock healthy "*" ms" ]]
	[ "${lines[1]}" = "unix:$BATS_TEST_TMPDIR/deaf.sock unhealthy: connection refused" ]
	[ "${lines[2]}" = "unix:$BATS_TEST_TMPDIR/none.sock unhealthy: no such file or directory" ]
	hh --json "unix://$BATS_TEST_TMPDIR/web.sock"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].address')" = "$BATS_TEST_TMPDIR/web.sock" ]
}

@test "IPv6: [::1] literal, and localhost on ::1 only or 127.0.0.1 only" {
	serve v6 -6
	V6=$PORT
	serve v4
	V4=$PORT
	hh "http://[::1]:$V6/health" "http://localhost:$V6/health" \
	    "http://localhost:$V4/health" "tcp://localhost:$V6"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^http://\[::1\]:$V6/health\ healthy\ [0-9.]+\ ms$ ]]
	[[ "${lines[1]}" =~ ^http://localhost:$V6/health\ healthy\ [0-9.]+\ ms\ via\ \[::1\]:$V6$ ]]
	[[ "${lines[2]}" =~ ^http://localhost:$V4/health\ healthy\ [0-9.]+\ ms\ via\ 127\.0\.0\.1:$V4$ ]]
	hh --json "http://localhost:$V6/" "http://localhost:$V4/"
	[ "$(echo "$output" | json 'j.map(c => c.address).join(" ")')" = "[::1]:$V6 127.0.0.1:$V4" ]
	hh "http://[::1]:$V4/"
	[ "$status" -eq 1 ]
	[ "$output" = "http://[::1]:$V4/ unhealthy: connection refused" ]
}

@test "a name that does not resolve is unhealthy, not a usage error" {
	# No resolver at all may take its own timeouts to say so.
	run --separate-stderr timeout 60 hp-health -t 5s tcp://hp-test.invalid:80
	[ "$status" -eq 1 ]
	[[ "$output" == "tcp://hp-test.invalid:80 unhealthy: resolve hp-test.invalid: "* ]]
}

@test "--json: an array of {check, healthy, status, latency_ms, address, error}" {
	serve web
	closed
	hh --json "http://127.0.0.1:$PORT/health" "http://127.0.0.1:$PORT/500" \
	    "tcp://127.0.0.1:$CLOSED"
	[ "$status" -eq 1 ]
	[ "$stderr" = "" ]
	[ "$(echo "$output" | json 'j.map(c => Object.keys(c).join(",")).join(" ")')" = \
	    "check,healthy,status,latency_ms,address,attempts,error check,healthy,status,latency_ms,address,attempts,error check,healthy,status,latency_ms,address,attempts,error" ]
	[ "$(echo "$output" | json 'j.map(c => [c.check, c.healthy, c.status, c.address, c.error].join("|")).join("\n")')" = \
	    "http://127.0.0.1:$PORT/health|true|200|127.0.0.1:$PORT|
http://127.0.0.1:$PORT/500|false|500|127.0.0.1:$PORT|status 500
tcp://127.0.0.1:$CLOSED|false|||connection refused" ]
	[ "$(echo "$output" | json 'typeof j[0].latency_ms + (j[0].latency_ms >= 0)')" = "numbertrue" ]
	[ "$(echo "$output" | json 'j[2].status === null && j[0].error === null')" = "true" ]
}

@test "-r: a failing check is tried again, up to n more times" {
	serve web
	hh --json -r 2 "http://127.0.0.1:$PORT/flaky/2"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].healthy + " " + j[0].attempts')" = "true 3" ]
	serve web2
	hh --json -r 1 "http://127.0.0.1:$PORT/flaky/2"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j[0].attempts + " " + j[0].error')" = "2 status 500" ]
	closed
	hh -r 2 "tcp://127.0.0.1:$CLOSED"
	[ "$status" -eq 1 ]
}

@test "-i -n: a run every interval, each change of state printed" {
	serve web
	hh -i 20ms -n 5 "http://127.0.0.1:$PORT/flaky/2" "http://127.0.0.1:$PORT/health"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "http://127.0.0.1:$PORT/flaky/2 unhealthy: status 500" ]
	[[ "${lines[1]}" == "http://127.0.0.1:$PORT/health healthy "* ]]
	[[ "${lines[2]}" == "http://127.0.0.1:$PORT/flaky/2 healthy "* ]]
	serve web2
	hh --json -i 20ms -n 3 "http://127.0.0.1:$PORT/flaky/1"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(echo "${lines[0]}" | json 'j.healthy + " " + /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(j.ts)')" = "false true" ]
	[ "$(echo "${lines[1]}" | json 'j.healthy + " " + j.status')" = "true 200" ]
	# Unhealthy at the last run: exit 1.
	closed
	hh -i 10ms -n 2 "tcp://127.0.0.1:$CLOSED"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "--wait: until a server that starts late answers" {
	serve late -d 300
	hh --wait 10s "http://127.0.0.1:$PORT/health"
	[ "$status" -eq 0 ]
	[[ "$output" == "http://127.0.0.1:$PORT/health healthy "* ]]
	serve late6 -6 -d 300
	hh --json --wait 10s "http://localhost:$PORT/health"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].address')" = "[::1]:$PORT" ]
}

@test "--wait: gives up when the time is up, with the last reason" {
	serve web
	closed
	hh --wait 300ms "tcp://127.0.0.1:$CLOSED" "http://127.0.0.1:$PORT/health" \
	    "http://127.0.0.1:$PORT/never"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "tcp://127.0.0.1:$CLOSED unhealthy: connection refused" ]
	[[ "${lines[1]}" == "http://127.0.0.1:$PORT/health healthy "* ]]
	[[ "${lines[2]}" == "http://127.0.0.1:$PORT/never unhealthy: timeout: no response in "* ]]
}

@test "proc:NAME: running and not unhealthy" {
	hp-spawn -n web -- /bin/sleep 1000
	wait_until 5 state_is web running
	hh proc:web proc:nope
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "proc:web healthy "* ]]
	[ "${lines[1]}" = "proc:nope unhealthy: no such process" ]
	# A keeper's verdict in status is believed.
	sed -i 's/^health = .*/health = unhealthy/' "$HP_STATE_DIR/procs/web/status"
	hh proc:web
	[ "$status" -eq 1 ]
	[ "$output" = "proc:web unhealthy: running, but unhealthy" ]
	hp-supervise stop web
	hh proc:web
	[ "$output" = "proc:web unhealthy: not running (stopped)" ]
	hh -S "$BATS_TEST_TMPDIR/elsewhere" proc:web
	[ "$output" = "proc:web unhealthy: no such process" ]
}

@test "proc: an unsafe state directory is refused" {
	mkdir -m 777 "$BATS_TEST_TMPDIR/open"
	hh --json -S "$BATS_TEST_TMPDIR/open" proc:web
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = "state-dir" ]
}

@test "system: an empty state directory is healthy" {
	hh
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "services: none" ]
	[ "${lines[1]}" = "terminals: none" ]
	[[ "${lines[2]}" =~ ^resources:\ .*0\ of\ 50\ processes$ ]]
	[ "${lines[3]}" = "healthy" ]
	[ ! -e "$HP_STATE_DIR" ]
	hh --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'Object.keys(j).join(",")')" = "healthy,services,terminals,resources" ]
	[ "$(echo "$output" | json 'Object.keys(j.resources).join(",")')" = "load,mem_available_bytes,processes,process_limit,healthy" ]
	[ "$(echo "$output" | json '[j.healthy, j.services.length, j.terminals.length, j.resources.processes, j.resources.process_limit].join(" ")')" = "true 0 0 0 50" ]
	[ "$(echo "$output" | json 'j.resources.load.length + " " + (j.resources.mem_available_bytes > 0)')" = "3 true" ]
}

@test "system: a running and a stopped service are healthy, a crashed one not" {
	hp-spawn -n web -- /bin/sleep 1000
	hp-spawn -n idle -- /bin/sleep 1000
	hp-supervise stop idle
	wait_until 5 state_is web running
	hh
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "NAME             TYPE     STATE         PID HEALTH    VERDICT" ]
	[[ "${lines[1]}" =~ ^idle\ +service\ +stopped\ +-\ unknown\ +healthy$ ]]
	[[ "${lines[2]}" =~ ^web\ +service\ +running\ +[0-9]+\ unknown\ +healthy$ ]]
	[ "${lines[-1]}" = "healthy" ]
	hp-spawn -n crash -r no -- /bin/sh -c 'exit 3'
	wait_until 5 state_is crash exited
	hh --json
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.healthy')" = "false" ]
	[ "$(echo "$output" | json 'j.services.map(s => s.name + ":" + s.state + ":" + s.healthy).join(" ")')" = \
	    "crash:exited:false idle:stopped:true web:running:true" ]
	[ "$(echo "$output" | json 'j.services[0].error')" = "exited with status 3" ]
	[ "$(echo "$output" | json 'Object.keys(j.services[2]).join(",")')" = \
	    "name,type,state,pid,health,restarts,healthy,error" ]
	# Those that run, against the limit: web alone.
	[ "$(echo "$output" | json 'j.resources.processes')" = "1" ]
	hh
	[ "$status" -eq 1 ]
	[[ "${lines[1]}" =~ ^crash\ +service\ +exited\ +-\ unknown\ +unhealthy:\ exited\ with\ status\ 3$ ]]
	[ "${lines[-1]}" = "unhealthy" ]
}

@test "system: a service that keeps crashing is unhealthy" {
	hp-spawn -n loop -r always --backoff-min 5s -- /bin/sh -c 'exit 1'
	wait_until 5 state_is loop backoff
	hh --json
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.services[0].error')" = "in backoff" ]
}

@test "no environment, no shell: as a container HEALTHCHECK runs it" {
	serve web
	run env -i "$HPBIN/hp-health" "http://127.0.0.1:$PORT/health"
	[ "$status" -eq 0 ]
	run env -i "$HPBIN/hp-health" "http://127.0.0.1:$PORT/500"
	[ "$status" -eq 1 ]
}
