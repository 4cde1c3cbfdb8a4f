#!/usr/bin/env bats
# hp: see LICENSE.
# hp-detect.bats: fake tools made here (print, hang, flood, fail, fork), a
# fake HOME, PATH and registry; then the real tools of this machine.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	export HOME="$BATS_TEST_TMPDIR/home"
	export XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	export HP_REGISTRY="$BATS_TEST_TMPDIR/tools.conf"
	BIN="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$HOME" "$BIN"
	export PATH="$HPBIN:$BIN:/usr/bin:/bin"
	unset SHELL NVM_BIN NVM_DIR NPM_CONFIG_PREFIX npm_config_prefix \
	    PNPM_HOME BUN_INSTALL VOLTA_HOME ASDF_DATA_DIR CARGO_HOME GOBIN \
	    GOPATH
	: >"$HP_REGISTRY"
	USAGE=$(hp-detect -h)
}

# fake NAME BODY [DIR]: an executable sh script NAME in DIR (default BIN).
fake() {
	local f=${3:-$BIN}/$1
	mkdir -p "${3:-$BIN}"
	printf '#!/bin/sh\n%s\n' "$2" >"$f"
	chmod 755 "$f"
}

# tool ID [KEY = VALUE ...]: a registry entry; the command is ID.
tool() {
	local id=$1
	shift
	{
		printf '[tool %s]\nname = Fake %s\ncommand = %s\n' "$id" "$id" "$id"
		for kv in "$@"; do printf '%s\n' "$kv"; done
	} >>"$HP_REGISTRY"
}

# hd ARG...: hp-detect, bounded: a hang fails the test (status 124).
hd() {
	run --separate-stderr timeout $((20 * SLOW)) hp-detect "$@"
}

@test "usage: -h, -V, bad options and operands" {
	[ "${USAGE%%$'\n'*}" = "usage: hp-detect [-aw] [-j jobs] [-t dur] [--ttl dur] [--no-cache] [--login] [--json] [-S dir] [tool ...]" ]
	hd -V
	[ "$output" = "hp-detect 0.1.0" ]
	hd -x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "hp-detect: unknown option -x" ]
	[ "${stderr_lines[1]}" = "try 'hp-detect --help'" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	for args in "-j 0" "-j x" "-t 0" "-t soon" "--ttl x" "install" \
	    "install a b" "path x" "path -a" "install --login x" "tools x" \
	    "bad/id"; do
		# shellcheck disable=SC2086
		hd $args
		echo "$args: $status $stderr"
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
	done
	tool one
	hd one nosuch
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-detect: nosuch: unknown tool" ]
	hd --json nosuch
	[ "$status" -eq 2 ]
	[ "$output" = '{"error":{"code":"not-found","message":"nosuch: unknown tool"}}' ]
}

@test "usage: the options of usage are those of the man page's SYNOPSIS" {
	local man use
	man=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$ROOT/man/hp-detect.1" |
	    grep -o 'Fl [^ ]*' | sed 's/^Fl /-/' | LC_ALL=C sort -u | tr '\n' ' ')
	use=$(printf '%s\n' "$USAGE" | grep -o '\[-[^] ]*' |
	    sed 's/^\[//' | LC_ALL=C sort -u | tr '\n' ' ')
	echo "man '$man' usage '$use'"
	[ "$man" = "$use" ]
}

@test "a tool found prints its version; a missing one makes exit 1" {
	fake alpha 'echo "alpha 2.0.55 (Alpha Code)"'
	tool alpha
	tool beta
	hd alpha
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "TOOL               NAME                 INSTALLED VERSION      PATH" ]
	[ "${lines[1]}" = "alpha              Fake alpha           yes       2.0.55       $BIN/alpha" ]
	hd alpha beta
	[ "$status" -eq 1 ]
	[ "${lines[2]}" = "beta               Fake beta            no        -            -" ]
	# No operand: every tool, and 0.
	hd
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	hd --json alpha beta
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j[0].version + "|" + j[0].raw_version + "|" + j[0].source + "|" + j[0].path + "|" + j[0].installed')" = "2.0.55|alpha 2.0.55 (Alpha Code)|PATH|$BIN/alpha|true" ]
	[ "$(echo "$output" | json 'j[1].installed + "|" + j[1].version + "|" + j[1].path + "|" + j[1].cache')" = "false|null|null|null" ]
	[ "$(echo "$output" | json 'typeof j[0].probe_ms + j[0].cache')" = "numbercache" ]
}

