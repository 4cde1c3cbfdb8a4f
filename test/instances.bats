#!/usr/bin/env bats
# hp: see LICENSE.
# instances.bats: instances = N: NAME:1 ... NAME:N, each its own process,
# state and log, sharing the held sockets; NAME addresses them all; scale
# changes N and leaves alone those that stay; a rolling reload goes
# through them one at a time and loses no request.

load helpers
load supervise
load held

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# pids NAME N: the pids of NAME:1 ... NAME:N, as their status says.
pids() {
	local i
	for i in $(seq "$2"); do
		st "$1/$i" pid
	done | tr '\n' ' '
}

@test "instances: 4 processes answer from one socket" {
	run hp-spawn -n web -i 4 --listen tcp://127.0.0.1:0 -- "$SOCKD" -w 1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" = "web:1 "[0-9]* ]] && [[ "${lines[3]}" = "web:4 "[0-9]* ]]
	run hp-ls
	[ "$(echo "$output" | grep -c '^web:[1-4]  *service  *running')" -eq 4 ]
	p=$(port web/1)
	[ "$(port web/4)" = "$p" ]
	# Two seconds of requests: each of the four answers some.
	LINE=$("$LOADGEN" -c 8 -t 2 127.0.0.1 "$p")
	echo "$LINE"
	[ "$(count pids)" -eq 4 ]
	[ "$(count failed)" -eq 0 ] && [ "$(count ok)" -gt 100 ]
	[ "$(hp-ls --json web | json 'j.map(x => x.instance).join()')" = 1,2,3,4 ]
	[ "$(hp-ls --json web | json 'j.map(x => x.name).join()')" = web:1,web:2,web:3,web:4 ]
}

@test "instances: a rolling reload, one at a time, loses no request" {
	spawn -n web -i 4 --listen tcp://127.0.0.1:0 -o ready=notify \
	    -- "$SOCKD" -d 50 -w 2
	old=$(pids web 4)
	load "$(port web/1)" 8
	run hp-supervise reload web
	[ "$status" -eq 0 ]
	[ "$output" = "web running" ]
	stop
	[ "$(count failed)" -eq 0 ] && [ "$(count refused)" -eq 0 ]
	[ "$(count timeouts)" -eq 0 ]
	new=$(pids web 4)
	for p in $old; do
		[[ " $new " != *" $p "* ]]
		! alive "$p"
	done
	# One at a time: each reloaded before the next begins.
	run sh -c "grep -o '\"event\":\"process:reload[a-z]*\",\"name\":\"web:[0-9]\"' \
	    '$HP_STATE_DIR/events.log' | sed 's/.*reload\([a-z]*\).*web:\([0-9]\).*/\1\2/' | tr '\n' ' '"
	[ "$output" = "ing1 ed1 ing2 ed2 ing3 ed3 ing4 ed4 " ]
}

@test "instances: each its own state, log and HP_INSTANCE" {
	spawn -n w -i 3 -- sh -c 'echo "i=$HP_INSTANCE"; exec sleep 100'
	for i in 1 2 3; do
		wait_until 5 grep -q " out i=$i\$" "$HP_STATE_DIR/procs/w/$i/log"
		[ "$(st w/$i state)" = running ]
		[ "$(st w/$i name)" = "w:$i" ]
	done
	run hp-ls -l w:2
	[[ "${lines[0]}" = *" out i=2" ]]
	run hp-ls -l w
	[ "$status" -eq 2 ]
	[ "$output" = "hp-ls: w has 3 instances, each its own log: name one, as w:1" ]
	[ -f "$HP_STATE_DIR/procs/w/spec" ]
	grep -qx 'instances = 3' "$HP_STATE_DIR/procs/w/spec"
}

@test "instances: NAME is all of them, NAME:I one of them" {
	spawn -n w -i 3 -- sleep 100
	run hp-supervise stop w:2
	[ "$output" = "w:2 stopped" ]
	[ "$(st w/1 state)" = running ] && [ "$(st w/2 state)" = stopped ]
	old=$(st w/1 pid)
	run hp-supervise restart w
	[ "$status" -eq 0 ]
	[ "$output" = "w running" ]
	for i in 1 2 3; do [ "$(st w/$i state)" = running ]; done
	[ "$(st w/1 pid)" != "$old" ]
	run hp-supervise signal TERM w
	[ "$status" -eq 0 ]
	run hp-supervise remove w:1
	[ "$status" -eq 1 ]
	[ "$output" = "hp-supervise: w:1: an instance goes with scale" ]
	run hp-supervise remove w
	[ "$status" -eq 0 ]
	[ ! -e "$HP_STATE_DIR/procs/w" ]
	run hp-supervise stop w:9
	[ "$status" -eq 1 ]
	run hp-supervise stop w:0
	[ "$status" -eq 2 ]
}

