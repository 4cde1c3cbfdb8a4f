#!/usr/bin/env bats
# hp: see LICENSE.
# help.bats: -h and --help of every command, made from its option table,
# checked against its man page both ways; a usage error is two lines.

bats_require_minimum_version 1.5.0
load helpers

COMMANDS="hp-spawn hp-supervise hp-pty hp-detect hp-health hp-ls"

# forms: the options of Fl words read on stdin (".It Fl S Ar dir , Fl
# -state-dir", ".Op Fl Ew"), one a line, sorted: -S, --state-dir, -E,
# -w. A bare "Fl -" (the end of options) is not one.
forms() {
	grep -o 'Fl [^ ]*' | sed 's/^Fl //' | while read -r w; do
		case $w in
		-) ;;
		-*) echo "-$w" ;;
		*) echo "$w" | sed 's/./-&\n/g' | sed '/^$/d' ;;
		esac
	done | LC_ALL=C sort -u
}

# documented CMD: the options CMD's man page speaks of: in its list of
# options, or where a verb's own options are told.
documented() {
	grep '^\..*Fl ' "$ROOT/man/$1.1" | forms
}

# synopsis CMD: the options of CMD's man page SYNOPSIS.
synopsis() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$ROOT/man/$1.1" | forms
}

# optlines CMD: the option lines of CMD --help.
optlines() {
	"$1" --help | sed -n '/^options:$/,/^[^ ]/p' | grep '^ '
}

# helped CMD: the options of CMD --help, short and long, sorted.
helped() {
	optlines "$1" | sed 's/^ *//; s/  .*//' | tr ' ' '\n' |
	    sed -n 's/,$//; /^-/p' | LC_ALL=C sort -u
}

@test "--help and -h: exit 0, the synopsis then a line an option on stdout" {
	local c l re
	for c in $COMMANDS; do
		run --separate-stderr "$c" --help
		echo "$c: $status $stderr"
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[[ ${lines[0]} == "usage: $c "* ]]
		[ "$(printf '%s\n' "$output" | grep -c '^options:$')" -eq 1 ]
		local help=$output
		run --separate-stderr "$c" -h
		[ "$status" -eq 0 ]
		[ "$output" = "$help" ]
		# Every option line: its forms, then what it does.
		re='^  (-[A-Za-z], |    )--[a-z-]+( [^ ]+)?  +[^ ]'
		run optlines "$c"
		[ "${#lines[@]}" -gt 5 ]
		for l in "${lines[@]}"; do
			echo "$c: $l"
			[[ $l =~ $re ]]
		done
	done
	[ ! -e "$HP_STATE_DIR" ]
}

# within CMD WHAT WHERE: every option that WHAT says CMD has, WHERE says
# it has too (WHAT and WHERE: helped, documented, synopsis).
within() {
	local o in
	in=$("$3" "$1")
	[ -n "$in" ]
	for o in $("$2" "$1"); do
		echo "$1 $o"
		grep -qxF -- "$o" <<<"$in"
	done
}

@test "every option of --help is in its man page" {
	local c
	for c in $COMMANDS; do
		within "$c" helped documented
	done
}

@test "every option of the man page's SYNOPSIS is in --help" {
	local c
	for c in $COMMANDS; do
		within "$c" synopsis helped
	done
}

@test "the verbs of hp-supervise --help are those of its man page" {
	local man help
	man=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/s/^\.Cm //p' \
	    "$ROOT/man/hp-supervise.1" | tr ' |' '\n\n' | grep . |
	    LC_ALL=C sort -u | tr '\n' ' ')
	help=$(hp-supervise --help | sed -n '/^verbs:$/,$p' |
	    sed -n 's/^  \([a-z]*\) .*/\1/p' | LC_ALL=C sort -u | tr '\n' ' ')
	echo "man '$man' help '$help'"
	[ "$man" = "$help" ]
	# Each with a line of help.
	run bash -c "hp-supervise --help | sed -n '/^verbs:$/,\$p'"
	for l in "${lines[@]:1}"; do
		echo "$l"
		[[ $l =~ ^\ \ [a-z]+\ .*\ \ [a-z] ]]
	done
}

@test "a usage error: what was wrong, where help is, exit 2" {
	local c
	for c in $COMMANDS; do
		run --separate-stderr "$c" --no-such-option
		echo "$c: $status $stderr"
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[ "$stderr" = "$c: unknown option --no-such-option
try '$c --help'" ]
		run --separate-stderr "$c" --json -Z
		[ "$status" -eq 2 ]
		[ "$output" = '{"error":{"code":"usage","message":"unknown option -Z"}}' ]
		[ "$stderr" = "$c: unknown option -Z
try '$c --help'" ]
	done
	[ ! -e "$HP_STATE_DIR" ]
}