@test "-S: the cache is kept in the state directory given" {
	fake sigma 'echo sigma 1.2.3'
	tool sigma
	hd -S "$BATS_TEST_TMPDIR/st" --json sigma
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].version + " " + j[0].cache')" = "1.2.3 probe" ]
	grep -q "^sigma	" "$BATS_TEST_TMPDIR/st/cache/detect"
	[ ! -e "$XDG_CACHE_HOME/hp/detect" ]
	hd --state-dir="$BATS_TEST_TMPDIR/st" --json sigma
	[ "$(echo "$output" | json 'j[0].cache')" = cache ]
	hd path -S "$BATS_TEST_TMPDIR/st"
	[ "$status" -eq 0 ]
	hd -S ''
	[ "$status" -eq 2 ]
	hd tools -S "$BATS_TEST_TMPDIR/st"
	[ "$status" -eq 2 ]
}

@test "with PATH unset, the system's default path is searched first" {
	local def
	def=$(getconf PATH)
	run --separate-stderr env -i HOME="$HOME" XDG_CACHE_HOME="$XDG_CACHE_HOME" \
	    HP_REGISTRY="$HP_REGISTRY" "$HPBIN/hp-detect" path --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.dirs.filter(d => d.source === "default").map(d => d.dir).join(":")')" = "$def" ]
	[[ $(echo "$output" | json 'j.path') == "$def"* ]]
	# A tool in it is found.
	tool sh 'version-args = -c "echo 5.1.0"'
	run --separate-stderr env -i HOME="$HOME" XDG_CACHE_HOME="$XDG_CACHE_HOME" \
	    HP_REGISTRY="$HP_REGISTRY" "$HPBIN/hp-detect" --json sh
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json '[j[0].installed, j[0].version, j[0].source].join(" ")')" = "true 5.1.0 default" ]
}

@test "-a lists each path once, a tool's own directory on PATH too" {
	fake omega 'echo omega 3.2.1' "$HOME/.local/bin"
	tool omega 'dirs = ~/.local/bin'
	PATH="$HOME/.local/bin:$PATH" hd -a --json omega
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j[0].candidates.map(c => c.path + " " + c.source + " " + c.why).join(",")')" = "$HOME/.local/bin/omega PATH selected" ]
}

@test "the first executable regular file wins; -a says why not the others" {
	mkdir -p "$BATS_TEST_TMPDIR/d1" "$BATS_TEST_TMPDIR/d2/gamma"
	printf '#!/bin/sh\necho 9.9\n' >"$BATS_TEST_TMPDIR/d1/gamma"
	fake gamma 'echo 1.2.3' "$BATS_TEST_TMPDIR/d3"
	fake gamma 'echo 4.5.6' "$BATS_TEST_TMPDIR/d4"
	ln -s "$BATS_TEST_TMPDIR/d3/gamma" "$BATS_TEST_TMPDIR/d5"
	mkdir -p "$BATS_TEST_TMPDIR/d6"
	ln -s ../d3/gamma "$BATS_TEST_TMPDIR/d6/gamma"
	tool gamma
	PATH="$BATS_TEST_TMPDIR/d1:$BATS_TEST_TMPDIR/d2:$BATS_TEST_TMPDIR/d6:$BATS_TEST_TMPDIR/d3:$BATS_TEST_TMPDIR/d4:$PATH" \
	    hd -a gamma
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "gamma              Fake gamma           yes       1.2.3        $BATS_TEST_TMPDIR/d6/gamma" ]
	[ "${lines[2]}" = "  $BATS_TEST_TMPDIR/d1/gamma (PATH): not executable" ]
	[ "${lines[3]}" = "  $BATS_TEST_TMPDIR/d2/gamma (PATH): not a regular file" ]
	[ "${lines[4]}" = "  $BATS_TEST_TMPDIR/d6/gamma (PATH): selected" ]
	[ "${lines[5]}" = "  $BATS_TEST_TMPDIR/d3/gamma (PATH): same file as the selected one" ]
	[ "${lines[6]}" = "  $BATS_TEST_TMPDIR/d4/gamma (PATH): shadowed by the selected one" ]
	PATH="$BATS_TEST_TMPDIR/d6:$PATH" hd --json -a gamma
	[ "$(echo "$output" | json 'j[0].real_path')" = "$BATS_TEST_TMPDIR/d3/gamma" ]
	[ "$(echo "$output" | json 'j[0].candidates[0].why')" = "selected" ]
}

