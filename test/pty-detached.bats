#!/usr/bin/env bats
# hp: see LICENSE.
# pty-detached.bats: terminals the supervisor keeps: hp-pty -d, attach,
# send, resize, stop, activity, from pipes and from tmux.

load helpers
load supervise

bats_require_minimum_version 1.5.0

setup() {
	T=$BATS_TEST_TMPDIR
	TMUX_SOCK=hpd-$BATS_TEST_NUMBER
	N=0
}

teardown() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	hp_teardown
}

# client NAME [OPTIONS]: attach with stdin from a FIFO we hold open on fd
# 10+N; its output in $T/cN.out, its stderr in $T/cN.err, its pid in
# CPID, its number in C.
client() {
	local name=$1
	shift
	N=$((N + 1))
	C=$N
	mkfifo "$T/c$C.in"
	hp-pty "$@" attach "$name" <"$T/c$C.in" >"$T/c$C.out" \
	    2>"$T/c$C.err" &
	CPID=$!
	track "$CPID"
	eval "exec $((4 + C))>\"\$T/c\$C.in\""
	wait_until 10 attached "$name"
}

# attached NAME: the last client has made its FIFOs, and the status of
# NAME counts as many clients as there are.
attached() {
	local d="$HP_STATE_DIR/procs/$1/clients"
	[ -p "$d/a$CPID.in" ] &&
	    [ "$(statusof "$1" clients)" -ge "$(ls "$d" | grep -c '\.in$')" ]
}

statusof() {
	sed -n "s/^$2 = //p" "$HP_STATE_DIR/procs/$1/status"
}

has_out() {
	grep -q -- "$2" "$T/c$1.out"
}

# hangup CLIENT: its stdin ends: it detaches.
hangup() {
	eval "exec $((4 + $1))>&-"
}

activity() {
	grep '"event":"terminal:activity"' "$HP_STATE_DIR/events.log" |
	    grep -c "\"activity\":\"$1\"$2"
}

activity_ge() {
	[ "$(activity "$1" "$2")" -ge "$3" ]
}

