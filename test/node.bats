#!/usr/bin/env bats
# hp: see LICENSE.
# node.bats: node processes with real Node.js: the interpreter found on
# the enhanced PATH, the IPC channel both ways (process:message events,
# hp-supervise send), the channel's life across stops and restarts.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	JS="$ROOT/test/node"
	USAGE="try 'hp-supervise --help'"
}

# messages NAME: NAME's process:message events, one a line: the message
# as JSON.stringify writes it (so a string stays a string, an object an
# object), then " dropped=N" when the event says N were dropped before.
messages() {
	node -e '
const fs = require("fs");
const [file, name] = process.argv.slice(1);
for (const l of fs.readFileSync(file, "utf8").split("\n")) {
	if (!l) continue;
	const e = JSON.parse(l);
	if (e.name !== name || e.event !== "process:message") continue;
	if (e.type !== "node" || !(e.pid > 0)) throw new Error("bad: " + l);
	console.log(JSON.stringify(e.message) +
	    (e.dropped ? " dropped=" + e.dropped : ""));
}' "$HP_STATE_DIR/events.log" "$1"
}

# sent NAME TEXT: NAME has sent the message TEXT (compact JSON).
sent() {
	grep -F "\"event\":\"process:message\",\"name\":\"$1\"" \
	    "$HP_STATE_DIR/events.log" 2>/dev/null |
	    grep -qF "\"message\":$2}"
}

# count NAME TEXT: how many of NAME's messages contain TEXT.
count() {
	grep -F "\"event\":\"process:message\",\"name\":\"$1\"" \
	    "$HP_STATE_DIR/events.log" 2>/dev/null | grep -cF "$2"
}

count_is() {
	[ "$(count "$1" "$2")" -eq "$3" ]
}

# once ARGV EXECARGV FD WRAPPER: the message once.js sends, as JSON.
once() {
	printf '{"done":true,"argv":%s,"execArgv":%s,"fd":%s,"wrapper":%s}\n' \
	    "$@"
}

unsupervised() {
	! hp-supervise status >/dev/null 2>&1
}

# ended PID: no such process, or only its zombie.
ended() {
	case $(ps -o stat= -p "$1") in ""|Z*) return 0 ;; esac
	return 1
}

# echo_up NAME: an echo.js program called NAME, started and listening.
echo_up() {
	spawn -n "$1" -t node "${@:2}" -- "$JS/echo.js" || return 1
	wait_until 10 sent "$1" '{"ready":true,"n":1}'
}

@test "hp-spawn -t node: process.send() becomes a process:message event" {
	run --separate-stderr hp-spawn -n echo -t node -- "$JS/echo.js"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	pid=${output#echo }
	wait_until 10 sent echo '{"ready":true,"n":1}'
	# The message is the object itself, not a string of it.
	run messages echo
	[ "$output" = '{"ready":true,"n":1}' ]
	grep -F '"event":"process:message"' "$HP_STATE_DIR/events.log" >ev
	[ "$(json 'j.pid' <ev)" = "$pid" ]
	[ "$(json 'typeof j.message' <ev)" = object ]
	# node runs the script: hp-ls tells the type.
	[ "$(hp-ls --json echo | json 'j[0].type')" = node ]
	run hp-ls echo
	[ "$(echo "${lines[1]}" | awk '{ print $1, $2, $3 }')" = \
	    "echo node running" ]
	[ "$(st echo type)" = node ]
	grep -qx 'type = node' "$HP_STATE_DIR/procs/echo/spec"
	grep -qx "exec = $JS/echo.js" "$HP_STATE_DIR/procs/echo/spec"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = \
	    "$(command -v node) $JS/echo.js " ]
}

