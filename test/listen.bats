#!/usr/bin/env bats
# hp: see LICENSE.
# listen.bats: sockets the supervisor holds (listen =), passed as systemd
# passes them, kept across restarts, reloads and crashes: a real HTTP
# server (test/sockd) under a load generator (test/loadgen) that opens a
# connection per request. The control: the same server binding its own
# socket refuses connections while it restarts.

load helpers
load supervise
load held

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# pid NAME: NAME's pid as its status says it.
pid() {
	st "$1" pid
}

@test "listen: port 0 binds a free port, shown in the status, hp-ls and its JSON" {
	spawn -n web --listen tcp://127.0.0.1:0 -- "$SOCKD"
	p=$(port web)
	[ -n "$p" ] && [ "$p" -gt 0 ]
	run hp-ls web
	[ "${lines[2]}" = "  listen tcp://127.0.0.1:$p" ]
	[ "$(hp-ls --json web | json 'j[0].listen.join()')" = "tcp://127.0.0.1:$p" ]
	run curl -s "http://127.0.0.1:$p/"
	[ "$output" = "$PID" ]
}

@test "listen: tcp://[::1]:0, in hp-health's syntax, shown as bound" {
	grep -q ' lo$' /proc/net/if_inet6 2>/dev/null ||
	    skip "no IPv6 loopback on this machine"
	spawn -n v6 --listen 'tcp://[::1]:0' -- "$SOCKD"
	a=$(st v6 listen)
	[[ "$a" = "tcp://[::1]:"* ]]
	p=${a##*:}
	[ "$p" -gt 0 ]
	[ "$(curl -gs "http://[::1]:$p/")" = "$PID" ]
	run hp-health "$a"
	[ "$status" -eq 0 ]
}

@test "listen: the program gets it as systemd passes it, from fd 3" {
	spawn -n env -w --listen tcp://127.0.0.1:0 --listen "unix:$BATS_TEST_TMPDIR/s.sock" \
	    -r no -- sh -c 'echo "$LISTEN_FDS $LISTEN_PID $$ $LISTEN_FDNAMES";
	    ls -l /proc/$$/fd/3 /proc/$$/fd/4; test ! -e /proc/$$/fd/5'
	run hp-ls -l env
	set -- ${lines[0]}
	[ "$3" = 2 ] && [ "$4" = "$5" ] && [ "$6" = env:env ]
	[[ "${lines[1]}" = *"-> socket:["* ]]
	[[ "${lines[2]}" = *"-> socket:["* ]]
	[ "$(st env state)" = exited ] && [ "$(st env exit-code)" = 0 ]
}

@test "listen: 20 restarts, 20 reloads: not one request fails" {
	spawn -n web --listen tcp://127.0.0.1:0 -- "$SOCKD" -w 2
	load "$(port web)"
	for i in $(seq 20); do
		old=$(pid web)
		run hp-supervise restart web
		[ "$status" -eq 0 ]
		[ "$(pid web)" != "$old" ]
	done
	for i in $(seq 20); do
		old=$(pid web)
		run hp-supervise reload web
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "web running $(pid web)" ]
		[ "$(pid web)" != "$old" ]
		! alive "$old"
	done
	stop
	[ "$(count requests)" -gt 100 ]
	[ "$(count failed)" -eq 0 ]
	[ "$(count refused)" -eq 0 ]
	[ "$(count timeouts)" -eq 0 ]
	[ "$(count ok)" -eq "$(count requests)" ]
	[ "$(count pids)" -gt 1 ]
	[ "$(evcount web process:reloaded)" -eq 20 ]
}

@test "listen: 20 SIGKILLs: not one connection refused" {
	spawn -n web --listen tcp://127.0.0.1:0 --backoff-min 10ms \
	    --backoff-max 50ms --max-restarts 0 -- "$SOCKD"
	load "$(port web)"
	for i in $(seq 20); do
		old=$(pid web)
		kill -KILL "$old"
		wait_until 10 running_not web "$old"
	done
	stop
	[ "$(count refused)" -eq 0 ]
	[ "$(count timeouts)" -eq 0 ]
	# What was in flight may die with its process: at most a few.
	[ "$(count failed)" -le 80 ]
	[ "$(count ok)" -gt 100 ]
}

@test "listen: the control: without held sockets a restart refuses connections" {
	# The program binds its own socket, on a port found free.
	p=$(node -e 'const s = require("net").createServer().listen(0,
	    "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
	spawn -n bare -- "$SOCKD" -p "$p"
	wait_until 5 curl -sf "http://127.0.0.1:$p/" -o /dev/null
	load "$p"
	for i in $(seq 20); do
		run hp-supervise restart bare
		[ "$status" -eq 0 ]
	done
	stop
	[ "$(count refused)" -gt 0 ]
}

@test "listen: a stop closes the sockets (refused), a start opens them again" {
	spawn -n web --listen tcp://127.0.0.1:0 -- "$SOCKD"
	p=$(port web)
	curl -sf "http://127.0.0.1:$p/" -o /dev/null
	hp-supervise stop web
	run curl -s "http://127.0.0.1:$p/"
	[ "$status" -eq 7 ]		# could not connect: refused
	! grep -q '^listen' "$HP_STATE_DIR/procs/web/status"
	hp-supervise start web
	q=$(port web)
	[ -n "$q" ]
	curl -sf "http://127.0.0.1:$q/" -o /dev/null
}

@test "listen: a crash keeps the socket; connections wait in the backlog" {
	spawn -n web --listen tcp://127.0.0.1:0 --backoff-min 300ms \
	    --backoff-max 300ms -- "$SOCKD"
	p=$(port web)
	kill -KILL "$PID"
	wait_until 5 st_is web state backoff
	# Asked while nothing runs: answered once it is back.
	run curl -s -m 10 "http://127.0.0.1:$p/"
	[ "$status" -eq 0 ]
	[ "$output" = "$(pid web)" ]
	[ "$output" != "$PID" ]
}

@test "listen: a unix socket gets listen-mode and is removed with its process" {
	spawn -n u --listen "unix:$BATS_TEST_TMPDIR/u.sock" -o listen-mode=0620 \
	    -- "$SOCKD"
	[ -S u.sock ]
	[ "$(stat -c %a u.sock)" = 620 ]
	[ "$(st u listen)" = "unix:$BATS_TEST_TMPDIR/u.sock" ]
	run curl -s --unix-socket u.sock http://x/
	[ "$output" = "$PID" ]
	hp-supervise remove u
	# Closed and unlinked at the end of the supervisor's turn.
	wait_until 5 eval '[ ! -e u.sock ]'
}

@test "listen: listen-owner names its owner; another user's needs root" {
	if [ "$(id -u)" -ne 0 ]; then
		run hp-spawn -n u --listen "unix:$BATS_TEST_TMPDIR/u.sock" \
		    -o listen-owner=root -- "$SOCKD"
		[ "$status" -eq 1 ]
		[[ "$output" = *"listen unix:"*"Operation not permitted"* ]]
		return
	fi
	spawn -n u --listen "unix:$BATS_TEST_TMPDIR/u.sock" \
	    -o listen-owner=nobody:nogroup -- "$SOCKD"
	[ "$(stat -c %U:%G u.sock)" = nobody:nogroup ]
}

@test "listen: an address in use, or not ours, is a failure to start" {
	spawn -n a --listen tcp://127.0.0.1:0 -- "$SOCKD"
	p=$(port a)
	run hp-spawn -n b --listen "tcp://127.0.0.1:$p" -- "$SOCKD"
	[ "$status" -eq 1 ]
	[ "$output" = "hp-spawn: b: listen tcp://127.0.0.1:$p: Address already in use" ]
	[ ! -e "$HP_STATE_DIR/procs/b" ]
	touch file
	run hp-spawn -n c --listen "unix:$BATS_TEST_TMPDIR/file" -- "$SOCKD"
	[ "$status" -eq 1 ]
	[[ "$output" = *"file: File exists" ]]
}

@test "listen: bad addresses and clashes are usage errors" {
	run hp-spawn --listen http://127.0.0.1:80/ -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: listen: http://127.0.0.1:80/: an address to listen on is tcp://HOST:PORT or unix:PATH" ]
	run hp-spawn --listen tcp://127.0.0.1 -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: listen: tcp://127.0.0.1: no port" ]
	run hp-spawn --listen tcp://127.0.0.1:0 --ready-fd 3 -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: ready-fd 3: taken by its listen sockets (from 3 up)" ]
	run hp-spawn -o listen-mode=999 -- true
	[ "$status" -eq 2 ]
}

@test "listen: a node program gets its channel above the sockets" {
	cat >srv.js <<'EOF'
const http = require('http');
process.on('message', (m) => {
	if (m === 'fds') process.send({ fds: process.env.LISTEN_FDS });
});
http.createServer((q, r) => r.end('node\n')).listen({ fd: 3 });
EOF
	spawn -n nj -t node --listen tcp://127.0.0.1:0 -- srv.js
	p=$(port nj)
	wait_until 10 curl -sf "http://127.0.0.1:$p/" -o /dev/null
	[ "$(curl -s "http://127.0.0.1:$p/")" = node ]
	hp-supervise send nj '"fds"'
	wait_until 5 evcount_ge nj process:message 1
	# The channel works, so it is not on the socket's descriptor.
	grep -q '"message":{"fds":"1"}' "$HP_STATE_DIR/events.log"
}

@test "listen: hp.conf: a changed section with held sockets is reloaded, not restarted" {
	cat >a.conf <<EOF
[service web]
exec = $SOCKD -w 2
listen = tcp://127.0.0.1:0
EOF
	fg -f "$PWD/a.conf"
	wait_until 5 st_is web state running
	load "$(port web)"
	sed -i 's/-w 2/-w 3/' a.conf
	run hp-supervise reload
	[ "$output" = "0 added, 1 changed, 0 removed, 0 unchanged" ]
	wait_until 10 evcount_ge web process:reloaded 1
	stop
	[ "$(count failed)" -eq 0 ] && [ "$(count refused)" -eq 0 ]
	grep -q 'exec = .*sockd -w 3' "$HP_STATE_DIR/procs/web/spec"
	[ "$(evcount web process:stopped)" -eq 0 ]
}

@test "listen: a supervisor gone in a reload: the next one stops the old run" {
	spawn -n web --listen tcp://127.0.0.1:0 -o ready=notify -- sh -c \
	    'test -f slow && exec '"$SOCKD"' -d 100000; exec '"$SOCKD"
	old=$PID
	touch slow
	hp-supervise reload web >/dev/null 2>&1 &
	track $!
	wait_until 5 st_is web state reloading
	[ "$(st web old-pid)" = "$old" ]
	kill -KILL "$(supervisor_pid)"
	wait_until 5 unsupervised
	rm slow
	hp-supervise -b
	wait_until 10 gone "$old"
	wait_until 10 st_is web state running
	grep -q "the old run of a reload, pid $old, sent its stop signal" \
	    "$HP_STATE_DIR/supervise.log"
	curl -sf "http://127.0.0.1:$(port web)/" -o /dev/null
}