@test "hp-pty -d: the supervisor keeps it, it prints its name" {
	run hp-pty -d -n t1 -e HP_MINE=yes -c 91 -r 33 -- sh -c \
	    'echo "$TERM $HP_MINE $COLORTERM"; stty size; exec sleep 600'
	[ "$status" -eq 0 ]
	[ "$output" = t1 ]
	wait_until 10 st_is t1 state running
	[ "$(statusof t1 type)" = terminal ]
	[[ "$(statusof t1 tty)" == /dev/* ]]
	[ "$(statusof t1 cols)" = 91 ]
	hp-ls | grep -q '^t1 *terminal *running'
	client t1
	wait_until 10 has_out 1 '33 91'
	has_out 1 'xterm-256color yes truecolor'
	# A name not given is derived, and made unique.
	run hp-pty -d -- sleep 600
	[ "$output" = sleep ]
	run hp-pty -d -- sleep 600
	[ "$output" = sleep-2 ]
	run hp-pty --json -d -n t1 -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *'"code":"exists"'* ]]
}

@test "hp-pty -d: its environment is the caller's, made fit for a terminal" {
	LANG=C HP_FROM_CALLER=here LINES=5 hp-pty -d -n env -- sh -c \
	    'echo "[$LANG][$HP_FROM_CALLER][$LINES]"; exec sleep 600'
	client env
	wait_until 10 has_out 1 '^\[C.UTF-8\]\[here\]\[\]'
}

@test "attach: replays what it wrote, types into it, and ends with it" {
	# A supervisor of its own: an implicit one may go a second after
	# the end, and the ended terminal with it, before the last attach.
	hp-supervise -b
	hp-pty -d -n t -- sh -c 'echo before; read x; echo "got $x"; exit 3'
	client t
	wait_until 10 has_out 1 before
	echo hello >&5
	wait_until 10 has_out 1 'got hello'
	wait "$CPID" || status=$?
	[ "$status" -eq 3 ]
	# The end is there for whoever comes later: replay, then its status,
	# even when its input ends at once.
	for i in 1 2 3 4 5; do
		run -3 hp-pty attach t </dev/null
		[[ "$output" == *before*"got hello"* ]]
	done
	evcount_ge t terminal:activity 3
	[ "$(activity exit ',"code":3')" -eq 1 ]
}

@test "attach: end of input detaches, the program goes on" {
	hp-pty -d -n t -- sh -c 'while read x; do echo "line $x"; done'
	client t
	echo one >&5
	wait_until 10 has_out 1 'line one'
	hangup 1
	wait "$CPID"
	st_is t state running
	wait_until 10 st_is t clients 0
	# Its FIFOs went with it.
	[ -z "$(ls "$HP_STATE_DIR/procs/t/clients")" ]
	client t
	echo two >&6
	wait_until 10 has_out 2 'line two'
}

@test "attach: --replay bounds what comes first, the scrollback what is kept" {
	hp-pty -d -n t --scrollback 4k -- sh -c \
	    'i=0; while [ $i -lt 400 ]; do echo "line-$i"; i=$((i+1)); done;
	     echo last-line; exec sleep 600'
	wait_until 10 activity_ge quiet '' 1
	client t --no-draw
	wait_until 10 has_out 1 last-line
	! has_out 1 'line-0$'
	[ "$(wc -c <"$T/c1.out")" -le 4096 ]
	client t --no-draw --replay 20
	wait_until 10 has_out 2 last-line
	[ "$(wc -c <"$T/c2.out")" -le 20 ]
	client t --no-draw --replay 0
	hp-pty send t x
	[ ! -s "$T/c3.out" ] || ! has_out 3 last-line
	# Without the replay, the screen is still drawn as it is.
	client t --replay 0
	wait_until 10 has_out 4 last-line
	[ "$(grep -c line- "$T/c4.out")" -eq 0 ] ||
	    [ "$(wc -c <"$T/c4.out")" -lt 2000 ]
}

# consecutive FILE LAST: the whole lines of FILE (CR stripped, the first
# may be cut) count up one by one to line-LAST, which ends it.
consecutive() {
	tr -d '\r' <"$1" | awk -v last="$2" 'NR > 1 {
		n = substr($0, 6) + 0
		if (NR > 2 && n != prev + 1) { print "gap at " $0; exit 1 }
		prev = n
	} END { if (prev != last) { print "ends at " prev; exit 1 } }'
}

@test "the scrollback wraps: what is replayed is the newest, whole, in order" {
	hp-pty -d -n t -- sh -c 'seq -f "line-%06g" 0 29999; exec sleep 600'
	wait_until 20 activity_ge quiet '' 1
	client t --no-draw
	wait_until 10 has_out 1 line-029999
	consecutive "$T/c1.out" 29999
	n=$(wc -c <"$T/c1.out")
	[ "$n" -le $((256 * 1024)) ] && [ "$n" -gt $((250 * 1024)) ]
}

@test "attach: the end of the replay read with the output after it ends it" {
	# A pipe of 16 pages of 4 KiB is filled: its writer then blocks.
	[ "$(uname)" = Linux ] && [ "$(getconf PAGESIZE)" = 4096 ] ||
	    skip "fills a pipe of 64 KiB"
	hp-pty -d -n t -- sh -c 'while read x; do echo "line $x"; done'
	client t
	# Client 2 blocks printing its answer (--json) into a full pipe, so
	# the end of its replay and the output after it wait in its FIFO,
	# to be read at once.
	mkfifo "$T/full" "$T/sin"
	exec 9<>"$T/full"
	head -c 65536 /dev/zero >&9
	hp-pty --json --replay 0 attach t <"$T/sin" >"$T/full" &
	SPID=$!
	track "$SPID"
	exec 8>"$T/sin"
	wait_until 10 st_is t clients 2
	hp-pty send t one
	wait_until 10 has_out 1 'line one'
	# Its input ends before it has read anything: it detaches once it
	# has the end of the replay, which came first.
	exec 8>&-
	timeout 20 cat <&9 >"$T/c2.out" &
	track $!
	wait_until 10 has_out 2 'line one'
	wait_until 10 st_is t clients 1
	wait "$SPID"
	exec 9>&-
}

@test "two clients at once: both see it, both can type" {
	hp-pty -d -n t -- sh -c 'while read x; do echo "said $x"; done'
	client t
	client t
	echo from-one >&5
	echo from-two >&6
	wait_until 10 has_out 1 'said from-two'
	wait_until 10 has_out 2 'said from-one'
	[ "$(statusof t clients)" = 2 ]
}

big() {
	[ "$(wc -c <"$1")" -ge 1500000 ]
}

missed_ge() {
	[ "$(sed -n 's/.*: \([0-9]*\) bytes missed.*/\1/p' "$T/stall.err" |
	    sort -n | tail -1)" -ge "$1" ] 2>/dev/null
}

# writing PID: PID waits in a write to a pipe that takes nothing.
writing() {
	case $(cat "/proc/$1/wchan" 2>/dev/null) in
	*pipe_write) return 0 ;;
	esac
	return 1
}

