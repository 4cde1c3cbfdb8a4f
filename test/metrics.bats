#!/usr/bin/env bats
# hp: see LICENSE.
# metrics.bats: the supervisor's sampler and its ring, what hp-ls reads
# of it, the list and subscribe verbs, [supervisor] in hp.conf, and
# Prometheus: hp-ls --prometheus read by python3-prometheus-client, and
# metrics-listen scraped with curl.

bats_require_minimum_version 1.5.0
load helpers
load supervise

HTTPD="$ROOT/test/httpd"
# The Debian package, for the system's own python3.
PY=/usr/bin/python3

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# sup [KEY=VALUE...]: a background supervisor whose hp.conf has these
# keys in its [supervisor] section.
sup() {
	local kv
	{
		echo "[supervisor]"
		for kv in "$@"; do
			echo "${kv%%=*} = ${kv#*=}"
		done
	} >"$BATS_TEST_TMPDIR/hp.conf"
	hp-supervise -b -f "$BATS_TEST_TMPDIR/hp.conf"
}

# field NAME EXPR: EXPR of NAME's object of hp-ls --json --history (p).
field() {
	hp-ls --json --history "$1" | json "(p => $2)(j[0])"
}

# more NAME EXPR VALUE: for wait_until, field above VALUE.
more() {
	[ "$(field "$1" "$2 > $3")" = true ]
}

less() {
	[ "$(field "$1" "$2 < $3")" = true ]
}

# go: a line to the FIFO go that a process waits on, within 5 s.
go() {
	timeout 5 sh -c 'echo >"$0"' "$BATS_TEST_TMPDIR/go"
}

# ask ID LINE...: each LINE to the control FIFO from the subscriber ID
# (its FIFO made and held open on fd 5: bats has 3), then the answer's lines up to
# the one with "ok", in ask.out.
ask() {
	local id=$1 fifo="$HP_STATE_DIR/events/$1" l
	shift
	[ -p "$fifo" ] || { mkfifo -m 600 "$fifo" && exec 5<>"$fifo"; }
	for l in "$@"; do
		printf '%s %s\n' "$id" "$l" >"$HP_STATE_DIR/control"
	done
	: >"$BATS_TEST_TMPDIR/ask.out"
	while IFS= read -r -t 5 l <&5; do
		echo "$l" >>"$BATS_TEST_TMPDIR/ask.out"
		case $l in '{"ok":'*) break ;; esac
	done
}

@test "the sampler keeps a ring of samples of each tree: hp-ls --json --history" {
	sup metrics-interval=100ms
	hp-spawn -n web -- sh -c 'sleep 1000 & wait' >/dev/null
	wait_until 20 more web 'p.history.length' 59
	run hp-ls --json --history web
	[ "$status" -eq 0 ]
	echo "$output" | json '
const p = j[0], h = p.history;
const keys = "ts,cpu_percent,rss_bytes,pss_bytes,threads,fds,processes";
if (h.length !== 60) throw new Error("not the whole ring: " + h.length);
for (let i = 0; i < h.length; i++) {
	if (Object.keys(h[i]).join(",") !== keys)
		throw new Error("keys: " + Object.keys(h[i]));
	if (i > 0 && !(Date.parse(h[i].ts) > Date.parse(h[i - 1].ts)))
		throw new Error("not in time: " + h[i].ts);
	if (h[i].processes !== 2 || h[i].threads !== 2 || h[i].rss_bytes <= 0)
		throw new Error("sample: " + JSON.stringify(h[i]));
}
if (!(p.pss_bytes > 0 && p.fds >= 3 && p.sampled))
	throw new Error("slow tier: " + JSON.stringify(p));
"ok"'
	# The ring is HP_RING long: more samples push the oldest out.
	first=$(field web 'p.history[0].ts')
	wait_until 10 eval '[ "$(field web "p.history[0].ts")" != "$first" ]'
	[ "$(field web 'p.history.length')" = 60 ]
	# Without --history, no history.
	[ "$(hp-ls --json web | json '"history" in j[0]')" = false ]
}