@test "a tool's own directories and the enhanced ones are searched, with ~" {
	fake delta 'echo delta v3.1' "$HOME/opt/delta/bin"
	fake eps 'echo eps 0.9' "$HOME/.local/bin"
	fake zeta 'echo zeta 7.0' "$HOME/.nvm/versions/node/v18.2.0/bin"
	fake zeta 'echo zeta 6.0' "$HOME/.nvm/versions/node/v18.10.1/bin"
	fake zeta 'echo zeta 5.0' "$HOME/.nvm/versions/node/v20.1.0/bin"
	mkdir -p "$HOME/.nvm/alias"
	echo 18 >"$HOME/.nvm/alias/default"
	tool delta 'dirs = ~/opt/delta/bin /nonexistent'
	tool eps
	tool zeta
	hd --json delta eps zeta
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map(r => r.source + ":" + r.version).join(" ")')" = "static:3.1 static:0.9 nvm:6.0" ]
	hd path
	[ "$output" = "$HPBIN:$BIN:/usr/bin:/bin:/usr/local/bin:$HOME/.local/bin:$HOME/.nvm/versions/node/v18.10.1/bin" ]
	NVM_BIN=/usr/bin VOLTA_HOME="$HOME/v" hd path
	[ "$output" = "$HPBIN:$BIN:/usr/bin:/bin:/usr/local/bin:$HOME/.local/bin" ]
	mkdir -p "$HOME/v/bin" "$HOME/.cargo/bin" "$HOME/npmg/bin"
	printf 'prefix = %s\n' "$HOME/npmg" >"$HOME/.npmrc"
	hd --json path
	[ "$(echo "$output" | json 'j.dirs.slice(4).map(d => d.source).join(" ")')" = "npm-prefix static static nvm static" ]
	VOLTA_HOME="$HOME/v" hd --json path
	[ "$(echo "$output" | json 'j.dirs.map(d => d.source).join(" ")')" = "PATH PATH PATH PATH npm-prefix static static volta nvm static" ]
}

@test "a probe that fails, floods or finds no version: installed, version unknown" {
	fake fails 'exit 3'
	fake floods 'yes 1.2.3 2>/dev/null; exit 0'
	fake quiet 'echo nothing here'
	fake prompt 'read -r x && echo "got $x 9.9" || echo "eof 1.0"'
	printf '#!/nonexistent/sh\necho 1.0\n' >"$BIN/badexec"
	chmod 755 "$BIN/badexec"
	tool badexec
	hd --json badexec
	[ "$(echo "$output" | json 'j[0].installed + ":" + j[0].version + ":" + j[0].error')" = "true:null:exec: No such file or directory" ]
	tool fails
	tool floods
	tool quiet
	tool prompt
	# The default timeout, 5s, is not what is tested: a loaded machine
	# gets the time it needs.
	hd --json -t "$((5 * SLOW))s" fails floods quiet prompt
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map(r => r.installed + ":" + r.version + ":" + r.error).join("|")')" = "true:null:exit 3|true:1.2.3:output flood: more than 65536 bytes|true:null:no version in its output|true:1.0:undefined" ]
	[[ "$stderr" == *"hp-detect: warning: fails: $BIN/fails: exit 3"* ]]
	# A flood from a child that outlives the probe: the flood is why,
	# and what it left is killed all the same.
	fake floodkid '{ yes 1.2.3; exec sleep 1000; } 2>/dev/null & wait'
	tool floodkid
	hd --json -t "$((5 * SLOW))s" floodkid
	[ "$(echo "$output" | json 'j[0].version + ":" + j[0].error')" = "1.2.3:output flood: more than 65536 bytes" ]
	hd fails
	[ "${lines[1]}" = "fails              Fake fails           yes       unknown      $BIN/fails" ]
}

