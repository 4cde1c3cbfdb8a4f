#!/usr/bin/env bats
# hp: see LICENSE.
# allow.bats: hp-supervise --allow FILE and HP_ALLOW: only the programs
# listed run; and arguments reach a child exactly as they were given.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	SLEEP=$(type -P sleep)
	printf '# what may run\n%s\n\n/bin/sh\n' "$SLEEP" >allow
}

@test "--allow: a listed program runs, any other is refused and recorded" {
	fg --allow allow
	spawn -n a -- sleep 60
	run --separate-stderr hp-spawn -n b -- true
	[ "$status" -eq 1 ]
	real=$(readlink -f "$(type -P true)")
	[ "$stderr" = "hp-spawn: b: $real: not in the allow list $PWD/allow" ]
	# The refusal is in the audit log.
	grep -F '"event":"process:exited","name":"b"' "$HP_STATE_DIR/events.log" |
	    grep -qF 'not in the allow list'
}

@test "--allow: links are followed, on both sides" {
	ln -s "$SLEEP" mysleep
	fg --allow allow
	spawn -n a -- ./mysleep 60
	ln -s "$(type -P true)" fake-sleep
	run --separate-stderr hp-spawn -n b -- ./fake-sleep 60
	[ "$status" -eq 1 ]
	[[ "$stderr" == *": not in the allow list "* ]]
}

@test "--allow: a program found on PATH is the one checked" {
	mkdir bin
	printf '#!/bin/sh\nexit 0\n' >bin/sleep
	chmod +x bin/sleep
	fg --allow allow
	run --separate-stderr env PATH="$PWD/bin:$PATH" hp-spawn -n b -- \
	    sleep 60
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-spawn: b: $PWD/bin/sleep: not in the allow list $PWD/allow" ]
}

@test "HP_ALLOW: the supervisor hp-spawn starts keeps to it too" {
	HP_ALLOW=$PWD/allow spawn -n a -- sleep 60
	run --separate-stderr env HP_ALLOW="$PWD/allow" hp-spawn -n b -- true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *": not in the allow list $PWD/allow" ]]
}

@test "--allow: a bad list is refused with FILE:LINE, nothing starts" {
	printf '/bin/sh\nrelative/prog\n' >bad
	run --separate-stderr hp-supervise --allow bad
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/bad:2: not an absolute path: relative/prog" ]
	run --separate-stderr hp-supervise --allow nowhere
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-supervise: $PWD/nowhere: No such file or directory" ]
	[ ! -e "$HP_STATE_DIR/lock" ]
}

@test "arguments reach the child unchanged: no shell anywhere" {
	args=("a b" "'q'" '"dq"' $'new\nline' '$(touch pwned)' '*' '`id`'
	    $'\xff\xfe bad utf-8' '' '-- -x' ';' '|' '&&')
	run hp-spawn -w -n argv -- \
	    sh -c 'for a; do printf "%s\0" "$a"; done >got' sh "${args[@]}"
	[ "$status" -eq 0 ]
	printf '%s\0' "${args[@]}" >want
	cmp want got
	[ ! -e pwned ]
}