@test "CPU is the rate of the last interval: busy, then idle falls to 0; the average stays" {
	sup metrics-interval=200ms
	hp-spawn -n burst -- sh -c '
	    end=$(( $(date +%s) + 2 )); while [ "$(date +%s)" -lt "$end" ]; do :; done
	    exec sleep 1000' >/dev/null
	wait_until 20 more burst p.cpu_percent 10
	wait_until 30 less burst p.cpu_percent 1
	[ "$(field burst 'p.cpu_avg_percent > 1 && p.cpu_seconds > 0.2')" = true ]
	# The table shows the rate too.
	run hp-ls burst
	[[ ${lines[1]} =~ \ 0\.[0-9]%\ +[0-9.]+[KMG]$ ]]
	# And the ring has both.
	[ "$(field burst 'p.history.some(s => s.cpu_percent > 10) && p.history[p.history.length - 1].cpu_percent < 1')" = true ]
}

@test "hp-ls reads what the supervisor sampled; without one, it looks itself" {
	local pid
	run hp-spawn -n web -- sleep 1000
	pid=${output#web }
	# From the supervisor: a sample's time, PSS and descriptors.
	[ "$(field web 'p.sampled !== null && p.pss_bytes > 0 && p.fds !== null')" = true ]
	[ "$(field web 'p.tree_pids.join(",")')" = "$pid" ]
	# A terminal kept by hp-pty in the foreground: no supervisor
	# samples it; hp-ls walks /proc, without PSS or descriptors.
	mkfifo "$BATS_TEST_TMPDIR/in"
	hp-pty -n term -- sleep 1000 <"$BATS_TEST_TMPDIR/in" \
	    >/dev/null 2>&1 3>&- &
	track $!
	exec 4>"$BATS_TEST_TMPDIR/in"
	wait_until 5 test -e "$HP_STATE_DIR/procs/term/pid"
	wait_until 5 more term p.rss_bytes 0
	[ "$(field term 'p.sampled === null && p.pss_bytes === null && p.fds === null && p.history.length === 0')" = true ]
	exec 4>&-
}

@test "metrics-interval = 0: no samples kept; hp-ls gets figures all the same" {
	sup metrics-interval=0
	hp-spawn -n web -- sleep 1000 >/dev/null
	[ "$(field web 'p.rss_bytes > 0 && p.sampled !== null')" = true ]
	[ "$(field web 'p.history.length')" = 0 ]
	run hp-supervise reload
	[ "$status" -eq 0 ]
}

@test "the list verb: named processes, then the supervisor's own line" {
	local pid
	sup metrics-interval=1s
	pid=$(hp-spawn -n web -- sleep 1000)
	pid=${pid#web }
	hp-spawn -n api -- sleep 1000 >/dev/null
	ask t.1 'list web,nope'
	[ "$(wc -l <ask.out)" -eq 2 ]
	head -n 1 ask.out | json '
if (j.name !== "web" || j.pid !== '"$pid"' || j.state !== "running")
	throw new Error(JSON.stringify(j));
"ok"'
	tail -n 1 ask.out | json '
if (!(j.ok === true && j.count === 1 && j.processes === 2 &&
    j.version === "0.1.0" && j.metrics_interval_ms === 1000 &&
    j.events >= 4 && j.pid > 0 && j.uptime_ms >= 0))
	throw new Error(JSON.stringify(j));
"ok"'
	ask t.1 'list *'
	[ "$(wc -l <ask.out)" -eq 3 ]
	ask t.1 'list web history'
	[ "$(head -n 1 ask.out | json 'Array.isArray(j.history)')" = true ]
	ask t.1 'list a+b'
	[ "$(json 'j.code + " " + j.message' <ask.out)" = "usage bad name" ]
	ask t.1 'list * more'
	[ "$(json 'j.code' <ask.out)" = usage ]
}

@test "subscribe: process:output only to a subscriber that asked, never to events.log" {
	mkfifo "$BATS_TEST_TMPDIR/go"
	# The second read is retried: the first go's writer may still hold
	# the FIFO open when the shell reopens it, and that read then sees
	# EOF at once rather than waiting for the second go.
	hp-spawn -n talk -- sh -c 'read x <"$0"; echo "a line"; echo oops >&2; until read x <"$0"; do :; done; echo late; exec sleep 1000' \
	    "$BATS_TEST_TMPDIR/go" >/dev/null
	ask t.2 'subscribe output'
	[ "$(json 'j.ok' <ask.out)" = true ]
	go
	read -r -t 5 l1 <&5
	read -r -t 5 l2 <&5
	echo "$l1" | json '
if (j.event !== "process:output" || j.name !== "talk" || j.stream !== "out" ||
    j.text !== "a line" || "seq" in j || !(j.pid > 0))
	throw new Error(JSON.stringify(j));
"ok"'
	[ "$(echo "$l2" | json 'j.stream + " " + j.text')" = "err oops" ]
	! grep -q process:output "$HP_STATE_DIR/events.log"
	# none: no more of them.
	ask t.2 'subscribe none'
	go
	wait_until 5 grep -q ' out late$' "$HP_STATE_DIR/procs/talk/log"
	ask t.2 'ping'
	! grep -q process:output ask.out
	ask t.2 'subscribe output,nonsense'
	[ "$(json 'j.code' <ask.out)" = usage ]
	exec 5>&-
}

@test "subscribe metrics: process:metrics a sample to that subscriber, never to events.log" {
	local l n=0
	sup metrics-interval=100ms
	hp-spawn -n web -- sleep 1000 >/dev/null
	ask t.3 'subscribe metrics'
	[ "$(json 'j.ok' <ask.out)" = true ]
	while [ "$n" -lt 3 ] && IFS= read -r -t 5 l <&5; do
		case $l in *'"process:metrics"'*) n=$((n + 1)) ;; esac
	done
	[ "$n" -eq 3 ]
	echo "$l" | json '
if (j.name !== "web" || !(j.rss_bytes > 0) || j.processes !== 1 ||
    typeof j.cpu_percent !== "number" || "seq" in j)
	throw new Error(JSON.stringify(j));
"ok"'
	! grep -q process:metrics "$HP_STATE_DIR/events.log"
	# Another subscriber that did not ask hears none.
	ask t.4 'ping'
	! grep -q process:metrics ask.out
	exec 5>&-
}

@test "[supervisor] in hp.conf: bad keys and values are refused, FILE:LINE, exit 2" {
	local c=$BATS_TEST_TMPDIR/hp.conf
	printf '[supervisor]\nmetrics-interval = 5ms\n' >"$c"
	run --separate-stderr hp-supervise -f "$c"
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $c:2: metrics-interval: 0 or a duration of 100ms to 3600s: 5ms" ]
	printf '[supervisor]\nnosuch = 1\n' >"$c"
	run --separate-stderr hp-supervise -f "$c"
	[ "$stderr" = "hp-supervise: $c:2: unknown key of [supervisor]: nosuch" ]
	printf '[supervisor]\nmetrics-listen = http://127.0.0.1:1/\n' >"$c"
	run --separate-stderr hp-supervise -f "$c"
	[ "$stderr" = "hp-supervise: $c:2: metrics-listen: http://127.0.0.1:1/: tcp://HOST:PORT or unix:PATH" ]
	printf '[supervisor]\nmetrics-listen = unix:rel.sock\n' >"$c"
	run --separate-stderr hp-supervise -f "$c"
	[ "$stderr" = "hp-supervise: $c:2: metrics-listen: unix:rel.sock: an absolute path" ]
	printf '[supervisor]\n[ supervisor ]\n' >"$c"
	run --separate-stderr hp-supervise -f "$c"
	[ "$stderr" = "hp-supervise: $c:2: [supervisor] is given twice" ]
	[ "$status" -eq 2 ]
	[ ! -e "$HP_STATE_DIR/lock" ]
}

# prom EXPECT: python3-prometheus-client's parser reads hp-ls
# --prometheus; EXPECT is Python run with "fam" (families by name) and
# "val(family, labels...)".
prom() {
	hp-ls --prometheus >"$BATS_TEST_TMPDIR/prom.txt"
	"$PY" - "$BATS_TEST_TMPDIR/prom.txt" "$1" <<'EOF'
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
fam = {f.name: f for f in text_string_to_metric_families(text)}
def val(metric, **labels):
    for f in fam.values():
        for s in f.samples:
            if s.name == metric and s.labels == labels:
                return s.value
    raise KeyError(metric + str(labels))
exec(sys.argv[2])
EOF
}

@test "hp-ls --prometheus: the text format, as python3-prometheus-client parses it" {
	local t=$BATS_TEST_TMPDIR
	hp-spawn -n web --backoff-min 10ms -- \
	    sh -c '[ -e ran ] && exec sleep 1000; touch ran; exit 1' >/dev/null
	hp-spawn -w -t system -n once -- sh -c 'exit 3' >/dev/null || true
	wait_until 5 st_is web restarts 1
	wait_until 5 st_is web state running
	run prom '
assert fam["hp_process_up"].type == "gauge"
assert val("hp_process_up", name="web", type="service") == 1
assert val("hp_process_up", name="once", type="system") == 0
assert val("hp_process_state", name="web", state="running") == 1
assert val("hp_process_state", name="web", state="stopped") == 0
assert val("hp_process_state", name="once", state="exited") == 1
assert fam["hp_process_restarts"].type == "counter"
assert val("hp_process_restarts_total", name="web") == 1
assert fam["hp_process_cpu_seconds"].type == "counter"
assert val("hp_process_cpu_seconds_total", name="web") >= 0
assert val("hp_process_resident_memory_bytes", name="web") > 0
assert val("hp_process_resident_memory_bytes", name="once") == 0
assert val("hp_process_health", name="web", health="unknown") == 1
assert val("hp_supervisor_up") == 1
assert val("hp_supervisor_processes") == 2
assert val("hp_supervisor_events_total") > 5
assert val("hp_supervisor_uptime_seconds") >= 0
assert val("hp_build_info", version="0.1.0") == 1
print("ok")'
	echo "$output"
	[ "$output" = ok ]
	# Named: those only; one that is not there fails, the others shown.
	run --separate-stderr hp-ls --prometheus web nope
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-ls: nope: no such process" ]
	[[ $output == *'hp_process_up{name="web",type="service"} 1'* ]]
	[[ $output != *'name="once"'* ]]
	# Without a supervisor: what the files say, and no supervisor.
	hp-supervise shutdown >/dev/null
	run prom '
assert val("hp_supervisor_up") == 0
assert val("hp_process_up", name="web", type="service") == 0
assert "hp_supervisor_events" not in fam
print("ok")'
	[ "$output" = ok ]
}

# get PATH [CURL OPTION...]: curl -si of PATH at the supervisor's address.
get() {
	local p=$1
	shift
	curl -s -i --max-time 10 "$@" "http://127.0.0.1:$PORT$p"
}

@test "metrics-listen: /metrics scraped by curl, in both formats; /healthz; 404, 405, HEAD" {
	freeport
	sup "metrics-listen=tcp://127.0.0.1:$PORT"
	hp-spawn -n web -- sleep 1000 >/dev/null
	run get /metrics
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "HTTP/1.1 200 OK"* ]]
	[[ $output == *"Content-Type: text/plain; version=0.0.4; charset=utf-8"* ]]
	[[ $output == *'hp_process_up{name="web",type="service"} 1'* ]]
	# OpenMetrics when the scraper asks for it, read by its own parser.
	get /metrics -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5' \
	    >"$BATS_TEST_TMPDIR/om"
	grep -q '^Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8' "$BATS_TEST_TMPDIR/om"
	run "$PY" - "$BATS_TEST_TMPDIR/om" <<'EOF'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