@test "instances: scale adds and takes away; those that stay are not touched" {
	spawn -n w -i 2 -- sleep 100
	keep=$(pids w 2)
	run hp-supervise scale w 4
	[ "$status" -eq 0 ]
	[ "$output" = "w ok" ]
	[ "$(pids w 2)" = "$keep" ]
	[ "$(st w/4 state)" = running ]
	grep -qx 'instances = 4' "$HP_STATE_DIR/procs/w/spec"
	run hp-supervise scale w 1
	[ "$status" -eq 0 ]
	[ "$(pids w 1)" = "${keep%% *} " ]
	[ ! -e "$HP_STATE_DIR/procs/w/2" ] && [ ! -e "$HP_STATE_DIR/procs/w/4" ]
	run hp-ls w
	[ "${#lines[@]}" -eq 2 ]
	run hp-supervise scale w 0
	[ "$status" -eq 2 ]
	spawn -n one -- sleep 100
	run hp-supervise scale one 2
	[ "$status" -eq 1 ]
	[ "$output" = "hp-supervise: one: it has no instances: give it instances = N" ]
}

@test "instances: after = NAME waits for every one; proc:NAME checks them all" {
	spawn -n w -i 2 --ready-fd 5 -- sh -c \
	    'while [ ! -f go$HP_INSTANCE ]; do sleep 0.05; done; echo >&5; exec sleep 100'
	spawn -n late --after w -- sleep 100
	[ "$(st late state)" = starting ]
	touch go1
	wait_until 5 st_is w/1 state running
	[ "$(st late state)" = starting ]
	touch go2
	wait_until 5 st_is late state running
	run hp-health proc:w proc:w:2
	[ "$status" -eq 0 ]
	hp-supervise stop w:2
	run hp-health proc:w proc:w:1
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "proc:w unhealthy: w:2: not running (stopped)" ]
	[[ "${lines[1]}" = "proc:w:1 healthy "* ]]
}

@test "instances: a reload whose new run does not get ready keeps the old (reload-failed)" {
	touch ok
	spawn -n w -i 2 --listen tcp://127.0.0.1:0 -o ready=notify -- sh -c \
	    'test -f ok || exit 3; exec '"$SOCKD"
	old=$(pids w 2)
	rm ok
	run hp-supervise reload w
	[ "$status" -eq 1 ]
	[ "$output" = "hp-supervise: w: w:1: its new run exited with 3 before it was ready" ]
	[ "$(pids w 2)" = "$old" ]
	[ "$(st w/1 state)" = running ] && [ "$(st w/1 code)" = reload-failed ]
	[ "$(st w/2 code)" = "" ]
	[ "$(evcount w:1 process:reload-failed)" -eq 1 ]
	[ "$(evcount w:2 process:reloading)" -eq 0 ]
	curl -sf "http://127.0.0.1:$(port w/1)/" -o /dev/null
	run hp-supervise reload w:2
	[ "$status" -eq 1 ]
	touch ok
	run hp-supervise reload w:2
	[ "$status" -eq 0 ]
	[ "$(st w/2 pid)" != "$(echo $old | cut -d' ' -f2)" ]
}

@test "instances: hp.conf: a change of instances alone scales" {
	cat >a.conf <<EOF
[service w]
exec = sleep 100
instances = 2
EOF
	fg -f "$PWD/a.conf"
	wait_until 5 st_is w/2 state running
	keep=$(pids w 2)
	sed -i 's/instances = 2/instances = 3/' a.conf
	run hp-supervise reload
	[ "$output" = "0 added, 1 changed, 0 removed, 0 unchanged" ]
	wait_until 5 st_is w/3 state running
	[ "$(pids w 2)" = "$keep" ]
	sed -i '/instances/d' a.conf
	run hp-supervise reload
	[ "$status" -eq 0 ]
	wait_until 5 st_is w state running
	[ ! -e "$HP_STATE_DIR/procs/w/1" ]
	run hp-ls
	[ "${#lines[@]}" -eq 2 ]
}

@test "instances: a new supervisor finds them where the last one left them" {
	spawn -n w -i 2 -- sleep 100
	sup=$(supervisor_pid)
	kill -KILL "$sup"
	wait_until 5 unsupervised
	hp-supervise -b
	wait_until 10 st_is w/2 state running
	[ "$(st w/1 state)" = running ]
	run hp-ls
	[ "${#lines[@]}" -eq 3 ]
}