@test "a probe that hangs or forks is killed with its whole group" {
	fake hangs "echo \$\$ >'$BATS_TEST_TMPDIR/hangs.pid'; exec sleep 100"
	fake forks "sleep 100 & echo \$! >'$BATS_TEST_TMPDIR/forks.pid'; echo forks 2.1"
	fake session "ps -o sid= -p \$\$ | tr -d ' ' >'$BATS_TEST_TMPDIR/sid'; echo \$PPID >'$BATS_TEST_TMPDIR/pid'; [ -t 0 ] || echo notty 1.1"
	tool hangs
	tool forks
	tool session
	# Long enough for the quick probes on a loaded machine under ASan.
	hd --json -t 2s hangs forks session
	[ "$status" -eq 0 ]
	# The background child is named as it was then: still the script's
	# shell, or already sleep.
	[[ "$(echo "$output" | json 'j.map(r => r.version + ":" + r.error).join("|")')" =~ ^"null:timed out after 2000 ms|2.1:left processes behind, killed: "(sleep|forks|sh)" ($(cat "$BATS_TEST_TMPDIR/forks.pid"))|1.1:undefined"$ ]]
	[ "$(echo "$output" | json 'j[0].probe_ms >= 2000 && j[0].probe_ms < 10000')" = "true" ]
	! kill -0 "$(cat "$BATS_TEST_TMPDIR/hangs.pid")" 2>/dev/null
	! kill -0 "$(cat "$BATS_TEST_TMPDIR/forks.pid")" 2>/dev/null
	# Its session is its probe's own: the worker that started it leads it.
	[ "$(cat "$BATS_TEST_TMPDIR/sid")" = "$(cat "$BATS_TEST_TMPDIR/pid")" ]
	[ "$(cat "$BATS_TEST_TMPDIR/sid")" != "$(ps -o sid= -p $$ | tr -d ' ')" ]
}

# daemon MODE: a --version that leaves a daemon by a double fork (the
# middle is gone at once, the daemon in a session of its own): it is
# killed, and the result names it.
daemon() {
	fake daemon "(setsid sleep 100 & echo \$! >'$BATS_TEST_TMPDIR/daemon.pid'); echo daemon 3.0"
	tool daemon
	hd --json daemon
	[ "$status" -eq 0 ]
	d=$(cat "$BATS_TEST_TMPDIR/daemon.pid")
	# Named as it was then: the script's shell before its exec (a busy
	# machine), setsid, or already sleep.
	[[ "$(echo "$output" | json 'j[0].version + ":" + j[0].error')" =~ ^"3.0:left processes behind, killed: "(daemon|sh|setsid|sleep)" ($d)"$ ]]
	# Killed, and reaped: not even a zombie of it is left.
	! kill -0 "$d" 2>/dev/null
}

@test "a probe that leaves a daemon: killed, and named (cgroup)" {
	[ "$(id -u)" = 0 ] || { echo "the cgroup test needs root" >&2; false; }
	grep -q ' - cgroup2 ' /proc/self/mountinfo
	daemon
}

@test "a probe that leaves a daemon: killed, and named (ancestry)" {
	export HP_CGROUP=off
	daemon
}

@test "probes run in a pool of -j workers" {
	local i
	for i in 1 2 3 4; do
		# Each waits (1 s at most) until all four have started.
		fake "p$i" "touch '$BATS_TEST_TMPDIR/started.$i'; n=0
while [ \$(ls '$BATS_TEST_TMPDIR' | grep -c '^started') -lt 4 ] && [ \$n -lt 100 ]; do sleep 0.01; n=\$((n+1)); done
[ \$n -lt 100 ] && echo 1.0 || echo alone"
		tool "p$i"
	done
	hd --json -j 4 p1 p2 p3 p4
	[ "$(echo "$output" | json 'j.map(r => r.version).join(" ")')" = "1.0 1.0 1.0 1.0" ]
	rm -f "$BATS_TEST_TMPDIR"/started.*
	hd --json --no-cache -j 2 p1 p2 p3 p4
	[ "$(echo "$output" | json 'j.map(r => String(r.version)).join(" ")')" = "null null 1.0 1.0" ]
}