raw = open(sys.argv[1], newline="").read()
body = raw.split("\r\n\r\n", 1)[1]
fam = {f.name: f for f in text_string_to_metric_families(body)}
assert fam["hp_process_restarts"].type == "counter"
assert fam["hp_build"].type == "info"
up = [s for s in fam["hp_process_up"].samples if s.labels["name"] == "web"]
assert up[0].value == 1
print("ok")
EOF
	echo "$output"
	[ "$output" = ok ]
	run get /healthz
	[[ ${lines[0]} == "HTTP/1.1 200 OK"* ]]
	[[ $output == *$'\r\n\r\nok' ]]
	run get /nope
	[[ ${lines[0]} == "HTTP/1.1 404 Not Found"* ]]
	run get /metrics -X POST
	[[ ${lines[0]} == "HTTP/1.1 405 Method Not Allowed"* ]]
	[[ $output == *"Allow: GET, HEAD"* ]]
	run get /metrics -I
	[[ ${lines[0]} == "HTTP/1.1 200 OK"* ]]
	[[ $output != *hp_process_up* ]]
}

@test "metrics-listen unix:PATH: a socket of mode 0600, scraped through it" {
	local s=$BATS_TEST_TMPDIR/m.sock
	sup "metrics-listen=unix:$s"
	[ -S "$s" ]
	[ "$(stat -c %a "$s")" = 600 ]
	run curl -s --max-time 10 --unix-socket "$s" http://x/healthz
	[ "$output" = ok ]
	hp-supervise shutdown >/dev/null
	[ ! -e "$s" ]
	# A socket nobody listens on is taken over; a file is not.
	"$PY" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$s"
	sup "metrics-listen=unix:$s"
	run curl -s --max-time 10 --unix-socket "$s" http://x/healthz
	[ "$output" = ok ]
	hp-supervise shutdown >/dev/null
	echo data >"$s"
	run --separate-stderr sup "metrics-listen=unix:$s"
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: start a supervisor for $HP_STATE_DIR: metrics-listen unix:$s: exists and is no socket" ]
	[ "$(cat "$s")" = data ]
}

