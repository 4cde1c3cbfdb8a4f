#!/usr/bin/env bats
# hp: see LICENSE.
# upgrade.bats: hp-supervise upgrade: the running supervisor hands itself
# over to another binary by exec, and nothing it keeps notices: the same
# pids, no restart, no byte lost or doubled, timers kept, events in order;
# a binary that cannot take over is refused and nothing changes.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	JS="$ROOT/test/node"
	NEW="$BATS_TEST_TMPDIR/new/hp-supervise"
	mkdir -p "$BATS_TEST_TMPDIR/new"
	cp "$ROOT/cmd/hp-supervise" "$NEW"
}

# upgrades N [PATH]: N upgrades in a row, each answered ok by the new
# image (the same pid as the supervisor's).
upgrades() {
	local i pid out
	pid=$(supervisor_pid)
	for i in $(seq "$1"); do
		out=$(hp-supervise --json upgrade ${2:+"$2"}) || {
			echo "upgrade $i: $out" >&2
			return 1
		}
		[[ $out == '{"ok":true,'*"\"pid\":$pid}" ]] || return 1
	done
}

# counted FILE: the numbers the counter wrote, in the log FILE, are 1, 2,
# 3 ... with no gap and none twice; prints how many.
counted() {
	node -e '
const fs = require("fs");
let want = 1;
// What follows the last newline is a line still being written.
const lines = fs.readFileSync(process.argv[1], "utf8").split("\n");
lines.pop();
for (const l of lines) {
	if (!l) continue;
	const n = Number(l.split(" ")[2]);
	if (n !== want) throw new Error("after " + (want - 1) + ": " + l);
	want++;
}
process.stdout.write(String(want - 1));' "$1"
}

# ts NAME EVENT: the ts, in ms since the epoch, of NAME's last EVENT.
ts() {
	node -e '
const fs = require("fs");
const [file, name, ev] = process.argv.slice(1);
let t = "";
for (const l of fs.readFileSync(file, "utf8").split("\n")) {
	if (!l) continue;
	const e = JSON.parse(l);
	if ((e.name || "") === name && e.event === ev) t = Date.parse(e.ts);
}
process.stdout.write(String(t));' "$HP_STATE_DIR/events.log" "$1" "$2"
}

# seqs: the seq of every event of events.log is the one before plus 1.
seqs() {
	node -e '
const fs = require("fs");
let seq = 0;
for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
	if (!l) continue;
	const e = JSON.parse(l);
	if (e.seq !== seq + 1 && seq !== 0) throw new Error("seq " + seq +
	    " then " + e.seq);
	seq = e.seq;
}' "$HP_STATE_DIR/events.log"
}

