#!/usr/bin/env bats
# hp: see LICENSE.
# hp-pty.bats: real programs through hp-pty, from pipes and from tmux.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	T=$BATS_TEST_TMPDIR
	TMUX_SOCK=hp-$BATS_TEST_NUMBER
}

teardown() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	hp_teardown
}

# od of a file, one byte a word, no addresses: comparable text.
hex() {
	od -An -v -tx1 "$@" | tr -s ' \n' '  '
}

# A terminal fed from a FIFO we hold open: "$T/in", output in "$T/out".
# Its pid in PTY_PID.
start_fed() {
	mkfifo "$T/in"
	hp-pty "$@" <"$T/in" >"$T/out" 2>"$T/err" &
	PTY_PID=$!
	track "$PTY_PID"
	exec 5>"$T/in"
}

out_has() {
	grep -q -- "$1" "$T/out"
}

# out_count PATTERN N: PATTERN is on N lines of the output or more.
out_count() {
	[ "$(grep -c -- "$1" "$T/out")" -ge "$2" ]
}

@test "hp-pty: bad usage exits 2 with where help is" {
	run --separate-stderr hp-pty --bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-pty: unknown option --bogus
try 'hp-pty --help'" ]
	run hp-pty -c 0 -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"bad cols: 0"* ]]
	run hp-pty -r 70000 -- true
	[ "$status" -eq 2 ]
	run hp-pty -n 'bad/name' -- true
	[ "$status" -eq 2 ]
	run hp-pty true
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown verb: true"* ]]
	run hp-pty resize onlyname
	[ "$status" -eq 2 ]
	run hp-pty resize t 0 10
	[ "$status" -eq 2 ]
	run hp-pty -e NOEQUALS -- true
	[ "$status" -eq 2 ]
	# A spare takes its command on the channel, and only there.
	run hp-pty --spare
	[ "$status" -eq 2 ]
	[[ "$output" == *"--spare wants --control and no command"* ]]
	run hp-pty --control=3 --spare -- true 3<>"$BATS_TEST_TMPDIR/sock"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--spare wants --control and no command"* ]]
	run hp-pty -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: hp-pty "* ]]
	run hp-pty -V
	[ "$output" = "hp-pty 0.1.0" ]
}

@test "hp-pty: the options of usage are those of the man page's SYNOPSIS" {
	local man use
	man=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$ROOT/man/hp-pty.1" |
	    grep -o 'Fl [^ ]*' | sed 's/^Fl /-/' | LC_ALL=C sort -u | tr '\n' ' ')
	use=$(hp-pty -h | grep -o '\[-[^] ]*' | sed 's/^\[//' |
	    LC_ALL=C sort -u | tr '\n' ' ')
	echo "man '$man' usage '$use'"
	[ "$man" = "$use" ]
}