@test "/readyz: 503 until every process with a readiness rule is ready" {
	freeport
	sup "metrics-listen=tcp://127.0.0.1:$PORT"
	hp-spawn -n plain -- sleep 1000 >/dev/null
	run get /readyz
	[[ ${lines[0]} == "HTTP/1.1 200 OK"* ]]
	mkfifo "$BATS_TEST_TMPDIR/go"
	hp-spawn -n slow --ready-fd 3 -- sh -c 'read x <"$0"; echo up >&3; exec sleep 1000' \
	    "$BATS_TEST_TMPDIR/go" >/dev/null
	run get /readyz
	[[ ${lines[0]} == "HTTP/1.1 503 Service Unavailable"* ]]
	[[ $output == *"not ready: slow"* ]]
	go
	wait_until 5 st_is slow state running
	run get /readyz
	[[ ${lines[0]} == "HTTP/1.1 200 OK"* ]]
	# Stopped on request, it is not waited for.
	hp-supervise stop slow >/dev/null
	run get /readyz
	[[ ${lines[0]} == "HTTP/1.1 200 OK"* ]]
}

@test "the responder: bad, huge and unfinished requests end, the loop goes on" {
	freeport
	sup "metrics-listen=tcp://127.0.0.1:$PORT"
	run "$PY" - "$PORT" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
def req(data, wait=10):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(wait)
    s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except ConnectionResetError:
        pass
    return out.split(b"\r\n", 1)[0].decode()
print(req(b"GARBAGE\r\n\r\n"))
print(req(b"GET /metrics HTTP/2.0\r\n\r\n"))
print(req(b"GET /healthz HTTP/1.1\r\nX-" + b"a" * 9000 + b"\r\n\r\n"))
print(req(b"GET /healthz HTTP/1.0\r\nbad header\r\n\r\n"))
# Many at once, one of them never finished: the others are answered.
slow = socket.create_connection(("127.0.0.1", port))
slow.sendall(b"GET /healthz HTTP/1.1\r\n")
many = [req(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") for _ in range(40)]
print(len([m for m in many if m.startswith("HTTP/1.1 200")]))
t = time.time()
slow.settimeout(20)
print(slow.recv(100).split(b"\r\n", 1)[0].decode(), int(time.time() - t) < 15)
EOF
	echo "$output"
	[ "${lines[0]}" = "HTTP/1.1 400 Bad Request" ]
	[ "${lines[1]}" = "HTTP/1.1 505 HTTP Version Not Supported" ]
	[ "${lines[2]}" = "HTTP/1.1 431 Request Header Fields Too Large" ]
	[ "${lines[3]}" = "HTTP/1.1 400 Bad Request" ]
	[ "${lines[4]}" = 40 ]
	[ "${lines[5]}" = "HTTP/1.1 408 Request Timeout True" ]
	run hp-supervise status
	[ "$status" -eq 0 ]
}

# taken: a server of ours on a port of its own, PORT; its pid in pid.
taken() {
	local out="$BATS_TEST_TMPDIR/taken.$RANDOM"
	"$HTTPD" >"$out" 3>&- &
	pid=$!
	track "$pid"
	wait_until 5 test -s "$out"
	PORT=$(cat "$out")
}

@test "metrics-listen: an address in use stops the start; a reload moves it, or changes nothing" {
	local pid
	taken
	run --separate-stderr sup "metrics-listen=tcp://127.0.0.1:$PORT"
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: start a supervisor for $HP_STATE_DIR: metrics-listen tcp://127.0.0.1:$PORT: Address already in use" ]
	run hp-supervise status
	[ "$status" -eq 1 ]
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	# Another port, then a reload to a port in use: refused, as it was.
	sup "metrics-listen=tcp://127.0.0.1:$PORT"
	old=$PORT
	taken
	printf '[supervisor]\nmetrics-listen = tcp://127.0.0.1:%s\n' "$PORT" >hp.conf
	run --separate-stderr hp-supervise reload
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: reload: metrics-listen tcp://127.0.0.1:$PORT: Address already in use" ]
	PORT=$old run get /healthz
	[[ ${lines[0]} == "HTTP/1.1 200 OK"* ]]
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	run hp-supervise reload
	[ "$status" -eq 0 ]
	run get /healthz
	[[ ${lines[0]} == "HTTP/1.1 200 OK"* ]]
	PORT=$old run get /healthz
	[ "$status" -ne 0 ]
	# Without the section, nothing is served.
	: >hp.conf
	hp-supervise reload >/dev/null
	run get /healthz
	[ "$status" -ne 0 ]
}

@test "instances: --prometheus and -l take them one at a time, NAME:I" {
	sup metrics-interval=1s
	hp-spawn -n w -i 2 -- sh -c 'echo "i=$HP_INSTANCE"; exec sleep 1000' \
	    >/dev/null
	wait_until 10 grep -q ' out i=2$' "$HP_STATE_DIR/procs/w/2/log"
	wait_until 10 grep -q ' out i=1$' "$HP_STATE_DIR/procs/w/1/log"
	run hp-ls --prometheus
	[ "$status" -eq 0 ]
	[[ $output == *'hp_process_up{name="w:1",'* ]]
	[[ $output == *'hp_process_up{name="w:2",'* ]]
	run hp-ls -l 'w:*'
	[ "$status" -eq 0 ]
	[[ ${lines[*]} == *"w:1 "*" out i=1"* ]]
	[[ ${lines[*]} == *"w:2 "*" out i=2"* ]]
}
