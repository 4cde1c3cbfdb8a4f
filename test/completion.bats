#!/usr/bin/env bats
# hp: see LICENSE.
# completion.bats: bash, zsh and fish completion for hp-supervise, hp-spawn
# and hp-ls, each run for real in its own shell with a clean environment.

ROOT="$BATS_TEST_DIRNAME/.."

setup() {
	STATE="$BATS_TEST_TMPDIR/state"
	mkdir -p "$STATE/procs/web" "$STATE/procs/api"
	chmod 700 "$STATE"
	OTHER="$BATS_TEST_TMPDIR/other"
	mkdir -p "$OTHER/procs/db"
	chmod 700 "$OTHER"
	# A command of our own in PATH, for completion after "--".
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/home"
	printf '#!/bin/sh\n' >"$BATS_TEST_TMPDIR/bin/hpfaketool"
	chmod 755 "$BATS_TEST_TMPDIR/bin/hpfaketool"
	TPATH="$BATS_TEST_TMPDIR/bin:/usr/local/bin:/usr/bin:/bin"
}

# The output lines, sorted, on one line.
sorted() {
	printf '%s\n' "${lines[@]}" | LC_ALL=C sort | tr '\n' ' '
}

# The options documented in the .It lines of man/CMD.1, sorted, on one line.
man_options() {
	grep '^\.It .*Fl ' "$ROOT/man/$1.1" | grep -o 'Fl [^ ]*' |
	    sed 's/^Fl /-/' | LC_ALL=C sort -u | tr '\n' ' '
}

# The keys of hp.conf(5) that -o takes, as "KEY=" lines, sorted.
conf_keys() {
	sed '/^\.Ss The supervisor section/,$d' "$ROOT/man/hp.conf.5" |
	    sed -n 's/^\.It Cm \([a-z-]*\) = .*/\1=/p' |
	    grep -v '^exec=$' | sort
}