@test "the cache: reused, then refreshed by a new binary, --no-cache or --ttl" {
	fake eta "echo x >>'$BATS_TEST_TMPDIR/runs'; echo eta 1.0"
	tool eta
	hd --json eta
	[ "$(echo "$output" | json 'j[0].cache')" = "probe" ]
	[ -f "$XDG_CACHE_HOME/hp/detect" ]
	hd --json eta
	[ "$(echo "$output" | json 'j[0].cache + j[0].version')" = "cache1.0" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/runs")" -eq 1 ]
	hd --json --no-cache eta
	[ "$(echo "$output" | json 'j[0].cache')" = "probe" ]
	hd --json --ttl 0 eta
	[ "$(echo "$output" | json 'j[0].cache')" = "probe" ]
	# An upgrade: a new binary (size and mtime) is noticed at once.
	fake eta "echo x >>'$BATS_TEST_TMPDIR/runs'; echo eta 2.0.1"
	hd --json eta
	[ "$(echo "$output" | json 'j[0].cache + j[0].version')" = "probe2.0.1" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/runs")" -eq 4 ]
	# Without XDG_CACHE_HOME it is STATE/cache.
	unset XDG_CACHE_HOME
	hd --json eta
	[ -f "$HP_STATE_DIR/cache/detect" ]
	[ "$(stat -c %a "$HP_STATE_DIR/cache")" = "700" ]
}

@test "concurrent runs never corrupt the cache" {
	local i pids=""
	for i in 1 2 3 4 5 6; do
		fake "c$i" "echo c$i 1.$i"
		tool "c$i"
	done
	for i in 1 2 3 4 5 6 7 8; do
		hp-detect --no-cache >/dev/null 2>&1 &
		pids="$pids $!"
	done
	for i in $pids; do wait "$i"; done
	[ "$(wc -l <"$XDG_CACHE_HOME/hp/detect")" -eq 6 ]
	hd --json
	[ "$(echo "$output" | json 'j.map(r => r.cache + r.version).join(" ")')" = "cache1.1 cache1.2 cache1.3 cache1.4 cache1.5 cache1.6" ]
	[ -z "$(ls "$XDG_CACHE_HOME/hp" | grep tmp)" ]
}