@test "hp-pty: passes on the program's status, 128+N for a signal" {
	run hp-pty -- sh -c 'exit 7' </dev/null
	[ "$status" -eq 7 ]
	run hp-pty -- sh -c 'kill -TERM $$' </dev/null
	[ "$status" -eq 143 ]
	run hp-pty -- true </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "hp-pty: a missing command is 127, one not executable 126" {
	run -127 hp-pty -- hp-no-such-command </dev/null
	[ "$status" -eq 127 ]
	[ "$output" = "hp-pty: hp-no-such-command: command not found" ]
	printf 'echo hi\n' >"$T/noexec"
	run hp-pty -- "$T/noexec" </dev/null
	[ "$status" -eq 126 ]
	[[ "$output" == "hp-pty: $T/noexec: Permission denied" ]]
	run hp-pty -C "$T/nodir" -- true </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/nodir: No such file or directory" ]]
}

@test "hp-pty: the terminal's output arrives byte for byte, binary too" {
	# Every byte value, and UTF-8 that is not valid.
	printf '\377\376\300\200\355\240\200\342\202' >"$T/bytes"
	for i in $(seq 0 255); do printf "\\$(printf %o "$i")"; done \
	    >>"$T/bytes"
	hp-pty -- sh -c 'stty raw -echo; cat "$1"' sh "$T/bytes" \
	    </dev/null >"$T/got"
	[ "$(hex "$T/got")" = "$(hex "$T/bytes")" ]
}

@test "hp-pty: what is written to it reaches the program byte for byte" {
	head -c 4096 /dev/urandom >"$T/bytes"
	start_fed -- sh -c 'stty raw -echo; echo ready; head -c 4096 >"$1"' \
	    sh "$T/typed"
	wait_until 10 out_has ready
	cat "$T/bytes" >&5
	exec 5>&-
	wait "$PTY_PID"
	cmp "$T/typed" "$T/bytes"
}

@test "hp-pty: 1 MiB written just before exit all arrives" {
	head -c 1048576 /dev/urandom >"$T/big"
	run sh -c 'hp-pty -- sh -c "stty raw -echo; cat \"\$1\"" sh "$1" \
	    </dev/null | cmp - "$1"' sh "$T/big"
	[ "$status" -eq 0 ]
	# And through a reader that is slow to start: nothing is dropped.
	hp-pty -- sh -c 'stty raw -echo; cat "$1"' sh "$T/big" </dev/null |
	    { read -r -n 1 first; printf %s "$first"; cat; } >"$T/got" || true
	[ "$(wc -c <"$T/got")" -ge 1048575 ]
}

@test "hp-pty (Linux, /proc): writes to a pipe through a non-blocking descriptor of its own; the shared one stays blocking" {
	[ -d /proc/self/fdinfo ] || skip "no /proc (the plain writes are used)"
	{
		hp-pty -- sh -c 'echo ready; exec sleep 100' </dev/null &
		p=$!
		echo "$p" >"$T/pid"
		wait_until 10 grep -q ready "$T/out"
		# Ours, shared with hp-pty's stdout: its flags as they are.
		awk '/^flags/ { print $2 }' "/proc/$BASHPID/fdinfo/1" \
		    >"$T/shared"
		# hp-pty's descriptors on the same pipe, and their flags.
		pipe=$(readlink "/proc/$p/fd/1")
		for f in /proc/"$p"/fd/*; do
			[ "$(readlink "$f")" = "$pipe" ] &&
			    awk '/^flags/ { print $2 }' \
			    "/proc/$p/fdinfo/${f##*/}"
		done >"$T/ours"
		kill "$p"
		wait "$p" || true
	} | cat >"$T/out"
	[ $(( 0$(cat "$T/shared") & 04000 )) -eq 0 ]
	[ "$(wc -l <"$T/ours")" -eq 2 ]
	nb=0
	while read -r f; do
		[ $(( 0$f & 04000 )) -ne 0 ] && nb=$((nb + 1))
	done <"$T/ours"
	[ "$nb" -eq 1 ]
}

@test "hp-pty: Ctrl-C gets through while stdout takes nothing" {
	mkfifo "$T/in" "$T/outfifo"
	hp-pty -- sh -c 'trap "exit 3" INT; echo $$ >"$1";
	    while :; do echo flood; done' sh "$T/pid" \
	    <"$T/in" >"$T/outfifo" &
	PTY_PID=$!
	track "$PTY_PID"
	exec 5>"$T/in" 7<"$T/outfifo"
	wait_until 10 test -s "$T/pid"
	printf '\003' >&5
	# Nothing was read yet: far more than the buffers hold is waiting.
	kill -0 "$PTY_PID"
	timeout 10 cat <&7 >/dev/null
	st=0
	wait "$PTY_PID" || st=$?
	[ "$st" -eq 3 ]
}

@test "hp-pty: a name the supervisor keeps is refused" {
	hp-spawn -n svc -- sleep 100
	run hp-pty -n svc -- true </dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "hp-pty: svc: name in use" ]
	[ -e "$HP_STATE_DIR/procs/svc/spec" ]
}