@test "a client that stops reading stalls nobody and is told what it missed" {
	hp-pty -d -n t -- sh -c 'read x; head -c 1500000 /dev/zero |
	    tr "\0" x; echo; echo done >"$0"; read y;
	    head -c 300000 /dev/zero | tr "\0" z; exec sleep 600' "$T/marker"
	mkfifo "$T/stall"
	exec 9<>"$T/stall"
	mkfifo "$T/sin"
	hp-pty attach t <"$T/sin" >"$T/stall" 2>"$T/stall.err" &
	SPID=$!
	track "$SPID"
	exec 8>"$T/sin"
	C=1
	N=1
	CPID=$SPID
	wait_until 10 attached t
	client t
	echo go >&8
	# The program wrote it all although one client reads nothing.
	wait_until 60 test -e "$T/marker"
	wait_until 60 big "$T/c2.out"
	timeout 20 cat <&9 >/dev/null &
	track $!
	# Told at once, then at most once a second, the count so far.
	wait_until 20 missed_ge 500000
	# One stuck writing to an output that takes nothing still goes at
	# once on SIGTERM, and detaches.
	mkfifo "$T/stall2"
	exec 7<>"$T/stall2"
	hp-pty --replay 0 attach t <"$T/sin" >"$T/stall2" &
	SPID=$!
	track "$SPID"
	wait_until 10 st_is t clients 3
	hp-pty send t y
	wait_until 20 writing "$SPID"
	kill -TERM "$SPID"
	wait "$SPID"
	wait_until 10 st_is t clients 2
	exec 9>&- 8>&- 7>&-
}

@test "send: the words end with Enter, a CR, as a terminal sends it" {
	hp-pty -d -n t -- sh -c 'stty raw -echo; head -c 3 | od -An -c;
	    exec sleep 600'
	client t
	hp-pty send t hi
	wait_until 10 has_out 1 'h   i  \\r'
}

@test "send: words and Enter, or stdin as it is" {
	hp-pty -d -n t -- sh -c 'stty -echo; while read -r x; do
	    printf "<%s>\n" "$x"; done'
	client t
	hp-pty send t hello 'big world'
	wait_until 10 has_out 1 '<hello big world>'
	printf 'a\\b\nc' | hp-pty send t
	hp-pty --no-newline send t d
	hp-pty send t ''
	wait_until 10 has_out 1 '<a\\b>'
	wait_until 10 has_out 1 '<cd>'
	run hp-pty --json send t x
	[ "$status" -eq 0 ]
	[[ "$output" == *'"ok":true'* ]]
}

@test "send and attach: what is not a detached terminal is refused" {
	run hp-pty attach nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"nosuch: no such"* ]]
	hp-spawn -n svc -- sleep 600 >/dev/null
	run hp-pty --json send svc hi
	[ "$status" -eq 1 ]
	[[ "$output" == *'"code":"not-terminal"'* ]]
	run hp-pty attach svc
	[ "$status" -eq 1 ]
	run hp-pty --detach-key '^^^' attach svc
	[ "$status" -eq 2 ]
	run hp-pty attach
	[ "$status" -eq 2 ]
	run hp-pty send
	[ "$status" -eq 2 ]
	run hp-pty --replay lots attach svc
	[ "$status" -eq 2 ]
	run hp-pty -d --scrollback 2G -- sh
	[ "$status" -eq 2 ]
	run hp-pty -d --quiet 1ms -- sh
	[ "$status" -eq 2 ]
	run -127 hp-pty -d -- /nonexistent/program
	hp-supervise shutdown >/dev/null
	run hp-pty attach svc
	[ "$status" -eq 1 ]
	[[ "$output" == *"no supervisor keeps it"* ]]
}

@test "resize: a detached terminal gets the size and SIGWINCH" {
	hp-pty -d -n t -- sh -c 'trap "echo winch" WINCH; while :; do
	    read x; stty size; done'
	client t
	run hp-pty --json resize t 120 40
	[ "$status" -eq 0 ]
	[[ "$output" == *'"cols":120'* ]]
	[ "$(statusof t rows)" = 40 ]
	hp-pty send t ''
	wait_until 10 has_out 1 '40 120'
	# The same size again still gets a SIGWINCH: a redraw.
	hp-pty resize t 120 40
	wait_until 10 has_out 1 winch
	# A client's size is applied when it attaches.
	client t -c 70 -r 20
	hp-pty send t ''
	wait_until 10 has_out 2 '20 70'
}

@test "stop: a hang-up first, and the answer says what ended it" {
	hp-pty -d -n t -- sh -c 'exec sleep 600'
	client t
	run hp-supervise --json stop t
	[ "$status" -eq 0 ]
	[[ "$output" == *'"stopped_by":"HUP"'* ]]
	# The client was told of the end.
	wait "$CPID" || status=$?
	[ "$status" -eq 129 ]
	evfield t process:stopped stopped_by | grep -q HUP
}