@test "--json -w streams cli-tool:detected events as results come" {
	fake slow 'sleep 0.3; echo slow 1.0'
	fake fast 'echo fast 2.0'
	tool slow
	tool fast
	tool gone
	hd --json -w slow fast gone
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(echo "${lines[0]}" | json 'j.event + " " + j.id')" = "cli-tool:detected gone" ]
	[ "$(echo "${lines[1]}" | json 'j.event + " " + j.id')" = "cli-tool:detected fast" ]
	[ "$(echo "${lines[2]}" | json 'j.id + " " + j.version')" = "slow 1.0" ]
	[[ "${lines[2]}" == '{"ts":"'*'Z","event":"cli-tool:detected",'* ]]
	hd -w fast gone
	[ "${lines[0]}" = "TOOL               NAME                 INSTALLED VERSION      PATH" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "a bad registry entry is reported as FILE:LINE and skipped" {
	fake ok 'echo ok 1.0'
	tool ok
	printf '[tool broken]\ncommand = broken\ncolour = red\n' >>"$HP_REGISTRY"
	printf '[tool ok2]\ncommand = ok\nversion-regex = ([0-9\n' >>"$HP_REGISTRY"
	hd ok
	[ "$status" -eq 0 ]
	[ "${stderr_lines[0]}" = "hp-detect: warning: $HP_REGISTRY:6: unknown key: colour: entry skipped" ]
	[ "${stderr_lines[1]}" = "hp-detect: warning: $HP_REGISTRY:7: bad version-regex: ok2: entry skipped" ]
	[ "${lines[1]}" = "ok                 Fake ok              yes       1.0          $BIN/ok" ]
	hd broken
	[ "$status" -eq 2 ]
}

@test "users override the registry in XDG_CONFIG_HOME and HP_TOOLS" {
	fake theta 'echo theta version 5.6.7 build 8.9'
	tool theta
	mkdir -p "$XDG_CONFIG_HOME/hp"
	printf '[tool theta]\nname = Mine\ncommand = theta\nversion-regex = build ([0-9.]+)\n[tool iota]\ncommand = iota\n' \
	    >"$XDG_CONFIG_HOME/hp/tools.conf"
	hd --json theta iota
	[ "$(echo "$output" | json 'j[0].name + " " + j[0].version + " " + j[1].installed')" = "Mine 8.9 false" ]
	printf '[tool iota]\nname = Iota\ncommand = theta\n' >"$BATS_TEST_TMPDIR/more.conf"
	HP_TOOLS="$BATS_TEST_TMPDIR/more.conf" hd --json iota
	[ "$(echo "$output" | json 'j[0].name + " " + j[0].version')" = "Iota 5.6.7" ]
	run hp-detect tools
	[ "$output" = "$(printf 'theta\tMine\niota\tiota')" ]
	run hp-detect tools --json
	[ "$status" -eq 0 ]
	[ "$output" = '[{"id":"theta","name":"Mine"},{"id":"iota","name":"iota"}]' ]
	run hp-detect --json tools
	[ "$output" = '[{"id":"theta","name":"Mine"},{"id":"iota","name":"iota"}]' ]
}

@test "path --login: probe, cache, a changed start-up file, the fallback" {
	local marker="$BATS_TEST_TMPDIR/loginbin"
	mkdir -p "$marker"
	printf 'export PATH="%s:$PATH"\n' "$marker" >"$HOME/.bash_profile"
	hd path --login
	[ "$status" -eq 0 ]
	[[ "$output" == *":$marker"* ]]
	[[ "$stderr" == "hp-detect: login PATH of /bin/bash: probe ("* ]]
	hd --json path --login
	[ "$(echo "$output" | json 'j.login.origin')" = "cache" ]
	[ "$(echo "$output" | json 'j.dirs.filter(d => d.dir == "'"$marker"'")[0].source')" = "login-env" ]
	# A changed start-up file: probed again. One that hangs when
	# interactive: killed at the timeout, then the fallback without -i.
	printf '[ -n "$HP_ENV_PROBE" ] || exit 9\ncase $- in *i*) sleep 100 ;; esac\nexport PATH="%s:$PATH"\n' \
	    "$marker" >"$HOME/.bash_profile"
	touch -d '2001-01-01' "$HOME/.bash_profile"
	hd --json -t 500ms path --login
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.login.origin')" = "fallback" ]
	[ "$(echo "$output" | json 'j.login.reason')" = "interactive login shell timed out after 500 ms; without -i" ]
	[[ "$(echo "$output" | json 'j.path')" == *":$marker"* ]]
	hd --json --no-cache -t 300ms path --login
	[ "$(echo "$output" | json 'j.login.origin')" = "fallback" ]
	# A detected tool found only there says login-env.
	fake kappa 'echo kappa 3.3' "$marker"
	tool kappa
	hd --json --login kappa
	[ "$(echo "$output" | json 'j[0].source + " " + j[0].version')" = "login-env 3.3" ]
}

@test "install and update: progress as JSON lines, re-detect, the installer's status" {
	fake npm "echo 'fetching 10%'; printf 'unpacking 50%%\\r'; echo 'linking 100%'
printf '#!/bin/sh\\necho lambda 4.2.0\\n' >'$BIN/lambda'; chmod 755 '$BIN/lambda'; exit \${FAKE_STATUS:-0}"
	tool lambda 'install = npm install -g lambda' 'update = npm update lambda'
	tool mu 'install = nosuchinstaller x'
	tool nu
	hd --json install lambda
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(echo "${lines[0]}" | json 'j.event + " " + j.id + " " + j.action + " " + j.percent + " " + j.line')" = "cli-tool:install-progress lambda install 10 fetching 10%" ]
	[ "$(echo "${lines[1]}" | json 'j.percent + " " + j.line')" = "50 unpacking 50%" ]
	[ "$(echo "${lines[3]}" | json 'j.event + " " + j.version + " " + j.cache')" = "cli-tool:detected 4.2.0 probe" ]
	FAKE_STATUS=7 hd update lambda
	[ "$status" -eq 7 ]
	[ "${lines[1]}" = "lambda             Fake lambda          yes       4.2.0        $BIN/lambda" ]
	[[ "$stderr" == *"fetching 10%"*"hp-detect: warning: lambda: update npm: exit 7" ]]
	run -127 --separate-stderr timeout 20 hp-detect install mu
	[ "$stderr" = "hp-detect: mu: nosuchinstaller: installer not found" ]
	hd --json install nu
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":{"code":"not-found","message":"nu: no install command in the registry"}}' ]
}

@test "install on a terminal: one progress line replaced in place" {
	fake npm "echo 'step 1'; sleep 0.3; echo 'half 50%'; echo 'lambda' >/dev/null"
	tool lambda 'install = npm i lambda'
	run timeout 20 script -qec "hp-detect install lambda" /dev/null
	[ "$status" -eq 0 ]
	# The spinner turns while the installer is quiet: at least two of
	# its frames are drawn over the same line (which ones: the clock's).
	frames=$(printf '%s' "$output" | tr '\r' '\n' |
	    sed -n 's/^\x1b\[K\([|/\\-]\) install lambda: step 1$/\1/p' |
	    sort -u | wc -l)
	[ "$frames" -ge 2 ]
	[[ "$output" == *$'\r\033[K'" 50% install lambda: half 50%"* ]]
	[[ "$output" == *"lambda             Fake lambda          no "* ]]
}

@test "the real tools here: git, node, npm, make, python3, at their versions" {
	unset HP_REGISTRY
	export PATH="$HPBIN:/usr/local/bin:/usr/bin:/bin"
	hd --json git node npm make python3
	[ "$status" -eq 0 ]
	local id path want got
	for id in git node npm make python3; do
		path=$(echo "$output" | json "j.find(r => r.id == '$id').path")
		got=$(echo "$output" | json "j.find(r => r.id == '$id').version")
		want=$("$path" --version 2>&1 | head -n 1 |
		    grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n 1)
		echo "$id: $path got $got want $want"
		[ -n "$want" ]
		[ "$got" = "$want" ]
	done
	[ "$(git --version)" = "git version $(echo "$output" | json 'j[0].version')" ]
	[ "$(echo "$output" | json 'j[0].raw_version')" = "$(git --version)" ]
	hd claude-code git
	[ "$status" -eq 1 ]
}

@test "the shipped registry is found beside the program, by path or on PATH" {
	unset HP_REGISTRY
	mkdir -p "$BATS_TEST_TMPDIR/p/bin" "$BATS_TEST_TMPDIR/p/share/hp"
	cp "$ROOT/cmd/hp-detect" "$BATS_TEST_TMPDIR/p/bin/"
	printf '[tool only-here]\ncommand = x\n' \
	    >"$BATS_TEST_TMPDIR/p/share/hp/tools.conf"
	run "$BATS_TEST_TMPDIR/p/bin/hp-detect" tools
	[ "$output" = "$(printf 'only-here\tonly-here')" ]
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" run hp-detect tools
	[ "$output" = "$(printf 'only-here\tonly-here')" ]
	# The repository's own, with every tool the issue names.
	run hp-detect tools
	[ "$(printf '%s\n' "${lines[@]}" | cut -f 1 | LC_ALL=C sort | tr '\n' ' ')" = "aider bun cargo claude-code codex continue cursor-agent deno docker gemini-cli gh git github-copilot-cli go goose make node npm ollama opencode pip pnpm python3 qwen-code uv " ]
	run hp-detect tools
	[ "$stderr" = "" ]
}

@test "a slow version regex looks at the first 4 KiB only: -t holds" {
	fake vees 'head -c 65000 /dev/zero | tr "\0" v'
	tool vees 'version-regex = ((v|vv)+)+x'
	fake digits 'head -c 65000 /dev/zero | tr "\0" 7'
	tool digits
	fake late 'head -c 5000 /dev/zero | tr "\0" x; echo; echo 1.2.3'
	tool late
	hd -t 2s --no-cache --json vees digits late
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map((t) => t.error).join()')" = \
	    "no version in its output,no version in its output,no version in its output" ]
}

@test "a regex slow even on 4 KiB is matched in the probe's worker: -t ends it" {
	# The slowest search the budget lets through: near a second of glibc's
	# over 4096 v here, a few tenths on a fast machine; matched in
	# hp-detect itself it would end "no version", never on -t.
	fake slowre 'head -c 65000 /dev/zero | tr "\0" v'
	tool slowre 'version-regex = ((v{1,43}){1,43})+x'
	hd -t 100ms --no-cache --json slowre
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | json 'j.map((t) => t.installed + ":" + t.version + ":" + t.error).join()')" = \
	    "true:null:timed out after 100 ms" ]
	# Nothing of the probe is left: the worker (a fork of ours, with
	# our command line) is gone.
	run pgrep -f "hp-detect -t 100ms --no-cache --json slowre"
	[ "$status" -eq 1 ]
}

# pm NAME: a fake package manager on PATH (before the system's) that
# records its argv in BATS_TEST_TMPDIR/NAME.argv; nothing is installed.
pm() {
	fake "$1" "echo \"\$*\" >>'$BATS_TEST_TMPDIR/$1.argv'; echo '$1 50%'"
}

@test "install: this system's package manager first, then the line for any system" {
	[ "$(uname -s)" = Linux ]
	pm apt-get
	pm dnf
	pm npm
	tool both 'install.linux-apt = apt-get install -y both-pkg' \
	    'install.linux-dnf = dnf install -y both-pkg' \
	    'install.macos-brew = brew install both' 'install = npm i -g both'
	tool fedora 'install.linux-dnf = dnf install -y fedora-pkg' \
	    'update.linux-dnf = dnf upgrade -y fedora-pkg' \
	    'install = npm i -g fedora'
	tool anyos 'install.linux-pacman = pacman -S anyos' \
	    'install = npm i -g anyos'
	hd --json install both
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[0]}" | json 'j.event + " " + j.line')" = "cli-tool:install-progress apt-get 50%" ]
	hd install fedora
	[ "$status" -eq 0 ]
	hd update fedora
	[ "$status" -eq 0 ]
	# No pacman here: the line for any system.
	hd install anyos
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/apt-get.argv")" = "install -y both-pkg" ]
	[ "$(cat "$BATS_TEST_TMPDIR/dnf.argv")" = "install -y fedora-pkg
upgrade -y fedora-pkg" ]
	[ "$(cat "$BATS_TEST_TMPDIR/npm.argv")" = "i -g anyos" ]
}