@test "hp-pty: -c and -r set the size; LINES and COLUMNS are not passed on" {
	run hp-pty -c 100 -r 40 -- stty size </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = $'40 100\r' ]
	run hp-pty -- stty size </dev/null
	[ "$output" = $'24 80\r' ]
	LINES=5 COLUMNS=9 run hp-pty -- sh -c \
	    'echo "[${LINES-unset}][${COLUMNS-unset}] $TERM $COLORTERM"' \
	    </dev/null
	[ "$output" = $'[unset][unset] xterm-256color truecolor\r' ]
	run hp-pty -T vt100 -e COLORTERM=24bit -- \
	    sh -c 'echo $TERM $COLORTERM' </dev/null
	[ "$output" = $'vt100 24bit\r' ]
}

@test "hp-pty: a C or unset locale becomes UTF-8, a chosen one stays" {
	# helpers.bash exports LC_ALL=C.
	unset LANG LC_CTYPE
	run hp-pty -- sh -c 'echo "${LC_ALL-unset} $LANG"' </dev/null
	[ "$output" = $'unset C.UTF-8\r' ]
	LC_ALL= LANG=de_DE.ISO-8859-1 run hp-pty -- sh -c \
	    'echo "${LC_ALL-unset} $LANG"' </dev/null
	[ "$output" = $'unset de_DE.ISO-8859-1\r' ]
	run hp-pty -e LC_ALL=POSIX -- sh -c 'echo "$LC_ALL ${LANG-unset}"' \
	    </dev/null
	[ "$output" = $'POSIX unset\r' ]
	ELECTRON_RUN_AS_NODE=1 run hp-pty -- sh -c \
	    'echo "${ELECTRON_RUN_AS_NODE-gone}"' </dev/null
	[ "$output" = $'gone\r' ]
	run hp-pty -E -e A=1 -- /usr/bin/env </dev/null
	[ "$(printf '%s\n' "$output" | tr -d '\r' | sort | tr '\n' ' ')" = \
	    "A=1 COLORTERM=truecolor LANG=C.UTF-8 TERM=xterm-256color " ]
}

@test "hp-pty: EOF on stdin leaves the program running, unless --eof-hangup" {
	run hp-pty -- sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done;
	    echo alive' </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = $'alive\r' ]
	run hp-pty --eof-hangup -- sh -c 'while :; do :; done' </dev/null
	[ "$status" -eq 129 ]
}

@test "hp-pty: fed by a pipe it is listed as a terminal, and goes at exit" {
	start_fed -n term1 -- sh -c 'echo ready; read x; echo "got:$x"'
	wait_until 10 out_has ready
	run hp-ls --json term1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].type + " " + j[0].state')" = \
	    "terminal running" ]
	[ "$(cat "$HP_STATE_DIR/procs/term1/lock")" = "$PTY_PID" ]
	[ -p "$HP_STATE_DIR/procs/term1/control" ]
	# The same name again is refused while it runs.
	run hp-pty -n term1 -- true </dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "hp-pty: term1: name in use" ]
	echo hello >&5
	wait_until 10 out_has 'got:hello'
	wait "$PTY_PID"
	[ ! -e "$HP_STATE_DIR/procs/term1" ]
}

@test "hp-pty: hp-spawn cannot take the name of a terminal" {
	start_fed -n shared -- sh -c 'echo ready; read x'
	wait_until 10 out_has ready
	run hp-spawn -n shared -- sleep 100
	[ "$status" -eq 1 ]
	[ "$output" = "hp-spawn: shared: name in use (kept by pid $PTY_PID)" ]
	[ ! -e "$HP_STATE_DIR/procs/shared/spec" ]
	run hp-ls shared
	[[ "${lines[1]}" == "shared "*terminal*running* ]]
	echo >&5
	wait "$PTY_PID"
}