# held PID: the descriptors PID holds for what it keeps: all but those of
# /proc it keeps to sample, and the FIFOs of clients (they come and go).
held() {
	local f
	for f in /proc/"$1"/fd/*; do
		readlink "$f"
	done | grep -v -e '^/proc/' -e '/events/' | wc -l
}

# evcount_is_sup EVENT N: events.log has N of the supervisor's EVENT.
evcount_is_sup() {
	[ "$(grep -c "\"event\":\"$1\"" "$HP_STATE_DIR/events.log")" -eq "$2" ]
}

# sup_ts EVENT: the ts, in ms since the epoch, of the last such event.
sup_ts() {
	ts "" "$1"
}

# said FILE: the "n K" lines a terminal's client got are 1, 2, 3 ...
# with none twice (the first may be any); prints how many.
said() {
	tr -d '\r' <"$1" | awk '
	/^n [0-9]+$/ {
		if (last && $2 != last + 1) {
			print "after " last ": " $2 >"/dev/stderr"
			bad = 1
		}
		last = $2
		n++
	}
	END { print n + 0; exit bad }'
}

said_ge() {
	[ "$(said "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

# orphan GRACE: a supervisor whose parent has just died, with GRACE to
# wait for another; its parent in parent, a service of it in kid.
orphan() {
	sleep 1000 &
	parent=$!
	track "$parent"
	fg --parent "$parent" --parent-grace "$1"
	spawn -n kid -- sleep 1000
	kid=$PID
	kill -KILL "$parent"
	wait_until 5 evcount_is_sup supervisor:orphaned 1
}

lines_ge() {
	[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

@test "upgrade: usage, no supervisor, --handover-version" {
	run --separate-stderr hp-supervise upgrade a b
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "hp-supervise: upgrade takes one path at most" ]
	run --separate-stderr hp-supervise upgrade
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no supervisor runs for"* ]]
	run --separate-stderr hp-supervise --handover-version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^$HPVER\ [0-9]+\ [0-9]+$ ]]
	run --separate-stderr hp-supervise --handover 99
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad handover: 99"* ]]
}

@test "20 upgrades in a row: the same pids, no restart, no line lost or doubled, timers kept, events in order" {
	fg
	sup=$FG
	spawn -n count -- node -e \
	    'let i = 0; setInterval(() => console.log(++i), 1)'
	count=$PID
	spawn -n echo -t node -- "$JS/echo.js"
	echo=$PID
	# A terminal that prints all the time, a client attached to it. At
	# most about 100 KB/s: a client held up for longer than its grace
	# (250 ms) by a slow upgrade (a sanitized build) misses what the
	# scrollback no longer has, by design; at this pace that takes more
	# than 2 s.
	hp-pty -d -n term -- sh -c \
	    'i=0; while :; do i=$((i+1)); echo "n $i"
	    [ $((i % 100)) -ne 0 ] || sleep 0.01; done' >/dev/null
	term=$(st term pid)
	mkfifo c.in
	hp-pty --replay 0 --no-draw attach term <c.in >c.out 2>c.err &
	client=$!
	track "$client"
	exec 5>c.in
	# One in its backoff, one in its stop timeout: both long.
	spawn -n flap -r always --backoff-min 60s --backoff-max 60s -- \
	    sh -c 'while [ ! -e go ]; do sleep 0.02; done; exit 1'
	spawn -n stubborn --stop-timeout 60s -- \
	    sh -c 'trap "" TERM; touch stubborn.trapped
	    while :; do sleep 0.05; done'
	# Its trap is set before its stop signal can come.
	wait_until 5 exists stubborn.trapped
	touch go
	wait_until 10 st_is flap state backoff
	hp-supervise -t 90s stop stubborn >/dev/null 2>&1 &
	track $!
	wait_until 10 st_is stubborn state stopping
	deadline=$(st stubborn stop-at)
	wait_until 10 lines_ge "$HP_STATE_DIR/procs/count/log" 50
	wait_until 10 said_ge c.out 2000
	[ "$(hp-supervise status)" = "running $sup $HPVER" ]
	for i in $(seq 20); do
		hp-supervise send echo "{\"n\":$i}" >/dev/null
		upgrades 1 "$NEW"
	done
	# The terminal's client got every line once, and goes on getting them.
	! grep -q 'bytes missed' c.err
	t1=$(said c.out)
	wait_until 10 said_ge c.out $((t1 + 20))
	[ "$(st term pid)" = "$term" ]
	[ "$(st term clients)" = 1 ]
	[ "$(evcount term process:exited)" -eq 0 ]
	# The timers are the ones they were: nothing fired, nothing again.
	[ "$(st flap state)" = backoff ]
	[ "$(evcount flap process:started)" -eq 1 ]
	[ "$(st stubborn state)" = stopping ]
	[ "$(st stubborn stop-at)" = "$deadline" ]
	wait_until 10 evcount_ge echo process:message 21
	n1=$(counted "$HP_STATE_DIR/procs/count/log")
	wait_until 10 lines_ge "$HP_STATE_DIR/procs/count/log" $((n1 + 50))
	hp-supervise stop count >/dev/null
	n=$(counted "$HP_STATE_DIR/procs/count/log")
	[ "$n" -gt "$n1" ]
	# The same supervisor, programs and pids, each started once.
	[ "$(supervisor_pid)" = "$sup" ]
	[ "$(evfield count process:started pid)" = "$count" ]
	[ "$(evfield echo process:started pid)" = "$echo" ]
	[ "$(evcount count process:exited)" -eq 0 ]
	[ "$(evcount count process:crashed)" -eq 0 ]
	[ "$(evcount echo process:exited)" -eq 0 ]
	# Every message sent had its answer, once.
	[ "$(evcount echo process:message)" -eq 21 ]
	for i in $(seq 20); do
		[ "$(grep -c "\"echo\":{\"n\":$i}," "$HP_STATE_DIR/events.log")" -eq 1 ]
	done
	[ "$(grep -c '"event":"supervisor:upgraded"' "$HP_STATE_DIR/events.log")" -eq 20 ]
	seqs
	# The upgrades' events went to the foreground's --json stream too.
	[ "$(grep -c '"event":"supervisor:upgraded"' "$BATS_TEST_TMPDIR/fg.out")" -eq 20 ]
	[ "$(hp-ls --json echo | json 'j[0].restarts + " " + j[0].pid')" = "0 $echo" ]
	exec 5>&-
	wait "$client" || true
	said c.out >/dev/null
}

@test "timers go across: a backoff and a stop timeout neither early, lost nor repeated" {
	fg
	# flap fails once told to, then is restarted after 5 s, and stays.
	spawn -n flap -r always --backoff-min 5s --backoff-max 5s -- \
	    sh -c '[ -e again ] && exec sleep 1000; touch again
	    while [ ! -e go ]; do sleep 0.02; done; exit 1'
	spawn -n stubborn --stop-timeout 5s -- \
	    sh -c 'trap "" TERM; touch stubborn.trapped
	    while :; do sleep 0.05; done'
	# Its trap is set before its stop signal can come.
	wait_until 5 exists stubborn.trapped
	stubborn=$PID
	touch go
	wait_until 10 st_is flap state backoff
	asked=$(( $(date +%s%N) / 1000000 ))
	hp-supervise -t 20s --json stop stubborn >"$BATS_TEST_TMPDIR/stop.out" &
	stopper=$!
	track $stopper
	wait_until 10 st_is stubborn state stopping
	deadline=$(st stubborn stop-at)
	[ "$deadline" -ge $((asked + 5000)) ]
	upgrades 5 "$NEW"
	# The deadline of the stop is the one it had, not one begun again.
	[ "$(st stubborn stop-at)" = "$deadline" ]
	wait_until 15 st_is stubborn state stopped
	wait "$stopper"
	[ "$(json 'j[0].ok + " " + j[0].stopped_by' <"$BATS_TEST_TMPDIR/stop.out")" = "true KILL" ]
	[ "$(ts stubborn process:stopped)" -ge "$deadline" ]
	[ "$(evcount stubborn process:stopped)" -eq 1 ]
	gone "$stubborn"
	# The backoff: one start after it, not before its delay.
	wait_until 15 evcount_ge flap process:started 2
	delay=$(evfield flap process:restarting delay_ms | tail -1)
	restarting=$(ts flap process:restarting)
	started=$(ts flap process:started)
	[ $((started - restarting)) -ge $((delay - 5)) ]
	[ "$(evcount flap process:started)" -eq 2 ]
	seqs
}

@test "a binary that cannot take over is refused, and everything runs on" {
	fg
	sup=$FG
	spawn -n keep -- sleep 1000
	keep=$PID
	before=$(held "$sup")
	# A path that does not exist.
	run --separate-stderr hp-supervise --json upgrade "$BATS_TEST_TMPDIR/nothing"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = "upgrade-failed" ]
	[[ "$(echo "$output" | json 'j.error.message')" == *"nothing: No such file or directory"* ]]
	# One that exits at once.
	printf '#!/bin/sh\nexit 3\n' >"$BATS_TEST_TMPDIR/exits"
	chmod +x "$BATS_TEST_TMPDIR/exits"
	run --separate-stderr hp-supervise upgrade "$BATS_TEST_TMPDIR/exits"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"not an hp-supervise that takes a handover"* ]]
	# An older one, that knows no handover this one writes.
	printf '#!/bin/sh\necho 0.0.9 7 9\n' >"$BATS_TEST_TMPDIR/old"
	chmod +x "$BATS_TEST_TMPDIR/old"
	run --separate-stderr hp-supervise upgrade "$BATS_TEST_TMPDIR/old"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"(0.0.9) takes a handover of format 7 to 9"* ]]
	# One that never answers.
	printf '#!/bin/sh\nexec sleep 1000\n' >"$BATS_TEST_TMPDIR/mute"
	chmod +x "$BATS_TEST_TMPDIR/mute"
	run --separate-stderr hp-supervise upgrade "$BATS_TEST_TMPDIR/mute"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no answer in 2000 ms"* ]]
	# A relative path is made absolute; a directory is not a binary.
	run --separate-stderr hp-supervise upgrade new
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"$BATS_TEST_TMPDIR/new --handover-version"* ]]
	# Nothing changed: the same supervisor, descriptors and process.
	[ "$(supervisor_pid)" = "$sup" ]
	[ "$(held "$sup")" -eq "$before" ]
	alive "$keep"
	[ "$(grep -c '"code":"upgrade-failed"' "$HP_STATE_DIR/events.log")" -eq 5 ]
	[ "$(grep -c '"event":"supervisor:upgraded"' "$HP_STATE_DIR/events.log")" -eq 0 ]
	# And it still upgrades.
	upgrades 1 "$NEW"
	alive "$keep"
}

@test "no descriptor is lost or left over by an upgrade" {
	fg
	sup=$FG
	spawn -n a -- sleep 1000
	spawn -n b -t node -- "$JS/echo.js"
	spawn -n c --listen tcp://127.0.0.1:0 -- sleep 1000
	wait_until 10 evcount_ge b process:message 1
	before=$(held "$sup")
	upgrades 3 "$NEW"
	[ "$(held "$sup")" -eq "$before" ]
	# The held socket is the same one: its address did not change.
	addr=$(hp-ls --json c | json 'j[0].listen[0]')
	upgrades 1 "$NEW"
	[ "$(hp-ls --json c | json 'j[0].listen[0]')" = "$addr" ]
	# The new image has no handover file open, and every descriptor
	# but the standard ones is close-on-exec again: a child gets none.
	spawn -n d -- sleep 1000
	[ "$(ls "/proc/$PID/fd" | sort -n | tr '\n' ' ')" = "0 1 2 " ]
	! ls -l "/proc/$sup/fd" | grep -qF .anon-
}

@test "an upgrade while shutting down is refused; --allow must allow the binary" {
	printf '%s\n' /bin/sleep >"$BATS_TEST_TMPDIR/allow"
	fg --allow "$BATS_TEST_TMPDIR/allow"
	run --separate-stderr hp-supervise --json upgrade "$NEW"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = "not-allowed" ]
	hp-supervise shutdown >/dev/null
	printf '%s\n' /bin/sleep "$(readlink -f /bin/sh)" "$NEW" \
	    >"$BATS_TEST_TMPDIR/allow"
	fg --allow "$BATS_TEST_TMPDIR/allow"
	# A shutdown under way (a process slow to stop) takes no upgrade.
	spawn -n slow --stop-timeout 30s -- \
	    sh -c 'trap "" TERM; touch slow.trapped; while :; do sleep 0.05; done'
	# Its trap is set before its stop signal can come.
	wait_until 5 exists slow.trapped
	hp-supervise -t 60s shutdown >/dev/null &
	track $!
	wait_until 10 st_is slow state stopping
	run --separate-stderr hp-supervise --json upgrade "$NEW"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = "shutting-down" ]
	kill -KILL "$(st slow pid)"
	wait_until 15 unsupervised
	fg --allow "$BATS_TEST_TMPDIR/allow"
	upgrades 1 "$NEW"
	# The new image keeps the list: what it does not allow is refused.
	run --separate-stderr hp-spawn -n x -- /bin/true
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"not in the allow list"* ]]
}

@test "a parent's grace goes across: a new parent is taken after an upgrade, and the grace ends when it was to" {
	orphan 30s
	upgrades 2 "$NEW"
	sleep 1000 &
	next=$!
	track "$next"
	run hp-supervise --json parent "$next"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"parent\":$next,\"was\":$parent"* ]]
	alive "$kid"
	# Its grace after an upgrade ends when it was to, and no later.
	kill -KILL "$next"
	wait_until 5 evcount_is_sup supervisor:orphaned 2
	upgrades 1 "$NEW"
	hp-supervise --json status | grep -q '"running":true'
	[ "$(evcount kid process:started)" -eq 1 ]
	hp-supervise shutdown >/dev/null
}

@test "--parent-grace: a grace that ends after an upgrade shuts down, not before it is due" {
	orphan 2s
	upgrades 2 "$NEW"
	wait_until 10 gone "$FG"
	gone "$kid"
	orphaned=$(sup_ts supervisor:orphaned)
	shutdown=$(sup_ts supervisor:shutdown)
	[ $((shutdown - orphaned)) -ge 2000 ]
}

@test "a new image that cannot take over gives everything back to the old one" {
	HP_TEST_TAKEOVER=fail fg
	sup=$FG
	spawn -n count -- node -e \
	    'let i = 0; setInterval(() => console.log(++i), 1)'
	count=$PID
	wait_until 10 lines_ge "$HP_STATE_DIR/procs/count/log" 50
	before=$(held "$sup")
	for i in 1 2 3; do
		run --separate-stderr hp-supervise --json upgrade "$NEW"
		[ "$status" -eq 1 ]
		[ "$(echo "$output" | json 'j.error.code + " " + j.error.message')" = "upgrade-failed upgrade: HP_TEST_TAKEOVER=fail" ]
	done
	[ "$(supervisor_pid)" = "$sup" ]
	[ "$(held "$sup")" -eq "$before" ]
	grep -q "upgrade failed: the new binary could not take over" fg.err
	n1=$(counted "$HP_STATE_DIR/procs/count/log")
	wait_until 10 lines_ge "$HP_STATE_DIR/procs/count/log" $((n1 + 50))
	hp-supervise stop count >/dev/null
	counted "$HP_STATE_DIR/procs/count/log" >/dev/null
	[ "$(evfield count process:started pid)" = "$count" ]
	[ "$(grep -c '"event":"supervisor:upgraded"' "$HP_STATE_DIR/events.log")" -eq 0 ]
	seqs
}

# stopped PID: the process is stopped (SIGSTOP).
stopped() {
	case $(cat "/proc/$1/stat" 2>/dev/null) in
	*") T "*) return 0 ;;
	esac
	return 1
}

@test "watches go across: a restart to come still comes, once; a change during the handover is seen" {
	mkdir -p src
	HP_TEST_TAKEOVER=stop fg
	spawn -n w -o watch=src -o watch-delay=1s -- sleep 1000
	first=$PID
	# A change whose restart is to come when the upgrade is made.
	echo 1 >>src/app.js
	hp-supervise upgrade "$NEW" >up.out &
	up=$!
	track "$up"
	# The new image stops before it takes over: the restart is still due.
	wait_until 10 stopped "$FG"
	kill -CONT "$FG"
	wait "$up"
	grep -q '^upgraded ' up.out
	wait_until 10 running_not w "$first"
	second=$(st w pid)
	[ "$(evcount w process:restarting)" -eq 1 ]
	[ "$(evfield w process:restarting path)" = "$BATS_TEST_TMPDIR/src/app.js" ]
	hp-supervise upgrade "$NEW" >up.out &
	up=$!
	track "$up"
	wait_until 10 stopped "$FG"
	# A change while no watch of either image is there to see it.
	echo 2 >src/other.js
	kill -CONT "$FG"
	wait "$up"
	wait_until 10 running_not w "$second"
	[ "$(evcount w process:restarting)" -eq 2 ]
	[ "$(evfield w process:restarting path | tail -1)" = "$BATS_TEST_TMPDIR/src" ]
	# And the watches are the system's again: a change now is told.
	third=$(st w pid)
	echo 3 >>src/app.js
	wait_until 10 running_not w "$third"
	[ "$(evfield w process:restarting path | tail -1)" = "$BATS_TEST_TMPDIR/src/app.js" ]
}

@test "a signal sent while the new image starts waits for its handlers: a SIGTERM then is a graceful shutdown" {
	HP_TEST_TAKEOVER=stop fg
	spawn -n a -- sleep 1000
	a=$PID
	hp-supervise upgrade "$NEW" >up.out 2>&1 &
	track $!
	# The new image has begun, and has no handler yet.
	wait_until 10 stopped "$FG"
	kill -TERM "$FG"
	kill -CONT "$FG"
	wait "$FG"	# exit status 0
	gone "$a"
	[ "$(tail -n 1 "$HP_STATE_DIR/events.log" | json j.event)" = supervisor:shutdown ]
	[ "$(grep -c '"event":"supervisor:upgraded"' "$HP_STATE_DIR/events.log")" -eq 1 ]
}

# history NAME EXPR: EXPR of NAME's object of hp-ls --json --history (p).
history() {
	hp-ls --json --history "$1" | json "(p => $2)(j[0])"
}

samples_ge() {
	[ "$(history "$1" 'p.history.length')" -ge "$2" ]
}

@test "the samples of metrics go across: the ring an upgrade finds is the one it leaves" {
	printf '[supervisor]\nmetrics-interval = 100ms\n' >hp.conf
	fg -f "$BATS_TEST_TMPDIR/hp.conf"
	spawn -n web -- sleep 1000
	wait_until 20 samples_ge web 5
	before=$(history web 'p.history.map(s => s.ts).join(" ")')
	upgrades 1 "$NEW"
	after=$(history web 'p.history.map(s => s.ts).join(" ")')
	# The same samples, oldest first; perhaps one more since.
	[[ "$after" == "$before"* ]]
	wait_until 20 samples_ge web $(( $(echo "$before" | wc -w) + 2 ))
}

@test "the queue of admission goes across: a start waiting for its place gets it, and its client the answer" {
	fg --max-procs 1
	spawn -n a -- sleep 1000
	hp-spawn -n b -- sleep 1000 >b.out 2>&1 &
	client=$!
	track "$client"
	wait_until 10 evcount_ge b process:limit 1
	upgrades 2 "$NEW"
	[ "$(evcount b process:started)" -eq 0 ]
	hp-supervise stop a >/dev/null
	wait "$client"
	[ "$(cut -d' ' -f1 b.out)" = b ]
	[ "$(evcount b process:started)" -eq 1 ]
	st_is b state running
}

@test "a line of STATE/stops that no process took goes across, and stays" {
	# Left by a supervisor killed in a stop: a run of a name we do not
	# know. The next keeps the line; an upgrade keeps it too.
	mkdir -m 700 "$HP_STATE_DIR"
	line='stop = gone 4009 19 TERM 1000 stay'
	printf '%s\n' "$line" >"$HP_STATE_DIR/stops"
	fg
	spawn -n web -- sleep 1000
	# A stop writes the record anew, then leaves the lines no process
	# took: the line is the supervisor's own.
	hp-supervise stop web >/dev/null
	wait_until 10 st_is web state stopped
	grep -qxF "$line" "$HP_STATE_DIR/stops"
	hp-supervise start web >/dev/null
	upgrades 1 "$NEW"
	# And the new image's, after the upgrade.
	hp-supervise stop web >/dev/null
	wait_until 10 st_is web state stopped
	grep -qxF "$line" "$HP_STATE_DIR/stops"
}