@test "install: none known for this system is said, and nothing runs" {
	[ "$(uname -s)" = Linux ]
	pm brew
	tool macos 'install.macos-brew = brew install macos' \
	    'install.freebsd-pkg = pkg install -y macos'
	tool zyp 'install.linux-zypper = hp-no-zypper-here install zyp'
	hd --json install macos
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":{"code":"not-found","message":"macos: no install command known for this system: only for macos-brew, freebsd-pkg"}}' ]
	[ "$stderr" = "hp-detect: macos: no install command known for this system: only for macos-brew, freebsd-pkg" ]
	hd update macos
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-detect: macos: no update command in the registry" ]
	# A line for this OS whose package manager is not here: none known.
	hd install zyp
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-detect: zyp: no install command known for this system: zypper not found" ]
	[ ! -e "$BATS_TEST_TMPDIR/brew.argv" ]
}

@test "install: a system's line that needs root is refused to others, never run with sudo" {
	# As root (CI is), a user of ours is tried through setpriv.
	[ "$(id -u)" -eq 0 ]
	pm apt-get
	pm npm
	tool kit 'install.linux-apt = apt-get install -y kit' \
	    'install.macos-brew = brew install kit'
	tool anyos 'install = npm i -g anyos'
	chmod -R a+rX "$BATS_TEST_TMPDIR"
	chmod a+w "$BATS_TEST_TMPDIR"
	local d=$BATS_TEST_TMPDIR
	while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
	nobody() {
		run --separate-stderr timeout 20 setpriv --reuid=65534 \
		    --regid=65534 --clear-groups env HOME="$HOME" \
		    hp-detect "$@"
	}
	nobody --json install kit
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | json 'j.error.code')" = permission ]
	[ "$stderr" = "hp-detect: kit: apt-get (linux-apt) must run as root; run it as root, as hp-detect does not use sudo" ]
	[ ! -e "$BATS_TEST_TMPDIR/apt-get.argv" ]
	# What any system runs is run as the caller, root or not.
	nobody install anyos
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/npm.argv")" = "i -g anyos" ]
	# As root, it runs.
	hd install kit
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/apt-get.argv")" = "install -y kit" ]
	# A registry's sudo is refused when it is read.
	tool sudo 'install = sudo apt-get install sudo'
	hd install sudo
	[ "$status" -eq 2 ]
	[ "$stderr" = "hp-detect: warning: $HP_REGISTRY:13: sudo or doas (run hp-detect as root instead): install: entry skipped
hp-detect: sudo: unknown tool" ]
}
