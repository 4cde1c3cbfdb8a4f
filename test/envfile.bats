#!/usr/bin/env bats
# hp: see LICENSE.
# envfile.bats: env-file = PATH (dotenv lines read at each start) and the
# profiles of hp.conf(5) ([TYPE NAME @PROFILE], hp-supervise --profile).

load helpers

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# The pid of NAME from its pidfile, once it has one.
pid_of() {
	cut -d' ' -f1 "$HP_STATE_DIR/procs/$1/pid"
}

# env_is PID NAME VALUE: has_env, saying what it has when not.
env_is() {
	has_env "$1" "$2=$3" ||
	    { tr '\0' ' ' <"/proc/$1/environ" >&2; return 1; }
}

# no_env PID NAME: PID has no NAME.
no_env() {
	! tr '\0' '\n' <"/proc/$1/environ" | grep -q "^$2="
}

# A new run of NAME, not PID.
restarted() {
	[ -s "$HP_STATE_DIR/procs/$1/pid" ] && [ "$(pid_of "$1")" != "$2" ] &&
	    [ "$(state_of "$1")" = running ]
}

@test "env-file: quotes as dotenv writes them, export, comments, no expansion" {
	local pid
	cat >app.env <<'EOF'
# a comment, then a blank line

export EXPORTED=1
SINGLE='as it is: \n $HOME "q"'
DOUBLE="a\nb \"q\" back\\slash"
PLAIN=plain value   # a comment
HASH=abc#def
EMPTY=
MULTI='two
lines'
EOF
	run hp-spawn -n e --env-file app.env -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#e }
	env_is "$pid" EXPORTED 1
	env_is "$pid" SINGLE 'as it is: \n $HOME "q"'
	env_is "$pid" DOUBLE $'a\nb "q" back\\slash'
	env_is "$pid" PLAIN 'plain value'
	env_is "$pid" HASH 'abc#def'
	env_is "$pid" EMPTY ''
	env_is "$pid" MULTI $'two\nlines'
	# Recorded from here, as -C is: the path is absolute in the spec.
	grep -qx "env-file = $BATS_TEST_TMPDIR/app.env" \
	    "$HP_STATE_DIR/procs/e/spec"
}

@test "env-file: a change is seen at the next restart" {
	local pid
	printf 'VERSION=1\n' >app.env
	run hp-spawn -n e --env-file app.env -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#e }
	env_is "$pid" VERSION 1
	printf 'VERSION=2\nADDED=yes\n' >app.env
	run hp-supervise restart e
	[ "$status" -eq 0 ]
	wait_until 10 restarted e "$pid"
	pid=$(pid_of e)
	env_is "$pid" VERSION 2
	env_is "$pid" ADDED yes
}

@test "env-file: the recorded environment, then the files in order, then -e" {
	local pid
	printf 'A=first\nB=first\nC=first\n' >one.env
	printf 'B=second\nC=second\n' >two.env
	run env OUTER=outer A=outer hp-spawn -n e --env-file one.env \
	    -o env-file=two.env -e C=given -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#e }
	env_is "$pid" OUTER outer
	env_is "$pid" A first
	env_is "$pid" B second
	env_is "$pid" C given
}

@test "env-file in hp.conf: env overrides it, env-allow filters it, paths from the file's directory" {
	local pid
	mkdir conf
	printf 'FROM_FILE=1\nMODE=file\nSECRET=x\n' >conf/app.env
	printf '[service e]\nexec = sleep 100\nenv-file = app.env\nenv = MODE=env\nenv-allow = PATH HP_* FROM_FILE MODE\n' \
	    >conf/hp.conf
	SECRET=outer MODE=outer hp-supervise -b -f conf/hp.conf
	wait_until 10 test -s "$HP_STATE_DIR/procs/e/pid"
	pid=$(pid_of e)
	env_is "$pid" FROM_FILE 1
	env_is "$pid" MODE env
	no_env "$pid" SECRET
}

