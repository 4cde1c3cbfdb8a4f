#!/usr/bin/env bats
# hp: see LICENSE.
# disk.bats: the state directory on a full disk (a tmpfs of 1 MiB, which
# the test mounts: it runs as root, as CI does). Nothing half written,
# nothing lost unsaid, nothing started unknown, and state catches up.

bats_require_minimum_version 1.5.0
load helpers
load supervise

DISK="$BATS_TEST_TMPDIR/disk"
export HP_STATE_DIR="$DISK/state"

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir -p "$DISK"
	# Not skipped: a test that cannot mount fails, and says why.
	mount -t tmpfs -o size=1m,mode=0700 tmpfs "$DISK" ||
	    fail "mount a tmpfs (as root, as CI runs): cannot"
	mkdir -m 0700 "$HP_STATE_DIR"
}

teardown() {
	if supervised; then
		hp-supervise -t 15s shutdown >/dev/null 2>&1 || true
	fi
	hp_teardown
	local status=$?
	umount "$DISK"
	return $status
}

# fill: the disk full (the last bytes too), and kept full: what the
# supervisor frees (a pid record it removes) is taken again at once.
fill() {
	(
		i=0
		while [ ! -e "$BATS_TEST_TMPDIR/room" ]; do
			i=$((i + 1))
			dd if=/dev/zero of="$DISK/fill$i" bs=4k \
			    >/dev/null 2>&1
			dd if=/dev/zero of="$DISK/fill$i.b" bs=64 \
			    >/dev/null 2>&1
			sleep 0.02
		done
	) 3>&- &
	FILLER=$!
	track "$FILLER"
	wait_until 5 full
}

full() {
	[ "$(df --output=avail "$DISK" | tail -n 1)" -eq 0 ]
}

# room: the filler stops, and what it wrote goes.
room() {
	touch "$BATS_TEST_TMPDIR/room"
	wait "$FILLER" || true
	rm -f "$DISK"/fill*
}

refused() {
	grep -q 'write events.log' fg.err
}

# whole FILE: every line is one JSON object with a seq, increasing; the
# events:lost lines account for every seq missing, and name the events
# lost in place of none that is there.
whole() {
	node -e '
const fs = require("fs");
const text = fs.readFileSync(process.argv[1], "utf8");
if (!text.endsWith("\n")) throw new Error("a line cut short at the end");
let seq = 0, said = 0, missing = 0, gaps = [];
for (const l of text.slice(0, -1).split("\n")) {
	const e = JSON.parse(l);
	if (!(e.seq > seq)) throw new Error("seq not increasing: " + l);
	missing += e.seq - seq - 1;
	if (e.seq > seq + 1) gaps.push((seq + 1) + "-" + (e.seq - 1));
	if (e.event === "events:lost") {
		if (e.first > e.last || e.last >= e.seq)
			throw new Error("bad events:lost: " + l);
		said += e.count;
		gaps.push("said " + e.first + "-" + e.last);
	}
	seq = e.seq;
}
if (said !== missing)
	throw new Error(missing + " events missing, " + said + " said lost: " +
	    gaps.join(", "));
console.log(said);
' "$1"
}

lost_said() {
	grep -q '"event":"events:lost"' "$HP_STATE_DIR/events.log"
}

@test "a full disk: whole lines in events.log, every gap said, state catches up" {
	fg
	spawn -n crash --backoff-min 10ms --backoff-max 10ms \
	    --max-restarts 0 -- sh -c 'echo up; exit 1'
	wait_until 5 evcount_ge crash process:restarting 3
	fill
	wait_until 10 refused
	# Crashes go on, faster than 5 warnings a second: the rest counted.
	wait_until 10 grep -q 'more warnings not shown' fg.err
	# The disk refuses; a stop is asked and answered.
	run hp-supervise -t 10s stop crash
	[ "$status" -eq 0 ]
	[ "$output" = "crash stopped" ]
	t0=$(date +%s)
	room
	# The status catches up with what was said; the gap is said.
	wait_until 5 st_is crash state stopped
	hp-supervise -t 5s start crash >/dev/null
	wait_until 5 lost_said
	hp-supervise -t 5s stop crash >/dev/null
	n=$(whole "$HP_STATE_DIR/events.log")
	[ "$n" -gt 0 ]
	# The process's own log: whole lines too.
	run grep -cvE '^[0-9T:.-]{23}Z (out|err) ' "$HP_STATE_DIR/procs/crash/log"
	[ "$output" -eq 0 ]
	# Warnings: at most 5 a second.
	[ "$(grep -c 'warning:' fg.err)" -le $(( ($(date +%s) - t0 + 22) * 6 )) ]
}

@test "a pid record that cannot be written: no start, said so" {
	fg
	spawn -n x -e MARK=x -r always --backoff-min 50ms --max-restarts 0 \
	    -- sleep 1000
	# Its next record cannot be made: a directory where it goes.
	rm "$HP_STATE_DIR/procs/x/pid"
	mkdir "$HP_STATE_DIR/procs/x/pid"
	kill -KILL "$PID"
	wait_until 5 grep -q 'procs/x: Is a directory: not started' \
	    "$HP_STATE_DIR/procs/x/status"
	[ "$(st x code)" = state-dir ]
	# Nothing of it runs: none of this test's processes is marked x.
	[ -z "$(leftovers "$HP_STATE_DIR" | while read -r p; do
	    grep -lsz -x MARK=x "/proc/$p/environ"; done)" ]
	rmdir "$HP_STATE_DIR/procs/x/pid"
	wait_until 5 running_not x "$PID"
	[ "$(cut -d' ' -f1 "$HP_STATE_DIR/procs/x/pid")" = "$(st x pid)" ]
}

@test "a read-only state directory: state-dir, and why" {
	mount -o remount,ro "$DISK"
	run --separate-stderr hp-spawn --json -- true
	mount -o remount,rw "$DISK"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json j.error.code)" = state-dir ]
	[ "$stderr" = "hp-spawn: $HP_STATE_DIR/procs: Read-only file system" ]
}

@test "an upgrade on a full disk: handed over in memory; a status the disk refused is written once there is room" {
	fg
	spawn -n s -- sleep 1000
	pid=$PID
	fill
	# A stop whose status the disk refuses: answered, not yet recorded.
	run hp-supervise -t 10s stop s
	[ "$status" -eq 0 ]
	[ "$(st s state)" = running ]
	run --separate-stderr hp-supervise --json upgrade "$ROOT/cmd/hp-supervise"
	[ "$status" -eq 0 ]
	[[ $output == '{"ok":true,'* ]]
	[ "$(supervisor_pid)" = "$FG" ]
	room
	# The new image writes what the old one could not.
	wait_until 5 st_is s state stopped
	gone "$pid"
}
