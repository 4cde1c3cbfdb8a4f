#!/usr/bin/env bats
# hp: see LICENSE.
# user.bats: processes run as another user (hp-spawn -u, user =, group =,
# umask =): their ids, groups, umask and environment, and what stays out
# of their reach. Running as another user needs root: CI is root.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	chmod 755 "$BATS_TEST_TMPDIR"
	USAGE="try 'hp-spawn --help'"
}

root() {
	[ "$(id -u)" -eq 0 ] || skip "running as another user needs root"
	getent passwd nobody >/dev/null || skip "no user nobody"
}

@test "-u nobody: its uid, gid and groups, none of root's left" {
	root
	run --separate-stderr hp-spawn -w -C / -u nobody -- \
	    sh -c 'id -u; id -g; id -G'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(id -u nobody)" ]
	[ "${lines[1]}" = "$(id -g nobody)" ]
	[ "${lines[2]}" = "$(id -G nobody)" ]
}

@test "-u nobody:GROUP, --umask: the group and the umask asked for" {
	root
	group=$(getent group 65534 | cut -d: -f1)
	[ -n "$group" ] || skip "no group 65534"
	run --separate-stderr hp-spawn -w -C / -u "nobody:$group" --umask 027 -- \
	    sh -c 'id -g; umask'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[ "${lines[1]}" = 0027 ]
}

@test "-u: HOME, USER and LOGNAME are the user's; no new privileges" {
	root
	run --separate-stderr hp-spawn -w -C / -u nobody -- \
	    sh -c 'echo "$HOME $USER $LOGNAME"; grep NoNewPrivs /proc/self/status'
	[ "$status" -eq 0 ]
	home=$(getent passwd nobody | cut -d: -f6)
	[ "${lines[0]}" = "$home nobody nobody" ]
	if grep -q NoNewPrivs /proc/self/status; then
		[ "${lines[1]}" = "NoNewPrivs:	1" ]
	fi
}

@test "-u: the state directory is out of its reach, its log still captured" {
	root
	run --separate-stderr hp-spawn -w -C / -u nobody -- sh -c '
		ls "$HP_STATE_DIR" >/dev/null 2>&1 && echo can-read
		(: >"$HP_STATE_DIR/x") 2>/dev/null && echo can-write
		echo done'
	[ "$status" -eq 0 ]
	[ "$output" = "done" ]
	[ ! -e "$HP_STATE_DIR/x" ]
	grep -q 'out done$' "$HP_STATE_DIR/procs/sh/log"
}

@test "user = and umask = in hp.conf; a bad one is refused with FILE:LINE" {
	root
	# Its directory is /: this test's own is closed to nobody.
	printf '[service u]\nexec = sh -c "id -u; umask"\ndir = /\nuser = nobody\numask = 077\nrestart = no\n' >c.conf
	fg -f c.conf
	wait_until 10 st_is u state exited
	[ "$(st u exit-code)" = 0 ]
	[ "$(hp-ls -l u | sed 's/.* out //')" = "$(id -u nobody)"$'\n'0077 ]
	printf '[service u]\nexec = true\nuser = no-such-user\n' >bad.conf
	run --separate-stderr hp-supervise -f bad.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/bad.conf:3: unknown user: no-such-user" ]
	printf '[service u]\nexec = true\numask = 9\n' >bad.conf
	run --separate-stderr hp-supervise -f bad.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/bad.conf:3: umask: octal, as 022" ]
}

@test "unknown users and groups are usage errors naming them" {
	run --separate-stderr hp-spawn -u no-such-user -- true
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-spawn: unknown user: no-such-user"$'\n'"$USAGE" ]
	run --separate-stderr hp-spawn -u "$(id -un):no-such-group" -- true
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-spawn: unknown group: no-such-group" ]
	[ ! -e "$HP_STATE_DIR" ]
}

@test "another user without root is a clear error, never a run as the caller" {
	root
	command -v setpriv >/dev/null || skip "no setpriv"
	mkdir -m 0777 "$BATS_TEST_TMPDIR/n"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 \
	    --clear-groups env HP_STATE_DIR="$BATS_TEST_TMPDIR/n/state" \
	    hp-spawn -u root -- touch "$BATS_TEST_TMPDIR/n/ran"
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-spawn: user root: only root can run a process as another user" ]
	[ ! -e "$BATS_TEST_TMPDIR/n/ran" ]
	[ ! -e "$BATS_TEST_TMPDIR/n/state" ]
}

@test "hp-pty -u: the terminal's program runs as the user" {
	root
	run --separate-stderr sh -c 'echo "id -u; umask; exit 4" |
	    hp-pty -C / -u nobody --umask 077 -- sh'
	[ "$status" -eq 4 ]
	out=$(printf '%s' "$output" | tr -d '\r')
	[[ "$out" == *"$(id -u nobody)"$'\n'0077* ]]
	run --separate-stderr hp-pty -u no-such-user -- true
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-pty: unknown user: no-such-user" ]
}