@test "hp-pty: a derived name is made unique" {
	start_fed -- cat
	wait_until 10 test -e "$HP_STATE_DIR/procs/cat/status"
	mkfifo "$T/in2"
	hp-pty -- cat <"$T/in2" >/dev/null &
	track $!
	exec 6>"$T/in2"
	wait_until 10 test -e "$HP_STATE_DIR/procs/cat-2/status"
	run hp-ls
	[[ "$output" == *"cat-2 "*terminal* ]]
	exec 5>&- 6>&-
	kill -TERM "$PTY_PID"
	wait "$PTY_PID" || true
}

@test "hp-pty resize: the size is set once it returns, and SIGWINCH sent" {
	start_fed -n rs -- sh -c 'trap "stty size" WINCH; echo ready;
	    while :; do sleep 1; done'
	wait_until 10 out_has ready
	tty=$(sed -n 's/^tty = //p' "$HP_STATE_DIR/procs/rs/status")
	[ "$(stty size <"$tty")" = "24 80" ]
	run hp-pty resize rs 100 50
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(stty size <"$tty")" = "50 100" ]
	wait_until 10 out_has '50 100'
	grep -q '^cols = 100$' "$HP_STATE_DIR/procs/rs/status"
	# The same size again: the program hears of it all the same.
	run hp-pty --json resize rs 100 50
	[ "$output" = '{"ok":true,"name":"rs","cols":100,"rows":50}' ]
	wait_until 10 out_count '50 100' 2
	run hp-pty resize nosuch 10 10
	[ "$status" -eq 1 ]
	[ "$output" = "hp-pty: nosuch: no such terminal" ]
	kill -TERM "$PTY_PID"
	st=0
	wait "$PTY_PID" || st=$?
	[ "$st" -eq 129 ]
	[ ! -e "$HP_STATE_DIR/procs/rs" ]
}

@test "hp-pty: a stale record with a free lock is taken over" {
	mkdir -p "$HP_STATE_DIR/procs/old"
	chmod 700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs"
	printf 'name = old\ntype = terminal\nstate = running\npid = 999999\n' \
	    >"$HP_STATE_DIR/procs/old/status"
	: >"$HP_STATE_DIR/procs/old/lock"
	run hp-ls old
	[[ "${lines[1]}" == "old "*terminal*exited* ]]
	run hp-pty -n old -- sh -c 'echo ok' </dev/null </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = $'ok\r' ]
	[ ! -e "$HP_STATE_DIR/procs/old" ]
}

@test "hp-pty: a record that is a link is refused" {
	mkdir -p "$HP_STATE_DIR/procs" "$T/elsewhere"
	chmod 700 "$HP_STATE_DIR" "$HP_STATE_DIR/procs"
	ln -s "$T/elsewhere" "$HP_STATE_DIR/procs/linked"
	run hp-pty -n linked -- true </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == "hp-pty: $HP_STATE_DIR/procs/linked: "* ]]
	[ -z "$(ls "$T/elsewhere")" ]
}

@test "hp-pty: an unsafe state directory is refused" {
	mkdir -p "$HP_STATE_DIR"
	chmod 777 "$HP_STATE_DIR"
	run hp-pty -- true </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == "hp-pty: "* ]]
	run sh -c 'hp-pty --json -- true </dev/null 2>/dev/null'
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = "state-dir" ]
	chmod 700 "$HP_STATE_DIR"
}

# tmux: a terminal on stdin

# tmux_run SCRIPT: run sh SCRIPT in a private tmux server, 80x24.
tmux_run() {
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 80 -y 24 \
	    "sh $1"
}

@test "hp-pty in tmux: raw mode while it runs, restored after SIGTERM" {
	cat >"$T/run.sh" <<EOF
stty -g >"$T/before"
hp-pty -- sh -c 'echo \$\$ >"$T/child"; exec sleep 600'
echo \$? >"$T/status.new"
stty -g >"$T/after"
mv "$T/status.new" "$T/status"
read x
EOF
	tmux_run "$T/run.sh"
	wait_until 10 test -s "$T/child"
	pane=$(tmux -L "$TMUX_SOCK" display -p '#{pane_tty}')
	[ "$(stty -g <"$pane")" != "$(cat "$T/before")" ]
	stty -a <"$pane" | grep -q -- '-icanon'
	pty=$(ps -o ppid= -p "$(cat "$T/child")" | tr -d ' ')
	kill -TERM "$pty"
	wait_until 10 test -e "$T/status"
	[ "$(cat "$T/status")" = 129 ]
	[ "$(cat "$T/after")" = "$(cat "$T/before")" ]
}