# bash_complete [NAME=VALUE ...] -- WORD ...: complete the last WORD (may be
# empty) of the command line WORD ... in bash, one candidate a line.
bash_complete() {
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	run timeout 20 env -i PATH="$TPATH" HOME="$BATS_TEST_TMPDIR/home" \
	    "${env[@]}" bash --norc --noprofile -c '
		source "$1" || exit 90
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		spec=$(complete -p "$1") || exit 91
		fn=${spec##*-F }
		fn=${fn%% *}
		COMPREPLY=()
		"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD-1]}"
		((${#COMPREPLY[@]} == 0)) || printf "%s\n" "${COMPREPLY[@]}"
	    ' _ "$ROOT/completions/hp.bash" "$@"
}

# fish_complete [NAME=VALUE ...] -- LINE: candidates for LINE in fish,
# without their descriptions.
fish_complete() {
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	run timeout 20 env -i PATH="$TPATH" HOME="$BATS_TEST_TMPDIR/home" \
	    XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/home/config" \
	    XDG_DATA_HOME="$BATS_TEST_TMPDIR/home/data" \
	    "${env[@]}" fish -c '
		source $argv[1]; or exit 90
		complete -C $argv[2] | string replace -r -- "\t.*" ""
	    ' "$ROOT/completions/hp.fish" "$1"
}

# zsh_complete [NAME=VALUE ...] -- LINE: candidates for LINE in an
# interactive zsh on a pseudo-terminal (zsh/zpty), with compinit and _hp.
# compadd is wrapped to print each match between markers; a
# comppostfuncs hook prints the end marker.  timeout bounds the whole run.
zsh_complete() {
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	cat >"$BATS_TEST_TMPDIR/capture.zsh" <<'EOF'
zmodload zsh/zpty || exit 90
zpty z zsh -f -i
zpty -w z "PS1='' PS2='' RPS1=''"
zpty -w z "fpath=(${(q)1}/completions \$fpath)"
zpty -w z "autoload -Uz compinit && compinit -u -D"
zpty -w z "bindkey '^I' complete-word"
zpty -w z "zstyle ':completion:*' insert-tab false"
# No tabs in what is typed: a tab would complete.
zpty -w z "compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
    builtin compadd \"\$@\"; return
  fi
  local -a hits; builtin compadd -A hits \"\$@\"
  local h; for h in \$hits; do print -r -- \"<hp-\"\"m>\$h</hp-m>\"; done
  (( \$#hits ))
}"
zpty -w z "_hp_end() { print -r -- '<hp-''end>' }; comppostfuncs=( _hp_end )"
zpty -n -w z "$2"$'\t'
out=
while zpty -r z chunk; do
	out+=$chunk
	[[ $out == *'<hp-end>'* ]] && break
done
# Let the inner shell exit and be reaped here, not orphaned.
zpty -w z $'\C-u'exit
while zpty -r z chunk; do :; done
zpty -d z
[[ $out == *'<hp-end>'* ]] || exit 91
print -r -- "$out" | grep -o '<hp-m>[^<]*</hp-m>' | sed 's,<hp-m>\(.*\)</hp-m>,\1,'
EOF
	run timeout 20 env -i PATH="$TPATH" HOME="$BATS_TEST_TMPDIR/home" \
	    TERM=dumb "${env[@]}" zsh -f "$BATS_TEST_TMPDIR/capture.zsh" \
	    "$ROOT" "$1"
}

# bash

@test "bash: completions/hp.bash is clean under shellcheck" {
	command -v shellcheck >/dev/null || skip "shellcheck not installed"
	run shellcheck -s bash -S warning "$ROOT/completions/hp.bash"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "bash: registers a function for each command" {
	run bash --norc --noprofile -c 'source "$1" && complete -p hp-supervise hp-spawn hp-ls' \
	    _ "$ROOT/completions/hp.bash"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "complete -F _hp_supervise hp-supervise" ]
	[ "${lines[1]}" = "complete -F _hp_spawn hp-spawn" ]
	[ "${lines[2]}" = "complete -F _hp_ls hp-ls" ]
}

@test "bash: options of each command are those of its man page" {
	local cmd
	for cmd in hp-ls hp-supervise hp-spawn; do
		bash_complete -- "$cmd" -
		[ "$status" -eq 0 ]
		local got want
		got=$(printf '%s\n' "${lines[@]}" | grep -vx -- -- |
		    LC_ALL=C sort | tr '\n' ' ')
		want=$(man_options "$cmd")
		echo "$cmd: got '$got' want '$want'"
		[ "$got" = "$want" ]
	done
}

@test "bash: hp-ls completes process names from \$HP_STATE_DIR" {
	bash_complete HP_STATE_DIR="$STATE" -- hp-ls ''
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'api\nweb')" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-ls -l w
	[ "$output" = "web" ]
}

@test "bash: -S and --state-dir on the line win over \$HP_STATE_DIR" {
	bash_complete HP_STATE_DIR="$OTHER" -- hp-ls ''
	[ "$output" = "db" ]
	bash_complete HP_STATE_DIR="$OTHER" -- hp-ls -S "$STATE" ''
	[ "$output" = "$(printf 'api\nweb')" ]
	bash_complete HP_STATE_DIR="$OTHER" -- hp-ls "-S$STATE" ''
	[ "$output" = "$(printf 'api\nweb')" ]
	# As bash splits it at "=" (COMP_WORDBREAKS), and whole.
	bash_complete HP_STATE_DIR="$OTHER" -- hp-ls --state-dir = "$STATE" ''
	[ "$output" = "$(printf 'api\nweb')" ]
	bash_complete HP_STATE_DIR="$OTHER" -- hp-ls "--state-dir=$STATE" ''
	[ "$output" = "$(printf 'api\nweb')" ]
}

@test "bash: state dir falls back to \$XDG_RUNTIME_DIR/hp, then \$TMPDIR/hp-UID" {
	mkdir -p "$BATS_TEST_TMPDIR/run/hp/procs/xdgproc"
	bash_complete XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" -- hp-ls ''
	[ "$output" = "xdgproc" ]
	mkdir -p "$BATS_TEST_TMPDIR/tmp/hp-$(id -u)/procs/tmpproc"
	bash_complete TMPDIR="$BATS_TEST_TMPDIR/tmp" -- hp-ls ''
	[ "$output" = "tmpproc" ]
	bash_complete TMPDIR="$BATS_TEST_TMPDIR/tmp" \
	    XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" HP_STATE_DIR="$STATE" -- hp-ls ''
	[ "$output" = "$(printf 'api\nweb')" ]
}

@test "bash: hp-ls offers nothing for -n and a directory for -S" {
	bash_complete HP_STATE_DIR="$STATE" -- hp-ls -n ''
	[ "$output" = "" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-ls -S "$BATS_TEST_TMPDIR/st"
	[ "$output" = "$STATE" ]
}

@test "bash: hp-supervise completes verbs, then names" {
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise ''
	[ "$(sorted)" = "parent reload remove restart save scale send shutdown signal start startup status stop upgrade wait " ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise st
	[ "$(sorted)" = "start startup status stop " ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise --json -t 5s re
	[ "$(sorted)" = "reload remove restart " ]
	local verb
	for verb in start stop restart remove; do
		bash_complete HP_STATE_DIR="$STATE" -- hp-supervise -t 5s "$verb" web ''
		[ "$output" = "$(printf 'all\napi\nweb')" ]
	done
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise -S "$OTHER" stop ''
	[ "$output" = "$(printf 'all\ndb')" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise shutdown ''
	[ "$output" = "" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise status ''
	[ "$output" = "" ]
}

@test "bash: hp-supervise save and startup complete a file, startup its options and formats" {
	touch "$BATS_TEST_TMPDIR/saved.conf"
	bash_complete -- hp-supervise save "$BATS_TEST_TMPDIR/sav"
	[ "$output" = "$BATS_TEST_TMPDIR/saved.conf" ]
	bash_complete -- hp-supervise startup --
	[ "$(sorted)" = "--format --json --system --user --write " ]
	bash_complete -- hp-supervise startup --format ''
	[ "$(sorted)" = "launchd rc systemd " ]
	bash_complete -- hp-supervise startup --user "$BATS_TEST_TMPDIR/sav"
	[ "$output" = "$BATS_TEST_TMPDIR/saved.conf" ]
}

@test "hp-supervise upgrade completes a file, once: bash, fish and zsh" {
	mkdir -p "$BATS_TEST_TMPDIR/new"
	touch "$BATS_TEST_TMPDIR/new/hp-supervise"
	bash_complete -- hp-supervise upgrade "$BATS_TEST_TMPDIR/new/hp-s"
	[ "$output" = "$BATS_TEST_TMPDIR/new/hp-supervise" ]
	bash_complete -- hp-supervise upgrade "$BATS_TEST_TMPDIR/new/hp-supervise" ''
	[ "$output" = "" ]
	fish_complete -- "hp-supervise upgrade $BATS_TEST_TMPDIR/new/hp-s"
	[ "$output" = "$BATS_TEST_TMPDIR/new/hp-supervise" ]
	# zsh's file matches are the names in the directory typed.
	zsh_complete -- "hp-supervise upgrade $BATS_TEST_TMPDIR/new/hp-s"
	[ "$output" = "hp-supervise" ]
}

@test "bash: hp-supervise signal completes a signal, then names" {
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise signal ''
	[[ " ${lines[*]} " == *" TERM "* ]]
	[[ " ${lines[*]} " == *" KILL "* ]]
	[[ " ${lines[*]} " == *" HUP "* ]]
	[[ " ${lines[*]} " != *" web "* ]]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise signal SIGT
	[ "$(sorted)" = "SIGTERM SIGTRAP SIGTSTP SIGTTIN SIGTTOU " ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise signal US
	[ "$(sorted)" = "USR1 USR2 " ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise signal TERM ''
	[ "$output" = "$(printf 'all\napi\nweb')" ]
}

@test "bash: hp-spawn completes types, policies and signals" {
	bash_complete -- hp-spawn -t ''
	[ "$output" = "$(printf 'service\nsystem\nnode\nterminal')" ]
	bash_complete -- hp-spawn -E -r ''
	[ "$output" = "$(printf 'no\non-failure\nalways')" ]
	bash_complete -- hp-spawn -r on
	[ "$output" = "on-failure" ]
	bash_complete -- hp-spawn --stop-signal K
	[ "$output" = "KILL" ]
	bash_complete -- hp-spawn --stop-signal = K
	[ "$output" = "KILL" ]
	bash_complete -- hp-spawn --stop-timeout ''
	[ "$output" = "" ]
}

@test "bash, fish, zsh: hp-spawn -o offers every key of hp.conf(5)" {
	want=$(conf_keys)
	bash_complete -- hp-spawn -o ''
	[ "$(echo "$output" | sort)" = "$want" ]
	bash_complete -- hp-spawn --option health-r
	[ "$(echo "$output" | sort)" = "$(printf 'health-restart=\nhealth-retries=')" ]
	fish_complete -- 'hp-spawn -o '
	[ "$(echo "$output" | sort)" = "$want" ]
	got=$(sed -n '/^[[:space:]]*keys=(/,/^[[:space:]]*)/p' \
	    "$ROOT/completions/_hp" | sed '1d;$d' | tr -s ' \t' '\n' |
	    grep . | sed 's/$/=/' | sort)
	[ "$got" = "$want" ]
}

@test "bash, fish: hp-spawn -u completes user names" {
	bash_complete -- hp-spawn -u roo
	[ "$output" = root ]
	fish_complete -- 'hp-spawn -u roo'
	[[ "$output" == *root* ]]
}

@test "bash: hp-spawn --after completes process names" {
	bash_complete HP_STATE_DIR="$STATE" -- hp-spawn --after ''
	[ "$output" = "$(printf 'api\nweb')" ]
}

@test "bash: hp-spawn -e completes variable names, -C directories" {
	bash_complete HPTESTVAR=1 -- hp-spawn -e HPTEST
	[ "$output" = "HPTESTVAR=" ]
	bash_complete HPTESTVAR=1 -- hp-spawn -e HPTESTVAR = ''
	[ "$output" = "" ]
	touch "$BATS_TEST_TMPDIR/stfile"
	bash_complete -- hp-spawn -C "$BATS_TEST_TMPDIR/st"
	[ "$output" = "$STATE" ]
}

@test "bash: hp-spawn completes a command after --, then its arguments" {
	bash_complete -- hp-spawn -n x -- hpfake
	[ "$output" = "hpfaketool" ]
	touch "$BATS_TEST_TMPDIR/input.txt"
	bash_complete -- hp-spawn -- hpfaketool "$BATS_TEST_TMPDIR/inp"
	[ "$output" = "$BATS_TEST_TMPDIR/input.txt" ]
	# An option after "--" belongs to the command.
	bash_complete -- hp-spawn -- hpfaketool -r ''
	[[ "$output" != *on-failure* ]]
	# Before "--", a word that is no option gets "--" offered.
	bash_complete -- hp-spawn -w ''
	[[ " ${lines[*]} " == *" -- "* ]]
}

# fish

@test "fish: options of each command are those of its man page" {
	local cmd got want
	for cmd in hp-ls hp-supervise hp-spawn; do
		fish_complete -- "$cmd -"
		[ "$status" -eq 0 ]
		got=$(printf '%s\n' "${lines[@]}" | grep -vx -- -- |
		    LC_ALL=C sort | tr '\n' ' ')
		want=$(man_options "$cmd")
		echo "$cmd: got '$got' want '$want'"
		[ "$got" = "$want" ]
	done
}

@test "fish: hp-ls completes process names from the state directory" {
	fish_complete HP_STATE_DIR="$STATE" -- "hp-ls "
	[ "$status" -eq 0 ]
	[ "$(sorted)" = "api web " ]
	fish_complete HP_STATE_DIR="$OTHER" -- "hp-ls -S $STATE "
	[ "$(sorted)" = "api web " ]
	fish_complete HP_STATE_DIR="$OTHER" -- "hp-ls --state-dir=$STATE -l "
	[ "$(sorted)" = "api web " ]
	fish_complete HP_STATE_DIR="$OTHER" -- "hp-ls "
	[ "$output" = "db" ]
	mkdir -p "$BATS_TEST_TMPDIR/run/hp/procs/xdgproc"
	fish_complete XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" -- "hp-ls "
	[ "$output" = "xdgproc" ]
	mkdir -p "$BATS_TEST_TMPDIR/tmp/hp-$(id -u)/procs/tmpproc"
	fish_complete TMPDIR="$BATS_TEST_TMPDIR/tmp" -- "hp-ls "
	[ "$output" = "tmpproc" ]
}

@test "fish: hp-supervise startup completes its options and formats" {
	fish_complete -- "hp-supervise startup --"
	[ "$(sorted)" = "--format --system --user --write " ]
	fish_complete -- "hp-supervise startup --format "
	[ "$(sorted)" = "launchd rc systemd " ]
}

@test "fish: hp-supervise completes verbs, signals and names" {
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise "
	[ "$(sorted)" = "parent reload remove restart save scale send shutdown signal start startup status stop upgrade wait " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise -t 5s stop "
	[ "$(sorted)" = "all api web " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise restart web "
	[ "$(sorted)" = "all api web " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise signal SIGT"
	[ "$(sorted)" = "SIGTERM SIGTRAP SIGTSTP SIGTTIN SIGTTOU " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise signal "
	[[ " ${lines[*]} " == *" TERM "* ]]
	[[ " ${lines[*]} " != *" web "* ]]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise signal TERM "
	[ "$(sorted)" = "all api web " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise shutdown "
	[ "$output" = "" ]
}

@test "fish: hp-spawn completes values, and a command after --" {
	fish_complete -- "hp-spawn -t "
	[ "$(sorted)" = "node service system terminal " ]
	fish_complete -- "hp-spawn -w -r "
	[ "$(sorted)" = "always no on-failure " ]
	fish_complete -- "hp-spawn --stop-signal=KI"
	[ "$output" = "--stop-signal=KILL" ]
	fish_complete -- "hp-spawn -n x -- hpfake"
	[ "$output" = "hpfaketool" ]
	fish_complete -- "hp-spawn -- hpfaketool -"
	[[ "$output" != *--stop-signal* ]]
}

# zsh

@test "zsh: compinit in zsh -f registers _hp for the three commands" {
	run timeout 20 env -i PATH="$TPATH" HOME="$BATS_TEST_TMPDIR/home" \
	    zsh -f -c '
		zsh -n "$1/completions/_hp" || exit 90
		fpath=("$1/completions" $fpath)
		autoload -Uz compinit && compinit -u -D || exit 91
		print -r -- $_comps[hp-supervise] $_comps[hp-spawn] $_comps[hp-ls]
		autoload +X _hp && (( $+functions[_hp] )) && print defined
	    ' _ "$ROOT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "_hp _hp _hp" ]
	[ "${lines[1]}" = "defined" ]
}

@test "zsh: options of each command are those of its man page" {
	local cmd got want
	for cmd in hp-ls hp-supervise hp-spawn; do
		zsh_complete -- "$cmd -"
		[ "$status" -eq 0 ]
		got=$(printf '%s\n' "${lines[@]}" | grep -vx -- -- |
		    LC_ALL=C sort -u | tr '\n' ' ')
		want=$(man_options "$cmd")
		echo "$cmd: got '$got' want '$want'"
		[ "$got" = "$want" ]
	done
}

@test "zsh: hp-ls completes process names from the state directory" {
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-ls "
	[ "$status" -eq 0 ]
	[ "$(sorted)" = "api web " ]
	zsh_complete HP_STATE_DIR="$OTHER" -- "hp-ls -S $STATE "
	[ "$(sorted)" = "api web " ]
	zsh_complete HP_STATE_DIR="$OTHER" -- "hp-ls "
	[ "$output" = "db" ]
	mkdir -p "$BATS_TEST_TMPDIR/tmp/hp-$(id -u)/procs/tmpproc"
	zsh_complete TMPDIR="$BATS_TEST_TMPDIR/tmp" -- "hp-ls "
	[ "$output" = "tmpproc" ]
}

@test "zsh: hp-supervise completes verbs, signals and names" {
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise "
	[ "$(sorted)" = "parent reload remove restart save scale send shutdown signal start startup status stop upgrade wait " ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise --state-dir=$OTHER stop "
	[ "$(sorted)" = "all db " ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise signal SIGT"
	[ "$(sorted)" = "SIGTERM SIGTRAP SIGTSTP SIGTTIN SIGTTOU " ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise signal TERM "
	[ "$(sorted)" = "all api web " ]
}

@test "zsh: hp-supervise startup completes its options and formats" {
	zsh_complete -- "hp-supervise startup --"
	[ "$(sorted)" = "--format --json --system --user --write " ]
	zsh_complete -- "hp-supervise startup --format="
	[ "$(sorted)" = "launchd rc systemd " ]
}

@test "zsh: hp-spawn completes values, and a command after --" {
	zsh_complete -- "hp-spawn -r "
	[ "$(sorted)" = "always no on-failure " ]
	zsh_complete -- "hp-spawn -E -t "
	[ "$(sorted)" = "node service system terminal " ]
	zsh_complete -- "hp-spawn -n x -- hpfake"
	[ "$output" = "hpfaketool" ]
}

# hp-supervise wait: a process, all or a pattern, then a state

@test "hp-supervise wait: bash, fish and zsh complete all, names, then states" {
	local states="backoff exited failed ready reloading running starting stopped stopping "
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise wa
	[ "$output" = "wait" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise wait ''
	[ "$output" = "$(printf 'all\napi\nweb')" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise wait web ''
	[ "$(sorted)" = "$states" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise wait all re
	[ "$(sorted)" = "ready reloading " ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise wait web ready ''
	[ "$output" = "" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise wait "
	[ "$(sorted)" = "all api web " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise wait web "
	[ "$(sorted)" = "$states" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise wait "
	[ "$(sorted)" = "all api web " ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise -t 5s wait web "
	[ "$(sorted)" = "$states" ]
}

# hp-supervise reload

@test "hp-supervise: bash, fish and zsh offer reload as a verb" {
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise rel
	[ "$status" -eq 0 ]
	[ "$output" = "reload" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise -S "$STATE" ''
	[[ " ${lines[*]} " == *" reload "* ]]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise reload ''
	[ "$output" = "$(printf 'all\napi\nweb')" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise rel"
	[ "$status" -eq 0 ]
	[ "$output" = "reload" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise --json "
	[[ " ${lines[*]} " == *" reload "* ]]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise rel"
	[ "$status" -eq 0 ]
	[ "$output" = "reload" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise -S $STATE "
	[[ " ${lines[*]} " == *" reload "* ]]
}

# hp-supervise parent

@test "hp-supervise parent: bash, fish and zsh offer it and --parent-grace; no names after it" {
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise par
	[ "$output" = "parent" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise parent ''
	[ "$output" = "" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise --parent-gr
	[ "$output" = "--parent-grace" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise --parent-grace 5s \
	    --parent 1 pa
	[ "$output" = "parent" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise par"
	[ "$output" = "parent" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise parent "
	[[ " ${lines[*]} " == *" $$ "* ]]
	[[ " ${lines[*]} " != *" web "* ]]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise --parent-gr"
	[ "$output" = "--parent-grace" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise par"
	[ "$output" = "parent" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise --parent-gr"
	[ "$output" = "--parent-grace" ]
}

# hp-supervise send

@test "hp-supervise send: bash, fish and zsh offer node processes only" {
	printf 'type = node\nexec = api.js\n' >"$STATE/procs/api/spec"
	printf 'type = service\nexec = web\n' >"$STATE/procs/web/spec"
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise se
	[ "$output" = "send" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise send ''
	[ "$output" = "api" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise send api ''
	[ "$output" = "" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise se"
	[ "$output" = "send" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise send "
	[ "$output" = "api" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise send api "
	[ "$output" = "" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise se"
	[ "$output" = "send" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise send "
	[ "$output" = "api" ]
}

# hp-health

@test "hp-health: bash, fish and zsh offer the options of its man page" {
	local got want
	want=$(man_options hp-health)
	bash_complete -- hp-health -
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort | tr '\n' ' ')
	echo "bash: got '$got' want '$want'"
	[ "$got" = "$want" ]
	fish_complete -- "hp-health -"
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort | tr '\n' ' ')
	echo "fish: got '$got' want '$want'"
	[ "$got" = "$want" ]
	zsh_complete -- "hp-health -"
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort -u | tr '\n' ' ')
	echo "zsh: got '$got' want '$want'"
	[ "$got" = "$want" ]
}

@test "hp-health: bash completes kinds of check, and names after proc:" {
	run bash --norc --noprofile -c 'source "$1" && complete -p hp-health' \
	    _ "$ROOT/completions/hp.bash"
	[ "$output" = "complete -F _hp_health hp-health" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-health ''
	[ "$(sorted)" = "http:// proc: tcp:// unix: " ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-health -t 2s t
	[ "$output" = "tcp://" ]
	# "proc:w" whole, or split at ":" as COMP_WORDBREAKS does.
	bash_complete HP_STATE_DIR="$STATE" -- hp-health proc:w
	[ "$output" = "proc:web" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-health proc : ''
	[ "$output" = "$(printf 'api\nweb')" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-health proc :
	[ "$output" = "$(printf 'api\nweb')" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-health -S "$OTHER" proc : d
	[ "$output" = "db" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-health --wait ''
	[ "$output" = "" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-health -S "$BATS_TEST_TMPDIR/st"
	[ "$output" = "$STATE" ]
}

@test "hp-health: fish and zsh complete kinds of check, and names after proc:" {
	fish_complete HP_STATE_DIR="$STATE" -- "hp-health "
	[ "$(sorted)" = "http:// proc: tcp:// unix: " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-health proc:"
	[ "$(sorted)" = "proc:api proc:web " ]
	fish_complete HP_STATE_DIR="$OTHER" -- "hp-health -S $STATE -t 1s proc:w"
	[ "$output" = "proc:web" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-health "
	[ "$(sorted)" = "http:// proc: tcp:// unix: " ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-health proc:"
	[ "$(sorted)" = "api web " ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-health --state-dir=$OTHER proc:"
	[ "$output" = "db" ]
}

# hp-detect

# A registry of two tools, and hp-detect on PATH to read it.
detect_env() {
	printf '[tool alpha]\ncommand = alpha\n[tool beta-cli]\nname = Beta\ncommand = beta\n' \
	    >"$BATS_TEST_TMPDIR/tools.conf"
	DENV=(PATH="${HP_TEST_BIN:-$ROOT/cmd}:$TPATH"
	    HP_REGISTRY="$BATS_TEST_TMPDIR/tools.conf")
}

@test "hp-detect: bash, fish and zsh offer the options of its man page" {
	local got want
	detect_env
	want=$(man_options hp-detect)
	bash_complete "${DENV[@]}" -- hp-detect -
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort | tr '\n' ' ')
	echo "bash: got '$got' want '$want'"
	[ "$got" = "$want" ]
	fish_complete "${DENV[@]}" -- "hp-detect -"
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort | tr '\n' ' ')
	echo "fish: got '$got' want '$want'"
	[ "$got" = "$want" ]
	zsh_complete "${DENV[@]}" -- "hp-detect -"
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort -u | tr '\n' ' ')
	echo "zsh: got '$got' want '$want'"
	[ "$got" = "$want" ]
}

@test "hp-detect: bash completes verbs and tool ids from the registry" {
	detect_env
	run bash --norc --noprofile -c 'source "$1" && complete -p hp-detect' \
	    _ "$ROOT/completions/hp.bash"
	[ "$output" = "complete -F _hp_detect hp-detect" ]
	bash_complete "${DENV[@]}" -- hp-detect ''
	[ "$(sorted)" = "alpha beta-cli install path tools update " ]
	bash_complete "${DENV[@]}" -- hp-detect -j 4 --json b
	[ "$output" = "beta-cli" ]
	bash_complete "${DENV[@]}" -- hp-detect alpha ''
	[ "$(sorted)" = "alpha beta-cli " ]
	bash_complete "${DENV[@]}" -- hp-detect install ''
	[ "$(sorted)" = "alpha beta-cli " ]
	bash_complete "${DENV[@]}" -- hp-detect update alpha ''
	[ "$output" = "" ]
	bash_complete "${DENV[@]}" -- hp-detect path ''
	[ "$output" = "" ]
	bash_complete "${DENV[@]}" -- hp-detect path --l
	[ "$output" = "--login" ]
	bash_complete "${DENV[@]}" -- hp-detect --ttl ''
	[ "$output" = "" ]
}

@test "hp-detect: fish and zsh complete verbs and tool ids" {
	detect_env
	fish_complete "${DENV[@]}" -- "hp-detect "
	[ "$(sorted)" = "alpha beta-cli install path tools update " ]
	fish_complete "${DENV[@]}" -- "hp-detect -t 1s install "
	[ "$(sorted)" = "alpha beta-cli " ]
	fish_complete "${DENV[@]}" -- "hp-detect path "
	[ "$output" = "" ]
	zsh_complete "${DENV[@]}" -- "hp-detect "
	[ "$(sorted)" = "alpha beta-cli install path tools update " ]
	zsh_complete "${DENV[@]}" -- "hp-detect install "
	[ "$(sorted)" = "alpha beta-cli " ]
	zsh_complete "${DENV[@]}" -- "hp-detect alpha "
	[ "$(sorted)" = "alpha beta-cli " ]
}

# hp-pty

@test "hp-pty: bash, fish and zsh offer the options of its man page" {
	local got want
	want=$(man_options hp-pty)
	bash_complete -- hp-pty -
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | grep -vx -- -- | LC_ALL=C sort |
	    tr '\n' ' ')
	echo "bash: got '$got' want '$want'"
	[ "$got" = "$want" ]
	fish_complete -- "hp-pty -"
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | grep -vx -- -- | LC_ALL=C sort |
	    tr '\n' ' ')
	echo "fish: got '$got' want '$want'"
	[ "$got" = "$want" ]
	zsh_complete -- "hp-pty -"
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "${lines[@]}" | grep -vx -- -- | LC_ALL=C sort -u |
	    tr '\n' ' ')
	echo "zsh: got '$got' want '$want'"
	[ "$got" = "$want" ]
}

@test "hp-pty: resize, then the terminals; tools after -t; a command after --" {
	printf 'name = web\ntype = terminal\n' >"$STATE/procs/web/status"
	printf 'name = api\ntype = service\n' >"$STATE/procs/api/status"
	detect_env
	run bash --norc --noprofile -c 'source "$1" && complete -p hp-pty' \
	    _ "$ROOT/completions/hp.bash"
	[ "$output" = "complete -F _hp_pty hp-pty" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-pty ''
	[ "$(sorted)" = "-- attach resize send " ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-pty -S "$STATE" resize ''
	[ "$output" = "web" ]
	bash_complete "${DENV[@]}" -- hp-pty -t ''
	[ "$(sorted)" = "alpha beta-cli " ]
	bash_complete -- hp-pty -c 80 -- hpfake
	[ "$output" = "hpfaketool" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-pty "
	[ "$(sorted)" = "-- attach resize send " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-pty resize "
	[ "$output" = "web" ]
	fish_complete "${DENV[@]}" -- "hp-pty -t "
	[ "$(sorted)" = "alpha beta-cli " ]
	fish_complete -- "hp-pty -- hpfake"
	[ "$output" = "hpfaketool" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-pty resize "
	[ "$output" = "web" ]
	zsh_complete "${DENV[@]}" -- "hp-pty -t "
	[ "$(sorted)" = "alpha beta-cli " ]
	zsh_complete -- "hp-pty -n x -- hpfake"
	[ "$output" = "hpfaketool" ]
}

@test "hp-pty: attach, send and resize complete terminals in every shell" {
	printf 'name = web\ntype = terminal\n' >"$STATE/procs/web/status"
	printf 'name = api\ntype = service\n' >"$STATE/procs/api/status"
	local verb
	for verb in attach send resize; do
		bash_complete HP_STATE_DIR="$STATE" -- hp-pty "$verb" ''
		[ "$output" = "web" ]
		fish_complete HP_STATE_DIR="$STATE" -- "hp-pty $verb "
		[ "$output" = "web" ]
		zsh_complete HP_STATE_DIR="$STATE" -- "hp-pty $verb "
		[ "$output" = "web" ]
	done
	# The words after options that take one are not operands.
	bash_complete HP_STATE_DIR="$STATE" -- hp-pty --replay 0 \
	    --detach-key none -c 80 -r 24 attach ''
	[ "$output" = "web" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-pty --replay = 0 attach ''
	[ "$output" = "web" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-pty -u root ''
	[ "$(sorted)" = "-- attach resize send " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-pty --replay 0 -u root attach "
	[ "$output" = "web" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-pty --replay 0 attach "
	[ "$output" = "web" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-pty "
	[ "$(sorted)" = "-- attach resize send " ]
}

@test "hp-pty: --detach-key values, and -o the keys of hp.conf(5)" {
	want=$(conf_keys)
	bash_complete -- hp-pty --detach-key ''
	[ "$(sorted)" = "'^\\' '^]' none " ]
	bash_complete -- hp-pty --detach-key n
	[ "$output" = "none" ]
	bash_complete -- hp-pty --detach-key '^'
	[ "$(sorted)" = "'^\\' '^]' " ]
	fish_complete -- "hp-pty --detach-key "
	[ "$(sorted)" = "^\\ ^] none " ]
	# zsh quotes them as it would insert them.
	zsh_complete -- "hp-pty --detach-key="
	[ "$(sorted)" = '\^\\ \^\] none ' ]
	bash_complete -- hp-pty -d -o ''
	[ "$(echo "$output" | sort)" = "$want" ]
	bash_complete -- hp-pty --option sc
	[ "$output" = "scrollback=" ]
	fish_complete -- 'hp-pty -d -o '
	[ "$(echo "$output" | sort)" = "$want" ]
	zsh_complete -- "hp-pty -d -o "
	[ "$(echo "$output" | sed 's/$/=/' | sort)" = "$want" ]
}

# Instances: NAME:I beside NAME; scale takes a name that has them.

@test "instances: bash, fish and zsh complete NAME:I, bash across its \":\"" {
	mkdir -p "$STATE/procs/web/1" "$STATE/procs/web/2"
	echo 'instances = 2' >"$STATE/procs/web/spec"
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise stop w
	[ "$output" = "$(printf 'web\nweb:1\nweb:2')" ]
	# bash splits "web:" at the colon: what follows it is replied.
	run env -i PATH="$TPATH" HP_STATE_DIR="$STATE" bash --norc -c '
		source "$1" || exit 90
		COMP_WORDS=(hp-supervise reload web :)
		COMP_CWORD=3
		COMP_LINE="hp-supervise reload web:"
		COMP_POINT=${#COMP_LINE}
		_hp_supervise hp-supervise : web
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completions/hp.bash"
	[ "$output" = "$(printf '1\n2')" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-ls web:2
	[ "$output" = "web:2" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise scale ''
	[ "$output" = "web" ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise restart web:"
	[ "$(sorted)" = "web:1 web:2 " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-supervise scale "
	[ "$output" = "web" ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-supervise stop web:"
	[ "$(sorted)" = "web:1 web:2 " ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-ls web:1"
	[ "$output" = "web:1" ]
}

@test "hp-spawn: --listen offers tcp:// and unix:, --after NAME:I, in every shell" {
	mkdir -p "$STATE/procs/web/1" "$STATE/procs/web/2"
	bash_complete -- hp-spawn --listen ''
	[ "$output" = "$(printf 'tcp://\nunix:')" ]
	bash_complete HP_STATE_DIR="$STATE" -- hp-spawn --after w
	[ "$output" = "$(printf 'web\nweb:1\nweb:2')" ]
	fish_complete -- "hp-spawn --listen "
	[ "$(sorted)" = "tcp:// unix: " ]
	fish_complete HP_STATE_DIR="$STATE" -- "hp-spawn --after web:"
	[ "$(sorted)" = "web:1 web:2 " ]
	zsh_complete -- "hp-spawn --listen="
	[ "$(sorted)" = "tcp:// unix: " ]
	zsh_complete HP_STATE_DIR="$STATE" -- "hp-spawn --after=web:"
	[ "$(sorted)" = "web:1 web:2 " ]
}

@test "bash: --profile offers the profiles of the -f file, --env-file files" {
	printf '[service web]\nexec = x\n[service web @production]\n[node w @ staging ]\n[service w @production]\n' \
	    >"$BATS_TEST_TMPDIR/hp.conf"
	bash_complete -- hp-supervise -f "$BATS_TEST_TMPDIR/hp.conf" --profile ''
	[ "$(sorted)" = "production staging " ]
	bash_complete -- hp-supervise -f "$BATS_TEST_TMPDIR/hp.conf" --profile p
	[ "$output" = "production" ]
	bash_complete -- hp-supervise --profile ''
	[ "$output" = "" ]
	# The verb comes after --profile NAME.
	bash_complete HP_STATE_DIR="$STATE" -- hp-supervise --profile p st
	[ "$(sorted)" = "start startup status stop " ]
	touch "$BATS_TEST_TMPDIR/app.env"
	bash_complete -- hp-spawn --env-file "$BATS_TEST_TMPDIR/app.e"
	[ "$output" = "$BATS_TEST_TMPDIR/app.env" ]
}

@test "fish, zsh: hp-spawn --env-file and hp-supervise --profile are offered" {
	local line
	for line in 'hp-spawn --env-f:--env-file' 'hp-supervise --prof:--profile'
	do
		fish_complete -- "${line%%:*}"
		[ "$output" = "${line#*:}" ]
		zsh_complete -- "${line%%:*}"
		[[ "$output" == *"${line#*:}"* ]]
	done
}

@test "every command: bash, fish and zsh offer --help, and -h" {
	local cmd
	detect_env
	for cmd in hp-spawn hp-supervise hp-pty hp-detect hp-health hp-ls; do
		bash_complete "${DENV[@]}" -- "$cmd" --hel
		echo "bash $cmd: $output"
		[ "$output" = --help ]
		bash_complete "${DENV[@]}" -- "$cmd" -
		printf '%s\n' "${lines[@]}" | grep -qx -- -h
		fish_complete "${DENV[@]}" -- "$cmd --hel"
		echo "fish $cmd: $output"
		[ "$output" = --help ]
		zsh_complete "${DENV[@]}" -- "$cmd --hel"
		echo "zsh $cmd: $output"
		[ "$(printf '%s\n' "${lines[@]}" | sort -u)" = --help ]
	done
}
