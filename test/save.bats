#!/usr/bin/env bats
# hp: see LICENSE.
# save.bats: hp-supervise save writes what runs as one hp.conf, -f brings
# it back; startup prints or writes what starts it at boot (systemd,
# launchd, rc), and the supervisor speaks sd_notify to a NOTIFY_SOCKET.

load helpers
load supervise
bats_require_minimum_version 1.5.0

NOTIFY=$ROOT/test/notify
VERIFY=$(command -v systemd-analyze >/dev/null ||
    echo " (NOT RUN: no systemd-analyze on this machine)")

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	export HOME="$BATS_TEST_TMPDIR/home"
	unset XDG_CONFIG_HOME
	mkdir -p "$HOME"
}

# specs DIR: every spec of the state directory, instances' too, copied
# under DIR by name without the line that names the file it came from.
specs() {
	local f n
	mkdir -p "$1"
	for f in "$HP_STATE_DIR"/procs/*/spec "$HP_STATE_DIR"/procs/*/*/spec; do
		[ -f "$f" ] || continue
		n=${f#"$HP_STATE_DIR"/procs/}
		n=${n%/spec}
		grep -v '^config = ' "$f" >"$1/${n//\//:}"
	done
}

all_running() {
	[ "$(hp-ls --json | json 'j.filter((p) => p.state === "running").length')" = "$1" ]
}

# A file with a long stop-timeout: the startup texts wait for it.
long_conf() {
	cat >long.conf <<-EOF
	[service quick]
	exec = sleep 600
	[service slow]
	exec = sleep 600
	stop-timeout = 300s
	EOF
}

@test "save: a mixed set comes back exactly with -f: every key of every spec" {
	mkdir work
	hp-spawn -n db -e DB_PASSWORD=s3cret -- sleep 600
	hp-spawn -n web -C work -e PORT=8080 -r always --stop-timeout 40s \
	    --limit nofile=1000 --memory-max 100M --after db --umask 027 \
	    --health tcp://127.0.0.1:9 -- sleep 601
	hp-spawn -n js -t node -- "$ROOT/test/node/echo.js"
	hp-pty -d -n tty -c 100 -r 30 -- sleep 602
	hp-spawn -n pool -i 2 --listen tcp://127.0.0.1:0 -- sleep 603
	wait_until 10 all_running 6
	run hp-supervise save "$BATS_TEST_TMPDIR/saved.conf"
	[ "$status" -eq 0 ]
	[ "$output" = "saved 5 processes to $BATS_TEST_TMPDIR/saved.conf" ]
	hp-ls --json | json 'j.map((p) => p.name + " " + p.type).join("\n")' >before.ls
	specs before
	[ -f before/pool:1 ] && [ -f before/tty ] && [ -f before/js ]
	grep -qx 'env = DB_PASSWORD=s3cret' before/db
	hp-supervise -t 30s shutdown
	# As at boot: the runtime directory is gone, the file is not.
	rm -rf "$HP_STATE_DIR"
	fg -f "$BATS_TEST_TMPDIR/saved.conf"
	wait_until 10 all_running 6
	hp-ls --json | json 'j.map((p) => p.name + " " + p.type).join("\n")' >after.ls
	specs after
	diff before.ls after.ls
	diff -r before after
	grep -qx "config = $BATS_TEST_TMPDIR/saved.conf" \
	    "$HP_STATE_DIR/procs/web/spec"
	# Saved again, the same file: a round trip is a fixed point.
	hp-supervise save again.conf
	diff <(grep -v '^#' saved.conf) <(grep -v '^#' again.conf)
}

@test "save: mode 0600, renamed into place, ~/.config/hp/saved.conf by default" {
	hp-spawn -n s -e TOKEN=hush -- sleep 600
	umask 022
	run hp-supervise save
	[ "$status" -eq 0 ]
	[ "$output" = "saved 1 process to $HOME/.config/hp/saved.conf" ]
	[ "$(stat -c %a "$HOME/.config/hp/saved.conf")" = 600 ]
	[ "$(stat -c %a "$HOME/.config/hp")" = 700 ]
	[ "$(ls -A "$HOME/.config/hp")" = saved.conf ]
	grep -qx '\[service s\]' "$HOME/.config/hp/saved.conf"
	grep -qx 'env = TOKEN=hush' "$HOME/.config/hp/saved.conf"
	# A file there already: replaced whole, still 0600.
	chmod 644 "$HOME/.config/hp/saved.conf"
	hp-supervise save >/dev/null
	[ "$(stat -c %a "$HOME/.config/hp/saved.conf")" = 600 ]
	# $XDG_CONFIG_HOME, when set, is where it goes.
	XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/xdg" run hp-supervise --json save
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.file + " " + j.processes')" = \
	    "$BATS_TEST_TMPDIR/xdg/hp/saved.conf 1" ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/xdg/hp/saved.conf")" = 600 ]
}

@test "save: nothing recorded, or a file -f would refuse: exit 1, the file as it was" {
	echo keep >saved.conf
	hp-spawn -n b -- sleep 600
	hp-supervise remove b >/dev/null
	run --separate-stderr hp-supervise save saved.conf
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: $HP_STATE_DIR: nothing to save; $BATS_TEST_TMPDIR/saved.conf is left as it was" ]
	[ "$(cat saved.conf)" = keep ]
	hp-spawn -n b -- sleep 600
	hp-spawn -n a --after b -- sleep 601
	hp-supervise remove b >/dev/null
	run --separate-stderr hp-supervise save saved.conf
	[ "$status" -eq 1 ]
	[[ $stderr == *"-f would refuse it: "*"a: after: no such section: b" ]]
	[ "$(cat saved.conf)" = keep ]
	[ -z "$(ls -A | grep '^saved\.conf\.')" ]
}

@test "save and startup: usage errors exit 2" {
	run hp-supervise save a b
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-supervise: save takes one file at most" ]
	run hp-supervise startup --format upstart
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-supervise: bad format (systemd, launchd, rc): upstart" ]
	run hp-supervise status --write
	[ "$status" -eq 2 ]
	run hp-supervise save --user
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-supervise: --user, --system, --format and --write are startup's" ]
	run hp-supervise startup missing.conf
	[ "$status" -eq 1 ]
	[[ ${lines[0]} == *"missing.conf: No such file or directory" ]]
}

@test "startup: a systemd unit: Type=notify, KillMode=mixed, TimeoutStopSec past the longest stop-timeout" {
	long_conf
	run hp-supervise startup --format systemd --user long.conf
	[ "$status" -eq 0 ]
	echo "$output" >user.service
	grep -qx 'Type=notify' user.service
	grep -qx 'KillMode=mixed' user.service
	grep -qx 'TimeoutStopSec=310' user.service
	grep -qx "ExecStart=$ROOT/cmd/hp-supervise -S $HP_STATE_DIR -f $BATS_TEST_TMPDIR/long.conf" user.service
	grep -qx 'WantedBy=default.target' user.service
	grep -qx "# It belongs in $HOME/.config/systemd/user/hp.service; hp-supervise startup --user --write puts it there." user.service
	[ -z "$(grep '^User=' user.service)" ]
	# For the system, without a state directory asked for: /run/hp.
	env -u HP_STATE_DIR hp-supervise startup --system --format systemd \
	    long.conf >system.service
	grep -qx "ExecStart=$ROOT/cmd/hp-supervise -S /run/hp -f $BATS_TEST_TMPDIR/long.conf" system.service
	grep -qx 'RuntimeDirectory=hp' system.service
	grep -qx 'RuntimeDirectoryMode=0700' system.service
	grep -qx 'WantedBy=multi-user.target' system.service
	# The user's: the runtime directory systemd gives it, as the shell's.
	env -u HP_STATE_DIR hp-supervise startup --user --format systemd \
	    long.conf >user2.service
	grep -qx "ExecStart=$ROOT/cmd/hp-supervise -S %t/hp -f $BATS_TEST_TMPDIR/long.conf" user2.service
}

@test "startup: the units pass systemd-analyze verify$VERIFY" {
	[ -z "$VERIFY" ] || return 0
	long_conf
	mkdir -m 0700 run
	env -u HP_STATE_DIR hp-supervise startup --system --format systemd \
	    long.conf >hp.service
	# The man page is installed with the package, not here: --man=no.
	run systemd-analyze --man=no verify "$BATS_TEST_TMPDIR/hp.service"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	env -u HP_STATE_DIR hp-supervise startup --user --format systemd \
	    long.conf >hp.service
	XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" run systemd-analyze --user \
	    --man=no verify "$BATS_TEST_TMPDIR/hp.service"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# A path with a blank and a '%': quoted, not taken for a specifier.
	mkdir "a b%c"
	cp long.conf "a b%c/saved.conf"
	env -u HP_STATE_DIR hp-supervise startup --system --format systemd \
	    "a b%c/saved.conf" >hp.service
	grep -qx "ExecStart=$ROOT/cmd/hp-supervise -S /run/hp -f \"$BATS_TEST_TMPDIR/a b%%c/saved.conf\"" hp.service
	run systemd-analyze --man=no verify "$BATS_TEST_TMPDIR/hp.service"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# It would say so of a bad one.
	sed -i 's/^KillMode=mixed/KillMode=gently/' hp.service
	XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" run systemd-analyze --user \
	    --man=no verify "$BATS_TEST_TMPDIR/hp.service"
	[ -n "$output" ]
}

@test "startup: a launchd property list, read by a real plist parser" {
	long_conf
	run hp-supervise startup --format launchd --user long.conf
	[ "$status" -eq 0 ]
	echo "$output" >hp.plist
	run python3 -c '
import plistlib, sys
d = plistlib.load(open(sys.argv[1], "rb"))
print(d["Label"], d["ExitTimeOut"], d["RunAtLoad"], d["KeepAlive"])
print(" ".join(d["ProgramArguments"]))' hp.plist
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hp.supervise 310 True {'SuccessfulExit': False}" ]
	[ "${lines[1]}" = "$ROOT/cmd/hp-supervise -S $HP_STATE_DIR -f $BATS_TEST_TMPDIR/long.conf" ]
	grep -q "launchctl bootstrap gui/$(id -u) $HOME/Library/LaunchAgents/hp.supervise.plist" hp.plist
}

@test "startup: an rc script that starts, tells and stops the saved processes" {
	long_conf
	run hp-supervise startup --format rc --system long.conf
	[ "$status" -eq 0 ]
	echo "$output" >hp.rc
	chmod +x hp.rc
	sh -n hp.rc
	grep -qx 'WAIT=310s' hp.rc
	grep -qx "STATE='$HP_STATE_DIR'" hp.rc
	./hp.rc start
	track "$(supervisor_pid)"
	wait_until 5 all_running 2
	run ./hp.rc status
	[ "$status" -eq 0 ]
	[[ $output == "running "* ]]
	./hp.rc stop
	unsupervised
	run ./hp.rc bogus
	[ "$status" -eq 2 ]
}

@test "startup --write: where it belongs under HOME, and the commands, none run" {
	hp-spawn -n s --stop-timeout 60s -- sleep 600
	hp-supervise save >/dev/null
	run hp-supervise startup --user --format systemd --write
	[ "$status" -eq 0 ]
	unit="$HOME/.config/systemd/user/hp.service"
	[ "${lines[0]}" = "wrote $unit" ]
	[ "${lines[2]}" = "systemctl --user daemon-reload" ]
	[ "${lines[3]}" = "systemctl --user enable --now hp.service" ]
	[ "${lines[4]}" = "loginctl enable-linger $(id -un)" ]
	[ "$(stat -c %a "$unit")" = 644 ]
	grep -qx 'TimeoutStopSec=70' "$unit"
	grep -qx "ExecStart=$ROOT/cmd/hp-supervise -S $HP_STATE_DIR -f $HOME/.config/hp/saved.conf" "$unit"
	[ "$(ls -A "$(dirname "$unit")")" = hp.service ]
	run hp-supervise --json startup --user --format rc --write
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.path + " " + j.written + " " + j.scope')" = \
	    "$HOME/.config/hp/startup.sh true user" ]
	[ "$(stat -c %a "$HOME/.config/hp/startup.sh")" = 755 ]
	[ "$(echo "$output" | json 'j.commands[1]')" = "$HOME/.config/hp/startup.sh start" ]
}

@test "supervisor: READY=1 to NOTIFY_SOCKET once the file has started, STOPPING=1 at shutdown" {
	long_conf
	"$NOTIFY" recv:"$BATS_TEST_TMPDIR/sd" >heard &
	track $!
	wait_until 5 grep -qx listening heard
	NOTIFY_SOCKET="$BATS_TEST_TMPDIR/sd" fg -f long.conf
	wait_until 5 grep -qx READY=1 heard
	# What it started did not inherit the socket.
	wait_until 5 st_is quick state running
	[ -z "$(grep NOTIFY_SOCKET "$HP_STATE_DIR/procs/quick/spec")" ]
	[ -z "$(tr '\0' '\n' <"/proc/$(st quick pid)/environ" |
	    grep NOTIFY_SOCKET)" ]
	[ "$(cat heard)" = "listening
READY=1" ]
	hp-supervise -t 15s shutdown
	wait_until 5 grep -qx STOPPING=1 heard
	[ "$(grep -c . heard)" -eq 3 ]
}

@test "supervisor: an implicit one, started under another's NOTIFY_SOCKET, says nothing there" {
	"$NOTIFY" recv:"$BATS_TEST_TMPDIR/sd" >heard &
	track $!
	wait_until 5 grep -qx listening heard
	NOTIFY_SOCKET="$BATS_TEST_TMPDIR/sd" hp-spawn -n s -- sleep 600
	hp-supervise -t 15s shutdown
	# A datagram of ours comes after whatever it would have sent.
	NOTIFY_SOCKET="$BATS_TEST_TMPDIR/sd" "$NOTIFY" send:MARK
	wait_until 5 grep -qx MARK heard
	[ "$(cat heard)" = "listening
MARK" ]
}