@test "hp-pty in tmux: the size of the terminal, and a change of it" {
	cat >"$T/run.sh" <<EOF
hp-pty -- sh -c 'stty size; echo first; read x; stty size; echo second'
echo "status \$?"
read x
EOF
	tmux_run "$T/run.sh"
	capture() {
		tmux -L "$TMUX_SOCK" capture-pane -p | tr -d '\r'
	}
	pane_has() { capture | grep -qx -- "$1"; }
	wait_until 10 pane_has first
	pane_has '24 80'
	tmux -L "$TMUX_SOCK" resize-window -x 100 -y 30
	wide() {
		[ "$(tmux -L "$TMUX_SOCK" display -p '#{pane_width}')" = 100 ]
	}
	wait_until 10 wide
	tmux -L "$TMUX_SOCK" send-keys Enter
	wait_until 10 pane_has second
	pane_has '30 100'
	wait_until 10 pane_has 'status 0'
}

@test "hp-pty in tmux: keys typed reach the program, Ctrl-C too" {
	cat >"$T/run.sh" <<EOF
hp-pty -e 'PS1=hp\$ ' -- sh
echo "status \$?"
read x
EOF
	tmux_run "$T/run.sh"
	capture() { tmux -L "$TMUX_SOCK" capture-pane -p; }
	pane_has() { capture | grep -q -- "$1"; }
	wait_until 10 pane_has 'hp\$'
	tmux -L "$TMUX_SOCK" send-keys 'echo hp-$((6*7))' Enter
	wait_until 10 pane_has '^hp-42'
	tmux -L "$TMUX_SOCK" send-keys 'cat' Enter
	tmux -L "$TMUX_SOCK" send-keys C-c
	tmux -L "$TMUX_SOCK" send-keys 'exit 5' Enter
	wait_until 10 pane_has 'status 5'
}

# Node.js, as an Electron terminal spawns it

@test "hp-pty from node: child_process.spawn with pipes, type and read" {
	command -v node >/dev/null || skip "node not installed"
	cat >"$T/term.js" <<'EOF'
const { spawn } = require("child_process");
const p = spawn("hp-pty", ["-n", "electron", "-c", "90", "-r", "20", "--",
    "sh"], { stdio: ["pipe", "pipe", "pipe"] });
let out = "", step = 0;
const timer = setTimeout(() => { console.log("timeout: " + out); p.kill(); },
    15000);
p.stdout.on("data", (d) => {
	out += d.toString("latin1");
	if (step === 0 && out.includes("$ ")) {
		step = 1;
		p.stdin.write("stty size; echo hp-$((6*7))\n");
	}
	if (step === 1 && /\nhp-42\r\n/.test(out)) {
		step = 2;
		console.log(/\n20 90\r\n/.test(out) ? "size ok" : "size bad");
		p.stdin.write("exit 3\n");
	}
});
p.on("exit", (code) => {
	clearTimeout(timer);
	console.log("exit " + code);
});
EOF
	run env PS1='$ ' node "$T/term.js"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "size ok" ]
	[ "${lines[1]}" = "exit 3" ]
}

# -t TOOL

tools_env() {
	mkdir -p "$T/bin"
	printf '#!/bin/sh\necho "alpha $ALPHA_MODE $*"\n[ -z "$ALPHA_X" ] || echo "x: $ALPHA_X"\n' \
	    >"$T/bin/alphatool"
	chmod 755 "$T/bin/alphatool"
	printf '%s\n' '[tool alpha]' 'name = Alpha' 'command = alphatool' \
	    'env = ALPHA_MODE=on ALPHA_X="x y"' '[tool beta]' \
	    'command = hp-no-beta' \
	    >"$T/tools.conf"
	export HP_REGISTRY="$T/tools.conf" XDG_CONFIG_HOME="$T/config"
	export XDG_CACHE_HOME="$T/cache" HOME="$T"
	export PATH="$T/bin:$PATH"
}