@test "env-file: a missing file or a bad line fails the start, and says where" {
	run --separate-stderr hp-spawn -n e --env-file nope.env -- sleep 100
	[ "$status" -eq 126 ]
	[ "$stderr" = "hp-spawn: e: env-file $BATS_TEST_TMPDIR/nope.env: No such file or directory" ]
	printf 'A=1\nnot a line\n' >bad.env
	run --separate-stderr hp-spawn -n f --env-file bad.env -- sleep 100
	[ "$status" -eq 126 ]
	[ "$stderr" = "hp-spawn: f: env-file $BATS_TEST_TMPDIR/bad.env:2: not NAME=VALUE" ]
	# Gone at a restart: the run fails as a failed exec does, recorded.
	printf 'A=1\n' >ok.env
	run hp-spawn -n g -r no --env-file ok.env -- sleep 100
	[ "$status" -eq 0 ]
	rm ok.env
	run --separate-stderr hp-supervise restart g
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: g: env-file $BATS_TEST_TMPDIR/ok.env: No such file or directory" ]
	grep -qx "error = env-file $BATS_TEST_TMPDIR/ok.env: No such file or directory" \
	    "$HP_STATE_DIR/procs/g/status"
	grep -qx 'exit-code = 126' "$HP_STATE_DIR/procs/g/status"
	grep -q "err env-file $BATS_TEST_TMPDIR/ok.env" "$HP_STATE_DIR/procs/g/log"
	run hp-spawn -n h --env-file /dev/null -- sleep 100
	[ "$status" -eq 126 ]
	[[ "$output" == *"env-file /dev/null: not a regular file" ]]
}

conf_with_profiles() {
	cat >hp.conf <<'EOF'
[service web @production]
env = MODE=production
env-file = production.env

[service web]
exec = sleep 100
env = MODE=development KEEP=1

[service metrics @production]
exec = sleep 100
EOF
	printf 'TOKEN=prod\n' >production.env
}

@test "profiles: --profile takes [service NAME @PROFILE] over [service NAME]" {
	local pid
	conf_with_profiles
	hp-supervise -b -f hp.conf --profile production
	wait_until 10 test -s "$HP_STATE_DIR/procs/metrics/pid"
	wait_until 10 test -s "$HP_STATE_DIR/procs/web/pid"
	pid=$(pid_of web)
	env_is "$pid" MODE production
	env_is "$pid" KEEP 1
	env_is "$pid" TOKEN prod
	# A reload reads the file with the same profile.
	printf '\n[service extra @production]\nexec = sleep 100\n' >>hp.conf
	run hp-supervise reload
	[ "$status" -eq 0 ]
	wait_until 10 test -s "$HP_STATE_DIR/procs/extra/pid"
	[ "$(state_of metrics)" = running ]
}

@test "profiles: without --profile, the profiles' sections are left out" {
	local pid
	conf_with_profiles
	hp-supervise -b -f hp.conf
	wait_until 10 test -s "$HP_STATE_DIR/procs/web/pid"
	pid=$(pid_of web)
	env_is "$pid" MODE development
	no_env "$pid" TOKEN
	[ ! -e "$HP_STATE_DIR/procs/metrics" ]
}

@test "profiles: an unknown profile, NAME:PROFILE, --profile without -f are refused" {
	conf_with_profiles
	run --separate-stderr hp-supervise -b -f hp.conf --profile prod
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $BATS_TEST_TMPDIR/hp.conf: no section of profile prod" ]
	printf '[service web:production]\nexec = sleep 1\n' >bad.conf
	run --separate-stderr hp-supervise -b -f bad.conf
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $BATS_TEST_TMPDIR/bad.conf:1: invalid name: web:production (a profile's section is [TYPE NAME @PROFILE])" ]
	run --separate-stderr hp-supervise -b --profile production
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: --profile is of a file: -f file" ]
	run --separate-stderr hp-supervise -b -f hp.conf --profile 'a b'
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: invalid profile: a b" ]
	[ ! -e "$HP_STATE_DIR/lock" ]
}

@test "env-file: -e NAME gives NAME of hp-spawn's environment, over the files" {
	local pid
	printf 'TOKEN=file\nOTHER=file\n' >app.env
	run env TOKEN=secret OTHER=outer hp-spawn -n e --env-file app.env \
	    -e TOKEN -- sleep 100
	[ "$status" -eq 0 ]
	pid=${output#e }
	env_is "$pid" TOKEN secret
	env_is "$pid" OTHER file
	# Its value is not on the command line, and is recorded as given.
	grep -qx 'env = TOKEN=secret' "$HP_STATE_DIR/procs/e/spec"
	! grep -q '^env-recorded = .*TOKEN' "$HP_STATE_DIR/procs/e/spec"
}