@test "hp-spawn app.js: a lone script, no --, runs as -t node does" {
	cp "$JS/echo.js" app.js
	run --separate-stderr hp-spawn app.js
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	# Named as hp-spawn -t node -- app.js names it.
	pid=${output#app.js }
	[ "$output" = "app.js $pid" ]
	wait_until 10 sent app.js '{"ready":true,"n":1}'
	[ "$(hp-ls --json app.js | json 'j[0].type')" = node ]
	[ "$(st app.js type)" = node ]
	grep -qx 'exec = app.js' "$HP_STATE_DIR/procs/app.js/spec"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "$(command -v node) app.js " ]
	# node's own keys go with it, before the type is said or not.
	cp "$JS/echo.js" mod.cjs
	spawn -n mod -o node-args=--no-warnings mod.cjs
	wait_until 10 sent mod '{"ready":true,"n":1}'
	[ "$(tr '\0' ' ' <"/proc/$PID/cmdline")" = \
	    "$(command -v node) --no-warnings mod.cjs " ]
	spawn -n typed -t node app.js
	wait_until 10 sent typed '{"ready":true,"n":1}'
	[ "$(st typed type)" = node ]
	# Not a script, another type, more than one operand: -- is wanted.
	for args in "app.txt" "-t service app.js" "app.js x" "x app.js" \
	    "-n app.js"; do
		# shellcheck disable=SC2086
		run --separate-stderr hp-spawn $args
		echo "$args: $status $stderr"
		[ "$status" -eq 2 ]
		[ "$stderr" = "hp-spawn: missing -- before the command
try 'hp-spawn --help'" ]
	done
	[ ! -e "$HP_STATE_DIR/procs/app.txt" ]
}

@test "send: the message reaches process.on('message'), the answer comes back" {
	echo_up echo
	run --separate-stderr hp-supervise send echo '{"ping": 1}'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "echo ok" ]
	wait_until 10 sent echo "{\"echo\":{\"ping\":1},\"pid\":$PID}"
	# Any JSON value; white space and lines are nothing to it.
	hp-supervise send echo '"text"'
	hp-supervise send echo "[1, {\"a\": null},
	    \"b c\"]"
	run --separate-stderr hp-supervise --json send echo 2.5e3
	[ "$status" -eq 0 ]
	[ "$output" = "[{\"name\":\"echo\",\"ok\":true,\"pid\":$PID}]" ]
	wait_until 10 sent echo "{\"echo\":2500,\"pid\":$PID}"
	run messages echo
	[ "$output" = "{\"ready\":true,\"n\":1}
{\"echo\":{\"ping\":1},\"pid\":$PID}
{\"echo\":\"text\",\"pid\":$PID}
{\"echo\":[1,{\"a\":null},\"b c\"],\"pid\":$PID}
{\"echo\":2500,\"pid\":$PID}" ]
}

@test "send: bad JSON, a missing or long message, Node's own cmd: usage, 2" {
	long="\"$(printf '%04000d' 0)\""
	# Pairs of the message and the JSON that gets it.
	set -- "send: not valid JSON: {bad" '{bad' \
	    "send: not valid JSON: {\"a\":1} x" '{"a":1} x' \
	    "send: not valid JSON: " '' \
	    "send: not valid JSON: [1,]" '[1,]' \
	    "send: not valid JSON: 'a'" "'a'" \
	    "send: message too long (4002 bytes, at most 3900)" "$long" \
	    "send: a cmd of NODE_... is Node's own" '{"cmd": "NODE_HANDLE"}'
	while [ $# -gt 0 ]; do
		run --separate-stderr hp-supervise send echo "$2"
		[ "$status:$output" = 2: ]
		[ "$stderr" = "hp-supervise: $1"$'\n'"$USAGE" ]
		shift 2
	done
	want="hp-supervise: send wants a name and a message"
	run --separate-stderr hp-supervise send echo
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "$want" ]
	run --separate-stderr hp-supervise send echo 1 2
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "$want" ]
	run --separate-stderr hp-supervise send bad/name '{}'
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: invalid name: bad/name" ]
	run --separate-stderr hp-supervise --json send echo '{bad'
	[ "$status" -eq 2 ]
	[ "$output" = '{"error":{"code":"usage","message":'\
'"send: not valid JSON: {bad"}}' ]
	# Nothing was done: not even a state directory.
	[ ! -e "$HP_STATE_DIR" ]
}

@test "send to a service, a stopped program, an unknown name, no supervisor" {
	run hp-supervise send echo '{}'
	[ "$status" -eq 1 ]
	[ "$output" = "hp-supervise: no supervisor runs for $HP_STATE_DIR" ]
	spawn -n svc -- sleep 300
	run --separate-stderr hp-supervise send svc '{"a":1}'
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-supervise: svc: not a node process" ]
	run --separate-stderr hp-supervise --json send svc '{"a":1}'
	[ "$status" -eq 1 ]
	[ "$(json 'j[0].error.code' <<<"$output")" = not-node ]
	echo_up echo
	hp-supervise stop echo
	run --separate-stderr hp-supervise --json send echo '{"a":1}'
	[ "$status" -eq 1 ]
	[ "$(json 'j[0].error.code' <<<"$output")" = not-running ]
	[ "$stderr" = "hp-supervise: echo: not running" ]
	run --separate-stderr hp-supervise --json send nosuch '{"a":1}'
	[ "$status" -eq 1 ]
	[ "$(json 'j[0].error.code' <<<"$output")" = not-found ]
	# With no supervisor, none is started to be told.
	hp-supervise shutdown
	run --separate-stderr hp-supervise --json send echo '{"a":1}'
	[ "$status" -eq 1 ]
	[ "$(json 'j.error.code' <<<"$output")" = not-running ]
	run hp-supervise status
	[ "$status" -eq 1 ]
}

@test "a restart, by verb or after a crash, makes a new channel that works" {
	echo_up echo
	first=$PID
	run hp-supervise restart echo
	[ "$status" -eq 0 ]
	second=$(st echo pid)
	[ "$second" != "$first" ]
	wait_until 10 count_is echo '{"ready":true,"n":1}' 2
	hp-supervise send echo '{"ping":2}'
	wait_until 10 sent echo "{\"echo\":{\"ping\":2},\"pid\":$second}"
	# It crashes (exit 3); restarted, it is told again.
	hp-supervise send echo '{"exit":3}'
	wait_until 10 count_is echo '{"ready":true,"n":1}' 3
	third=$(st echo pid)
	[ "$third" != "$second" ]
	hp-supervise send echo '{"ping":3}'
	wait_until 10 sent echo "{\"echo\":{\"ping\":3},\"pid\":$third}"
	[ "$(count echo '"ping":2')" -eq 1 ]
}

@test "stop: the program ends at its stop signal, and its channel goes" {
	echo_up echo --stop-timeout 30s
	start=$(date +%s)
	run hp-supervise stop echo
	[ "$status" -eq 0 ]
	[ "$output" = "echo stopped" ]
	# Well before the stop timeout: no SIGKILL was needed.
	[ $(( $(date +%s) - start )) -lt 10 ]
	grep -F '"event":"process:stopped","name":"echo"' \
	    "$HP_STATE_DIR/events.log" >ev
	[ "$(json 'j.signal + " " + j.error' <ev)" = "TERM undefined" ]
	ended "$PID"
	# Started again, it is a new program with a new channel.
	hp-supervise start echo
	wait_until 10 count_is echo '{"ready":true,"n":1}' 2
	hp-supervise send echo '"again"'
	wait_until 10 sent echo "{\"echo\":\"again\",\"pid\":$(st echo pid)}"
}

@test "a program that never listens ends on its own; so does one that stops" {
	spawn -n once -r no -t node -- "$JS/once.js" a b
	wait_until 10 st_is once state exited
	[ "$(st once exit-code)" = 0 ]
	run messages once
	[ "$output" = "$(once '["a","b"]' '[]' 3 null)" ]
	# Listening keeps it up; no longer listening, it is done.
	echo_up echo -r no
	hp-supervise send echo '{"off":true}'
	wait_until 10 st_is echo state exited
	[ "$(st echo exit-code)" = 0 ]
	sent echo "{\"echo\":{\"off\":true},\"pid\":$PID}"
}

@test "a program that closes its channel runs on; send says no-channel" {
	echo_up echo
	hp-supervise send echo '{"disconnect":true}'
	wait_until 10 sent echo "{\"echo\":{\"disconnect\":true},\"pid\":$PID}"
	# The supervisor sees its end closed, at once or at its next write.
	closed() {
		run --separate-stderr hp-supervise --json send echo '"x"'
		[ "$status" -eq 1 ] &&
		    [ "$(json 'j[0].error.code' <<<"$output")" = no-channel ]
	}
	wait_until 10 closed
	[ "$stderr" = "hp-supervise: echo: its channel is closed" ]
	[ "$(st echo state)" = running ]
	[ "$(st echo pid)" = "$PID" ]
}

@test "after the supervisor is killed, the next one gives a new channel" {
	echo_up echo
	old=$(supervisor_pid)
	kill -KILL "$old"
	wait_until 10 unsupervised
	# Its channel gone, a program with nothing else to do ends on its own.
	wait_until 10 ended "$PID"
	hp-supervise -b
	wait_until 10 count_is echo '{"ready":true,"n":1}' 2
	[ "$(st echo pid)" != "$PID" ]
	hp-supervise send echo '{"ping":1}'
	wait_until 10 sent echo "{\"echo\":{\"ping\":1},\"pid\":$(st echo pid)}"
}

@test "[node NAME] in hp.conf: node-args before the script, node = PATH" {
	printf '#!/bin/sh\nHP_WRAPPER=yes exec %s "$@"\n' "$(command -v node)" \
	    >mynode
	chmod 755 mynode
	cat >hp.conf <<-EOF
	[node once]
	exec = "$JS/once.js" x
	node-args = --max-old-space-size=64 --no-warnings
	restart = no

	[node wrapped]
	exec = "$JS/once.js" y
	node = ./mynode
	restart = no
	EOF
	run --separate-stderr hp-supervise -b -f hp.conf
	[ "$status" -eq 0 ]
	wait_until 10 st_is once state exited
	wait_until 10 st_is wrapped state exited
	run messages once
	[ "$output" = "$(once '["x"]' \
	    '["--max-old-space-size=64","--no-warnings"]' 3 null)" ]
	run messages wrapped
	[ "$output" = "$(once '["y"]' '[]' 3 '"yes"')" ]
	grep -qx 'node-args = --max-old-space-size=64 --no-warnings' \
	    "$HP_STATE_DIR/procs/once/spec"
	grep -qx 'node = ./mynode' "$HP_STATE_DIR/procs/wrapped/spec"
	[ "$(hp-ls --json once | json 'j[0].type')" = node ]
}

@test "hp.conf: node and node-args only in [node NAME]; node is one path" {
	printf '[service web]\nexec = web.js\nnode-args = --x\n' >a.conf
	run --separate-stderr hp-supervise -f a.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/a.conf:3: node-args: only for type "\
"node" ]
	printf '[node web]\nexec = web.js\nnode = a b\n' >b.conf
	run --separate-stderr hp-supervise -f b.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/b.conf:3: node: one path expected" ]
	printf '[nodejs web]\nexec = web.js\n' >c.conf
	run --separate-stderr hp-supervise -f c.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/c.conf:1: unknown section type: "\
"nodejs" ]
	[ ! -e "$HP_STATE_DIR" ]
}

@test "a node that cannot be found: exec-failed, node: command not found" {
	[ ! -e /usr/local/bin/node ] || skip "node in /usr/local/bin"
	mkdir home
	run -127 --separate-stderr env PATH=/nonexistent HOME="$PWD/home" \
	    "$HPBIN/hp-spawn" -n app -t node -- app.js
	[ "$status" -eq 127 ]
	[ "$output" = "" ]
	[ "$stderr" = "hp-spawn: app: node: command not found" ]
	run -127 --separate-stderr env PATH=/nonexistent HOME="$PWD/home" \
	    "$HPBIN/hp-spawn" --json -n app -t node -- app.js
	[ "$status" -eq 127 ]
	[ "$(json 'j.error.code' <<<"$output")" = exec-failed ]
	# node = NAME is looked for the same way.
	cat >hp.conf <<-EOF
	[node app]
	exec = app.js
	node = hp-no-such-node
	restart = no
	EOF
	hp-supervise shutdown
	hp-supervise -b -f hp.conf
	wait_until 10 st_is app state exited
	[ "$(st app exit-code)" = 127 ]
	[ "$(st app error)" = "hp-no-such-node: command not found" ]
}

@test "with ready-fd 3 the channel is on 4; NODE_CHANNEL_FD is not passed on" {
	run hp-spawn -n r -r no -t node --ready-fd 3 --wait-ready 10s \
	    -e READY_FD=3 -- "$JS/once.js"
	[ "$status" -eq 0 ]
	wait_until 10 st_is r state exited
	run messages r
	[ "$output" = "$(once '[]' '[]' 4 null)" ]
	# A channel of Node's that was meant for us reaches no one else.
	run env NODE_CHANNEL_FD=7 NODE_CHANNEL_SERIALIZATION_MODE=json \
	    hp-spawn -w -- sh -c 'echo "${NODE_CHANNEL_FD-unset}" \
	    "${NODE_CHANNEL_SERIALIZATION_MODE-unset}"'
	[ "$status" -eq 0 ]
	[ "$output" = "unset unset" ]
}

@test "too long for an event line: dropped, counted, warned of" {
	spawn -n big -r no -t node -- "$JS/big.js" 5000 3950 3000
	wait_until 10 st_is big state exited
	x=$(printf '%03000d' 0 | tr 0 x)
	run messages big
	[ "$output" = "{\"big\":\"$x\"} dropped=2
\"a string\"
{\"after\":true}" ]
	w="hp-supervise: warning: big: message dropped: longer than an event"
	grep -qxF "$w line (4000 bytes); 1 so far" "$HP_STATE_DIR/supervise.log"
	grep -qxF "$w line (4000 bytes); 2 so far" "$HP_STATE_DIR/supervise.log"
	# Every event is one line within the limit, seq with no gap.
	[ "$(awk 'length > 3999' "$HP_STATE_DIR/events.log")" = "" ]
	node -e '
const l = require("fs").readFileSync(process.argv[1], "utf8")
    .trim().split("\n").map(JSON.parse);
l.forEach((e, i) => { if (i && e.seq !== l[i - 1].seq + 1) process.exit(1); });
' "$HP_STATE_DIR/events.log"
}

@test "a full channel refuses with channel-full and blocks nothing" {
	echo_up a
	echo_up b
	hp-supervise signal STOP a
	pad="{\"pad\":\"$(printf '%03700d' 0)\"}"
	ok=0
	for i in $(seq 500); do
		run --separate-stderr hp-supervise --json send a "$pad"
		[ "$status" -eq 0 ] || break
		ok=$((ok + 1))
	done
	[ "$status" -eq 1 ]
	[ "$(json 'j[0].error.code' <<<"$output")" = channel-full ]
	full="hp-supervise: a: its channel is full:"
	[[ $stderr = "$full "*" bytes not read yet" ]]
	[ "$ok" -gt 10 ]
	# The loop goes on: b is told and answers meanwhile.
	hp-supervise send b '{"ping":1}'
	wait_until 10 sent b "{\"echo\":{\"ping\":1},\"pid\":$(st b pid)}"
	# Once a reads again, every message taken reaches it, whole.
	hp-supervise signal CONT a
	wait_until 20 count_is a '"pad"' "$ok"
	hp-supervise send a '"last"'
	wait_until 10 sent a "{\"echo\":\"last\",\"pid\":$(st a pid)}"
}

# cloexec_sockets PID: each socket of PID, and whether it is close-on-exec.
cloexec_sockets() {
	local f fd flags
	for f in /proc/$1/fd/*; do
		case $(readlink "$f") in socket:*) ;; *) continue ;; esac
		fd=${f##*/}
		flags=$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$1/fdinfo/$fd")
		echo "$fd $(( (8#$flags & 8#2000000) != 0 ))"
	done
}

@test "the supervisor's end of a channel is close-on-exec, and stays ours" {
	echo_up a
	echo_up b
	run cloexec_sockets "$(supervisor_pid)"
	[ "${#lines[@]}" -eq 2 ]
	[ "$(printf '%s\n' "${lines[@]}" | awk '{ print $2 }' | sort -u)" = 1 ]
	# No pipeline, no glob: the shell itself opens nothing to look.
	run hp-spawn -w -- sh -c 'for f in $(seq 3 40); do
	    [ -e /proc/$$/fd/$f ] && echo $f; done; echo end'
	[ "$status" -eq 0 ]
	[ "$output" = end ]
}

@test "events.log rotates under a flood of messages, and loses none" {
	cat >flood.js <<'END'
for (let i = 0; i < 9000; i++) process.send({ i, pad: "x".repeat(60) });
END
	spawn -n flood -t node -r no -- flood.js
	wait_until 60 st_is flood state exited
	[ -s "$HP_STATE_DIR/events.log.1" ]
	# Oldest first: every seq once, in order, and all 9000 messages.
	node -e '
const fs = require("fs");
const dir = process.argv[1];
let text = "";
for (const f of ["events.log.3", "events.log.2", "events.log.1", "events.log"])
	if (fs.existsSync(dir + "/" + f)) text += fs.readFileSync(dir + "/" + f, "utf8");
let seq = 0, n = 0;
for (const l of text.split("\n")) {
	if (!l) continue;
	const e = JSON.parse(l);
	if (seq && e.seq !== seq + 1) throw new Error("gap after " + seq);
	seq = e.seq;
	if (e.event === "process:message" && e.message.i === n) n++;
}
if (n !== 9000) throw new Error(n + " messages in order");
' "$HP_STATE_DIR"
}