@test "hp-pty -t: launches a registered tool with its environment" {
	tools_env
	run sh -c 'hp-pty -t alpha -- one two </dev/null 2>/dev/null'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'alpha on one two\r' ]
	# env = is split into words, as in hp.conf.
	[ "${lines[1]}" = $'x: x y\r' ]
	hp-pty -t alpha </dev/null 2>"$T/err" >/dev/null
	[ "$(head -n 1 "$T/err" | json 'j.event + " " + j.id + " " + j.path + " " + j.terminal')" = \
	    "cli-tool:launched alpha $T/bin/alphatool alpha" ]
	# Its version, not cached, is probed after: none in "alpha on --version".
	[ "$(sed -n 2p "$T/err" | json 'j.event + " " + j.version')" = \
	    "cli-tool:version null" ]
	run sh -c 'hp-pty --json -t alpha </dev/null 2>/dev/null'
	[ "$(echo "${lines[0]}" | json 'j.event + " " + j.tool')" = \
	    "cli-tool:launched Alpha" ]
	[ "${lines[1]}" = $'alpha on \r' ]
	[ "${lines[2]}" = $'x: x y\r' ]
}

# A tool whose --version waits for "$T/go": its probe is slow until then.
slow_version() {
	tools_env
	printf '%s\n' '#!/bin/sh' \
	    'if [ "$1" = --version ]; then' \
	    "	while [ ! -e '$T/go' ]; do sleep 0.01; done" \
	    '	echo "slowv 3.1.4"; exit 0' 'fi' \
	    'echo hello; read x; echo "bye $x"' >"$T/bin/slowv"
	chmod 755 "$T/bin/slowv"
	printf '%s\n' '[tool slowv]' 'name = Slow' 'command = slowv' \
	    >>"$T/tools.conf"
}

err_has() {
	grep -q -- "$1" "$T/err"
}

@test "hp-pty -t: the version is probed after the launch, then told as cli-tool:version" {
	slow_version
	start_fed --json -t slowv
	# The program speaks while its probe still waits: nothing of the
	# launch waited for it.
	wait_until 10 out_has hello
	[ "$(head -n 1 "$T/out" | json 'j.event + " " + j.version')" = \
	    "cli-tool:launched null" ]
	! err_has cli-tool:version
	touch "$T/go"
	wait_until 10 err_has cli-tool:version
	[ "$(json '[j.event, j.id, j.tool, j.version, j.pid > 0, j.path].join(" ")' \
	    <"$T/err")" = "cli-tool:version slowv Slow 3.1.4 true $T/bin/slowv" ]
	echo x >&5
	wait_until 10 out_has "bye x"
	exec 5>&-
	wait "$PTY_PID"
	# The cache learnt it: the next launch says it at once.
	run hp-detect --json slowv
	[ "$(echo "$output" | json 'j[0].version + " " + j[0].cache')" = \
	    "3.1.4 cache" ]
	run sh -c 'echo y | hp-pty --json -t slowv 2>/dev/null'
	[ "$(echo "${lines[0]}" | json 'j.event + " " + j.version')" = \
	    "cli-tool:launched 3.1.4" ]
}

@test "hp-pty -t: a program that ends first waits for its probe; a supervisor hears of it" {
	slow_version
	hp-supervise -b
	touch "$T/go"
	run sh -c "echo z | hp-pty -t slowv 2>'$T/err'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"bye z"* ]]
	[ "$(sed -n 2p "$T/err" | json 'j.event + " " + j.version')" = \
	    "cli-tool:version 3.1.4" ]
	wait_until 10 grep -q '"cli-tool:version"' "$HP_STATE_DIR/events.log"
	[ "$(grep '"cli-tool:version"' "$HP_STATE_DIR/events.log" |
	    json 'j.id + " " + j.version')" = "slowv 3.1.4" ]
}

