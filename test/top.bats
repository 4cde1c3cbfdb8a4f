#!/usr/bin/env bats
# hp: see LICENSE.
# top.bats: hp-ls --top, driven in tmux: its rows, keys, a restart from
# the view, a resize, colour and its absence, and the terminal put back
# after q and after SIGTERM.

bats_require_minimum_version 1.5.0
load helpers
load supervise

TMUX_SOCK="hp-top-$$-$BATS_TEST_NUMBER"

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	unset TMUX
}

teardown() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	if [ -d "$HP_STATE_DIR" ] && supervised; then
		hp-supervise -t 15s shutdown >/dev/null 2>&1 || true
	fi
	hp_teardown
}

# view [ENV...]: hp-ls --top in a tmux pane of 100x30, in a shell that
# keeps the terminal's settings before (stty.before) and after
# (stty.after) and says how it ended.
view() {
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 100 -y 30 \
	    "stty -g >stty.before; env $* hp-ls --top; echo \"ended \$?\"; stty -g >stty.after; exec sleep 1000"
	wait_until 10 screen_has "NAME "
}

# again: this tmux server goes, and the next session is on a server of
# its own (kill-server returns before the old one has let its socket go,
# and a new session there may meet it on its way out).
again() {
	tmux -L "$TMUX_SOCK" kill-server
	TMUX_SOCK="$TMUX_SOCK-2"
}

screen() {
	tmux -L "$TMUX_SOCK" capture-pane -p "$@"
}

screen_has() {
	screen | grep -qF -- "$1"
}

screen_lacks() {
	! screen | grep -qF -- "$1"
}

keys() {
	tmux -L "$TMUX_SOCK" send-keys "$@"
}

# row NAME: NAME's row of the view.
row() {
	screen | grep -E "^$1 " | head -n 1
}

# The pid of hp-ls in the pane.
viewer() {
	pgrep -f -n '^hp-ls --top' -P "$(tmux -L "$TMUX_SOCK" list-panes -F '#{pane_pid}')"
}

@test "--top: a row a process, the selected one's log below; j/k move; q puts the terminal back" {
	hp-spawn -n api -- sh -c 'while :; do echo "api says hi"; sleep 0.2; done' >/dev/null
	hp-spawn -n web -- sh -c 'while :; do echo "web says hi"; sleep 0.2; done' >/dev/null
	hp-spawn -w -t system -n once -- sh -c 'exit 3' >/dev/null || true
	view
	wait_until 10 screen_has "api says hi"
	[[ $(row api) =~ ^api\ +running\ +[0-9]+\ +[0-9.]+%\ +[0-9.]+[KMG]\ +0\ +unknown ]]
	[[ $(row once) =~ ^once\ +exited\ +-\ +-\ +-\ +0\ +unknown ]]
	[[ $(row web) =~ ^web\ +running ]]
	screen_has "api: log"
	# Down twice: web (the names are in order).
	keys j j
	wait_until 10 screen_has "web: log"
	wait_until 10 screen_has "web says hi"
	screen_lacks "api says hi"
	keys k
	wait_until 10 screen_has "once: log"
	keys q
	wait_until 10 screen_has "ended 0"
	cmp stty.before stty.after
	# The screen it found is back: no view left on it.
	screen_lacks "NAME "
}