@test "stop: what ignores SIGHUP gets SIGTERM, then SIGKILL" {
	hp-pty -d -n t1 -- sh -c 'trap "" HUP; echo ready; exec sleep 600'
	hp-pty -d -n t2 -o stop-timeout=1s -- sh -c \
	    'trap "" HUP TERM; echo ready; while :; do sleep 1; done'
	client t1
	wait_until 10 has_out 1 ready
	client t2
	wait_until 10 has_out 2 ready
	run hp-supervise --json stop t1
	[[ "$output" == *'"stopped_by":"TERM"'* ]]
	run hp-supervise --json stop t2
	[[ "$output" == *'"stopped_by":"KILL"'* ]]
	st_is t2 state stopped
}

@test "stop: the whole session goes, jobs in other groups too" {
	hp-pty -d -n t -- sh -c 'set -m; sleep 600 & echo $! >"$0";
	    sleep 600; wait' "$T/job"
	wait_until 10 test -s "$T/job"
	job=$(cat "$T/job")
	leader=$(statusof t pid)
	[ "$(ps -o pgid= -p "$job" | tr -d ' ')" != "$leader" ]
	[ "$(ps -o sid= -p "$job" | tr -d ' ')" = "$leader" ]
	hp-supervise stop t >/dev/null
	wait_until 10 gone "$job"
}

@test "activity: output, quiet, foreground, title and exit as events" {
	hp-pty -d -n t --quiet 200ms -- sh -c 'set -m; echo ready; read x;
	    printf "\033]0;my title\007working\n"; sleep 1; echo after;
	    read y; exit 4'
	client t
	wait_until 10 activity_ge foreground ',"pid":[0-9]*,"command":"sh"' 1
	hp-pty send t go
	wait_until 10 activity_ge title ',"title":"my title"' 1
	wait_until 10 activity_ge foreground ',"pid":[0-9]*,"command":"sleep"' 1
	wait_until 10 has_out 1 after
	wait_until 10 activity_ge quiet ',"bytes":[0-9]*,"quiet_ms":200' 2
	activity_ge output ',"bytes":[0-9]*' 2
	hp-pty send t ''
	wait_until 10 activity_ge exit ',"code":4' 1
}

@test "hp-spawn -t terminal and [terminal] sections make terminals too" {
	printf '%s\n' '[terminal conf]' 'exec = sh -c "echo from-conf; exec sleep 600"' \
	    'cols = 100' 'rows = 30' 'scrollback = 64k' >"$T/hp.conf"
	fg -f "$T/hp.conf"
	wait_until 10 st_is conf state running
	[ "$(statusof conf cols)" = 100 ]
	client conf
	wait_until 10 has_out 1 from-conf
	TERM=dumb LANG=C hp-spawn -n sp -t terminal -- sh -c \
	    'echo "spawned $TERM $LANG"; exec sleep 600' >/dev/null
	client sp
	wait_until 10 has_out 2 'spawned xterm-256color C.UTF-8'
}

# tmux: a real terminal on our side

tmux_run() {
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 100 -y 30 \
	    "env PATH='$PATH' HP_STATE_DIR='$HP_STATE_DIR' sh '$1'"
}

pane() {
	tmux -L "$TMUX_SOCK" capture-pane -p
}

pane_has() {
	pane | grep -q -- "$1"
}

@test "attach in tmux: raw keys reach it, its size is the pane's, Ctrl-\\ detaches" {
	hp-pty -d -n t -- sh -c 'while read -r x; do
	    echo "typed[$x]"; stty size; done'
	cat >"$T/run.sh" <<EOF
stty -g >"$T/before"
hp-pty attach t
echo "status \$?" >"$T/status"
stty -g >"$T/after"
read x
EOF
	tmux_run "$T/run.sh"
	wait_until 10 st_is t clients 1
	tmux -L "$TMUX_SOCK" send-keys 'abc' Enter
	wait_until 10 pane_has 'typed\[abc\]'
	wait_until 10 pane_has '^30 100'
	tmux -L "$TMUX_SOCK" send-keys 'C-\'
	wait_until 10 test -e "$T/status"
	[ "$(cat "$T/status")" = "status 0" ]
	[ "$(cat "$T/after")" = "$(cat "$T/before")" ]
	wait_until 10 pane_has 'detached from t'
	st_is t state running
}

@test "attach in tmux: a pane's new size reaches the program" {
	hp-pty -d -n t -- sh -c 'trap "stty size" WINCH; while :; do
	    read x; done'
	cat >"$T/r.sh" <<EOF
hp-pty --detach-key none attach t
echo "status \$?" >"$T/status"
read x
EOF
	tmux_run "$T/r.sh"
	wait_until 10 st_is t clients 1
	wait_until 10 pane_has '^30 100'
	tmux -L "$TMUX_SOCK" resize-window -x 90 -y 25
	wait_until 10 pane_has '^25 90'
	wait_until 10 st_is t cols 90
	# It ends before the pane does: the end of the program ends it.
	hp-supervise stop t >/dev/null
	wait_until 10 test -e "$T/status"
	[ "$(cat "$T/status")" = "status 129" ]
}