@test "hp-pty -d -t: the supervisor keeps the tool's terminal" {
	tools_env
	# A supervisor that stays: the tool's end is still there to attach.
	hp-supervise -b
	hp-pty -d -t alpha -- three 2>"$T/err" >"$T/name"
	[ "$(cat "$T/name")" = alpha ]
	[ "$(json 'j.event + " " + j.id + " " + j.terminal + " " + (j.pid > 0)' \
	    <"$T/err")" = "cli-tool:launched alpha alpha true" ]
	run hp-pty attach alpha </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"alpha on three"* ]]
}

@test "hp-pty -t: a tool not installed is 1 not-installed, unknown is 2" {
	tools_env
	run hp-pty -t beta </dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "hp-pty: beta: not installed" ]
	run sh -c 'hp-pty --json -t beta </dev/null 2>/dev/null'
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = "not-installed" ]
	run hp-pty -t gamma </dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "hp-pty: gamma: unknown tool" ]
}

@test "hp-pty -d: -o cols and rows are the size, as -c and -r are" {
	run hp-pty -d -n oc -o cols=100 -o rows=40 -- sh </dev/null
	[ "$status" -eq 0 ]
	grep -qx 'cols = 100' "$HP_STATE_DIR/procs/oc/status"
	grep -qx 'rows = 40' "$HP_STATE_DIR/procs/oc/status"
	hp-pty -d -n r -r 30 -- sh </dev/null
	grep -qx 'cols = 80' "$HP_STATE_DIR/procs/r/status"
	grep -qx 'rows = 30' "$HP_STATE_DIR/procs/r/status"
}

@test "hp-pty attach: -c without -r off a terminal is a usage error" {
	hp-pty -d -n t -- sh </dev/null
	run hp-pty -c 100 attach t </dev/null
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "hp-pty: attach wants -c and -r together" ]]
	run hp-pty -c 100 -r 30 attach t </dev/null
	[ "$status" -eq 0 ]
	grep -qx 'cols = 100' "$HP_STATE_DIR/procs/t/status"
	grep -qx 'rows = 30' "$HP_STATE_DIR/procs/t/status"
}

@test "hp-pty -d: a stop says which signal ended it: HUP, TERM or KILL" {
	hp-pty -d -n hup -- sh </dev/null
	hp-pty -d -n term -o stop-timeout=1s -- sh -c \
	    "trap '' HUP; echo >'$T/term'; sleep 100 & wait" </dev/null
	# Its stop signal is HUP, which it ignores: KILL all the same.
	hp-pty -d -n kill -o stop-timeout=1s -o stop-signal=HUP -- sh -c \
	    "trap '' HUP; echo >'$T/kill'; sleep 100 & wait" </dev/null
	wait_until 10 test -e "$T/term"
	wait_until 10 test -e "$T/kill"
	run hp-supervise --json stop hup term kill
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map(x => x.stopped_by).join(" ")')" = \
	    "HUP TERM KILL" ]
	grep -q '"event":"process:stopped","name":"kill".*"stopped_by":"KILL"' \
	    "$HP_STATE_DIR/events.log"
}

@test "hp-pty send: nothing to send still wants a running terminal" {
	hp-pty -d -n t -- sh -c 'read x; exit 3' </dev/null
	run hp-pty --no-newline send nosuch ''
	[ "$status" -eq 1 ]
	[ "$output" = "hp-pty: nosuch: no such process" ]
	run hp-pty send t </dev/null
	[ "$status" -eq 0 ]
	run hp-pty --json send t go
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.ok + " " + j.name')" = "true t" ]
	wait_until 10 grep -q 'state = exited' "$HP_STATE_DIR/procs/t/status"
	run sh -c 'hp-pty --json send t </dev/null 2>/dev/null'
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = "not-running" ]
}