@test "--top: r restarts the selected process, s stops and starts it, x signals it" {
	local pid
	pid=$(hp-spawn -n web -- sleep 1000)
	pid=${pid#web }
	view
	keys r
	wait_until 10 screen_has "web: running"
	[ "$(state_of web)" = running ]
	[ "$(hp-ls --json web | json 'String(j[0].pid)')" != "$pid" ]
	wait_until 10 row_has web "^web +running"
	keys s
	wait_until 10 screen_has "web: stopped"
	wait_until 10 row_has web "^web +stopped"
	keys s
	wait_until 10 row_has web "^web +running"
	pid=$(hp-ls --json web | json 'String(j[0].pid)')
	# x asks for a signal, TERM unless told: KILL here.
	keys x
	wait_until 10 screen_has "signal to web: TERM"
	keys BSpace BSpace BSpace BSpace K I L L Enter
	wait_until 10 screen_has "web: ok"
	wait_until 10 gone "$pid"
	keys q
	wait_until 10 screen_has "ended 0"
}

row_has() {
	[[ $(row "$1") =~ $2 ]]
}

@test "--top: / filters by name, t shows the children" {
	hp-spawn -n alpha -- sh -c 'sleep 1000 & wait' >/dev/null
	hp-spawn -n beta -- sleep 1000 >/dev/null
	view
	wait_until 10 screen_has "beta "
	keys t
	wait_until 10 screen_has "child"
	[[ $(screen | grep -A1 '^alpha ') =~ sleep\ +child ]]
	keys / a l Enter
	wait_until 10 screen_lacks "beta "
	screen_has "alpha "
	keys / BSpace BSpace '*ta' Enter
	wait_until 10 screen_lacks "alpha "
	screen_has "beta "
	keys q
	wait_until 10 screen_has "ended 0"
}

@test "--top: a resize redraws it to the new size; sparklines when there is room" {
	hp-spawn -n web -- sleep 1000 >/dev/null
	view
	screen_has "CPU 1m"
	tmux -L "$TMUX_SOCK" resize-window -x 60 -y 20
	wait_until 10 screen_lacks "CPU 1m"
	[ "$(screen | wc -L)" -le 60 ]
	tmux -L "$TMUX_SOCK" resize-window -x 160 -y 40
	wait_until 10 screen_has "CPU 1m"
	# The log pane's rule reaches the new right edge.
	[ "$(screen | grep -- '-- web: log' | wc -L)" -eq 160 ]
	keys q
	wait_until 10 screen_has "ended 0"
}

@test "--top: SIGTERM ends it and puts the terminal back" {
	hp-spawn -n web -- sleep 1000 >/dev/null
	view
	kill -TERM "$(viewer)"
	wait_until 10 screen_has "ended 0"
	cmp stty.before stty.after
	screen_lacks "NAME "
}

@test "--top: colour on a terminal, none with NO_COLOR; blocks under UTF-8, ASCII under C" {
	hp-spawn -n api -- sleep 1000 >/dev/null
	hp-spawn -n web -- sleep 1000 >/dev/null
	view
	# The state of a row not selected is coloured: running is green.
	wait_until 10 sh -c "tmux -L $TMUX_SOCK capture-pane -p -e | grep -q \$(printf '\\033')'\\[32m'"
	# Sparklines of ASCII.
	wait_until 10 row_has web '[_.:=+*#-]+ +[_.:=+*#-]+$'
	keys q
	wait_until 10 screen_has "ended 0"
	again
	view NO_COLOR=1 LC_ALL=C.UTF-8
	wait_until 10 row_has web '▁|█'
	! screen -e | grep -q "$(printf '\033')\[3[0-9]m"
	keys q
	wait_until 10 screen_has "ended 0"
}

@test "--top wants a terminal: without one, a usage error" {
	run --separate-stderr hp-ls --top </dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-ls: --top wants a terminal" ]
}

@test "hp-ls -l on a terminal: each name in a colour of its own; none with NO_COLOR" {
	local esc
	esc=$(printf '\033')
	hp-spawn -w -n a -- echo one >/dev/null
	hp-spawn -w -n b -- echo two >/dev/null
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 100 -y 10 \
	    "hp-ls -l; echo done; exec sleep 1000"
	wait_until 10 screen_has "done"
	screen -e | grep -q "^${esc}\[3[1-6]ma${esc}\[39m .* out one"
	screen -e | grep -q "^${esc}\[3[1-6]mb${esc}\[39m .* out two"
	again
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 100 -y 10 \
	    "NO_COLOR=1 hp-ls -l; echo done; exec sleep 1000"
	wait_until 10 screen_has "done"
	screen | grep -q "^a .* out one"
	! screen -e | grep -q "${esc}\[3[1-6]m"
}
