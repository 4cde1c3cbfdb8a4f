#!/usr/bin/env bats
# hp: see LICENSE.
# schedule.bats: restart-at and run-at on a clock the test sets
# (HP_TEST_CLOCK: a file whose number is the time), so none waits a minute.

load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	export TZ=UTC0 HP_TEST_CLOCK="$BATS_TEST_TMPDIR/clock"
	# 11:59:59 on a day in June 2030: one second before noon.
	T=$(date -u -d '2030-06-15 11:59:59' +%s)
	clock 0
}

# clock N: the time is T + N seconds.
clock() {
	echo $((T + $1)) >"$HP_TEST_CLOCK.new"
	mv "$HP_TEST_CLOCK.new" "$HP_TEST_CLOCK"
}

lines_are() {
	[ "$(wc -l <"$1" 2>/dev/null)" -eq "$2" ]
}

@test "schedule: restart-at restarts once when due, asked for, the circuit untouched" {
	spawn -n s -o 'restart-at=0 12 * * *' -- sleep 300
	old=$PID
	wait_until 5 st_is s state running
	[ "$(evcount s process:restarting)" -eq 0 ]
	clock 1
	wait_until 10 running_not s "$old"
	[ "$(evcount s process:restarting)" -eq 1 ]
	[ "$(evfield s process:restarting reason)" = schedule ]
	[ "$(st s manual-restarts)" = 1 ]
	[ "$(st s restarts)" = 0 ]
	[ "$(st s circuit)" = closed ]
	gone "$old"
	# Later that day: not due; the next noon: once more.
	old=$(st s pid)
	clock 3600
	clock $((24 * 3600 + 1))
	wait_until 10 running_not s "$old"
	[ "$(evcount s process:restarting)" -eq 2 ]
	[ "$(evcount s process:started)" -eq 3 ]
}

@test "schedule: restart-at leaves a stopped service stopped" {
	spawn -n s -o 'restart-at=* * * * *' -- sleep 300
	hp-supervise stop s >/dev/null
	clock 1
	clock 61
	clock 121
	# The marker: a second service on the same clock restarts.
	spawn -n m -o 'restart-at=5 12 * * *' -- sleep 301
	old=$PID
	clock 307
	wait_until 10 running_not m "$old"
	[ "$(st s state)" = stopped ]
	[ "$(evcount s process:restarting)" -eq 0 ]
}

@test "schedule: run-at runs a system command again when due, once, recorded" {
	spawn -n job -t system -o 'run-at=0 12 * * *' -- sh -c 'echo run >>runs'
	wait_until 5 st_is job state exited
	lines_are runs 1
	clock 1
	wait_until 10 lines_are runs 2
	wait_until 5 evcount_ge job process:exited 2
	[ "$(st job state)" = exited ]
	[ "$(st job exit-code)" = 0 ]
	[ "$(evcount job process:started)" -eq 2 ]
	[ "$(evfield job process:restarting reason)" = schedule ]
	# The next day, once more: the minute did not come again.
	clock $((24 * 3600 + 1))
	wait_until 10 lines_are runs 3
	wait_until 5 evcount_ge job process:exited 3
	[ "$(evcount job process:restarting)" -eq 2 ]
}

@test "schedule: run-at skips a run when the last still runs, and counts it" {
	spawn -n job -t system -o 'run-at=*/5 * * * *' -- \
	    sh -c 'echo run >>runs; [ ! -e hold ] || exec sleep 300'
	wait_until 5 st_is job state exited
	touch hold
	clock 1
	wait_until 10 lines_are runs 2
	wait_until 5 st_is job state running
	pid=$(st job pid)
	clock 301
	wait_until 10 evcount_ge job process:skipped 1
	[ "$(st job skipped-runs)" = 1 ]
	[ "$(hp-ls --json job | json 'j[0].skipped_runs')" = 1 ]
	[ "$(evfield job process:skipped skipped)" = 1 ]
	[ "$(evfield job process:skipped pid)" = "$pid" ]
	[ "$(st job pid)" = "$pid" ]
	lines_are runs 2
	# Ended, it runs at the next due time.
	rm hold
	hp-supervise stop job >/dev/null
	hp-supervise start job >/dev/null
	wait_until 5 st_is job state exited
	clock 601
	wait_until 10 lines_are runs 4
	[ "$(evcount job process:skipped)" -eq 1 ]
}

@test "schedule: a bad schedule is a usage error, in hp-spawn and in hp.conf" {
	run hp-spawn -n s -o 'restart-at=61 * * * *' -- sleep 300
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: restart-at: bad schedule: 61 * * * *: minute: 0 to 59" ]
	run hp-spawn -n s -o 'restart-at=0 0 30 2 *' -- sleep 300
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == *": no such date: never due" ]]
	run hp-spawn -n s -o 'run-at=* * * * *' -- sleep 300
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: run-at: only for type system" ]
	run hp-spawn -n s -t system -o 'restart-at=* * * * *' -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: restart-at: only for type service or node" ]
	printf '[service a]\nexec = sleep 300\nrestart-at = 0 4 * * fri-mon\n' \
	    >bad.conf
	run hp-supervise -f bad.conf
	[ "$status" -eq 2 ]
	[ "$output" = "hp-supervise: $BATS_TEST_TMPDIR/bad.conf:3: restart-at: bad schedule: 0 4 * * fri-mon: day of week: 0 to 7" ]
	unsupervised
	[ ! -e "$HP_STATE_DIR/procs/s" ]
}

@test "schedule: hp.conf's restart-at is kept in the spec, as written" {
	printf '[service a]\nexec = sleep 300\nrestart-at = @daily\n' >hp.conf
	fg -f hp.conf
	wait_until 5 st_is a state running
	grep -qxF 'restart-at = @daily' "$HP_STATE_DIR/procs/a/spec"
	old=$(st a pid)
	clock 1
	clock $((12 * 3600 + 1))
	wait_until 10 running_not a "$old"
	[ "$(evfield a process:restarting reason)" = schedule ]
}

@test "schedule: the Node client's restartAt and runAt are -o restart-at and run-at" {
	run node -e '
const { spawnArgs } = require(process.argv[1] + "/share/hp/node/manager.js");
const a = spawnArgs({ command: "x", restartAt: "0 4 * * *" }, {}).args;
const b = spawnArgs({ command: "x", type: "system", runAt: "@hourly" }, {}).args;
console.log(a.join(" ")); console.log(b.join(" "));' "$ROOT"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"-o restart-at=0 4 * * * "* ]]
	[[ "${lines[1]}" == *"-o run-at=@hourly "* ]]
}
