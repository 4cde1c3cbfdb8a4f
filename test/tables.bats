#!/usr/bin/env bats
# hp: see LICENSE.
# tables.bats: lib/'s tables (the keys of a spec, the control verbs, the
# life of a process) against what is written elsewhere of them: the man
# pages, the completions and the Node client. test/unit/run prints them.

load helpers

UNIT=${HP_TEST_UNIT:-$ROOT/test/unit/run}

# The table's keys that hp.conf(5) takes, or -o takes, sorted.
table_keys() {
	"$UNIT" keys | awk -F '\t' -v col="$1" '$col != "-" { print $1 }' |
	    LC_ALL=C sort
}

sorted() {
	tr ' ' '\n' | grep -v '^$' | LC_ALL=C sort
}

# hp.conf(5) up to its supervisor section: the keys of a process.
proc_part() {
	sed '/^\.Ss The supervisor section/,$d' "$ROOT/man/hp.conf.5"
}

# Its supervisor section.
sup_part() {
	sed -n '/^\.Ss The supervisor section/,/^\.Sh /p' "$ROOT/man/hp.conf.5"
}

@test "keys: hp.conf(5) documents every key hp.conf takes, and no other" {
	run diff <(table_keys 5) <(proc_part |
	    sed -n 's/^\.It Cm \([a-z-]*\) = .*/\1/p' | LC_ALL=C sort)
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "keys: hp.conf(5) says what each value is, as the table does" {
	local name arg rest want
	"$UNIT" keys | while IFS=$'\t' read -r name arg rest; do
		want=$(sed -n "s/^\.It Cm $name = Ar \([A-Za-z]*\).*/\1/p" \
		    "$ROOT/man/hp.conf.5")
		# Choices are listed (Cm yes | no ...), not named.
		[ -z "$want" ] || [ "$want" = "$arg" ] ||
		    { echo "$name: $want, not $arg"; return 1; }
	done
}

@test "keys: hp.conf(5) gives each default the table has" {
	local name arg def rest
	"$UNIT" keys | while IFS=$'\t' read -r name arg def rest; do
		[ "$def" != - ] || continue
		case $name in restart | stop-signal | cols | rows) continue ;; esac
		# The paragraph of the key says "default" and the value.
		awk -v k=".It Cm $name = " -v d="$def" '
		    index($0, k) == 1 { on = 1; next }
		    on && /^\.It / { exit }
		    on { t = t " " $0 }
		    END { exit !(index(t, d) > 0) }' "$ROOT/man/hp.conf.5" ||
		    { echo "$name: no $def in hp.conf(5)"; return 1; }
	done
}

@test "keys: hp-spawn -o takes the table's keys; type, exec, config not" {
	run hp-spawn -o exec=true -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "hp-spawn: -o exec: not a key here" ]
	run hp-spawn -o type=node -- true
	[ "${lines[0]}" = "hp-spawn: -o type: not a key here" ]
	run hp-spawn -o nosuch=1 -- true
	[ "${lines[0]}" = "hp-spawn: unknown key: nosuch" ]
	run hp-spawn -n b -o backoff-reset=2s -w -- true
	[ "$status" -eq 0 ]
	grep -qx 'backoff-reset = 2000ms' "$HP_STATE_DIR/procs/b/spec"
}

@test "keys: bash, zsh and fish complete what -o takes" {
	local want
	want=$(table_keys 6)
	run diff <(echo "$want") <(sed -n '/^_hp_spec_keys="/,/"$/p' \
	    "$ROOT/completions/hp.bash" | tr -d '"\t' |
	    sed 's/^_hp_spec_keys=//' | sorted)
	echo "bash: $output"
	[ "$status" -eq 0 ]
	run diff <(echo "$want") <(sed -n '/^_hp_spec_keys() {/,/^}/p' \
	    "$ROOT/completions/_hp" | sed -n '/keys=(/,/)/p' |
	    tr -d '()\t' | sed 's/keys=//' | sorted)
	echo "zsh: $output"
	[ "$status" -eq 0 ]
	run diff <(echo "$want") <(sed -n '/^function __hp_spec_keys/,/^end/p' \
	    "$ROOT/completions/hp.fish" | sed '1d;$d' |
	    sed "s/printf '%s=\\\\n'//; s/\\\\$//" | sorted)
	echo "fish: $output"
	[ "$status" -eq 0 ]
}

@test "keys: the Node client's spawn() options name hp-spawn's, durations as such" {
	run node -e '
const path = require("path");
const src = require("fs").readFileSync(path.join(process.argv[1],
    "share/hp/node/manager.js"), "utf8");
const value = src.slice(src.indexOf("const VALUE = {"),
    src.indexOf("};", src.indexOf("const VALUE = {")));
const keys = {};
for (const l of process.argv[2].trim().split("\n")) {
	const f = l.split("\t");
	keys[f[0]] = f[1];
}
const man = require("fs").readFileSync(path.join(process.argv[1],
    "man/hp-spawn.1"), "utf8");
let n = 0;
for (const m of value.matchAll(/(\w+): \[\x27(-[-\w]+)\x27(, dur)?\]/g)) {
	const [, js, flag, dur] = m;
	n++;
	if (!man.includes(".It Fl " + flag.slice(1)))
		throw new Error(js + ": " + flag + " is no option of hp-spawn");
	const key = flag.replace(/^--/, "");
	if (keys[key] !== undefined && (keys[key] === "duration") !== !!dur)
		throw new Error(js + ": " + key + " is a " + keys[key]);
	if (flag.startsWith("--") && keys[key] === undefined &&
	    flag !== "--wait-ready")
		throw new Error(js + ": " + key + " is no key");
}
if (n < 10)
	throw new Error("only " + n + " options read");
console.log(n);
' "$ROOT" "$("$UNIT" keys)"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "superkeys: hp.conf(5)'s supervisor section has the table's keys, values and defaults" {
	local name arg def help
	run diff <("$UNIT" superkeys | cut -f1 | LC_ALL=C sort) <(sup_part |
	    sed -n 's/^\.It Cm \([a-z-]*\) = .*/\1/p' | LC_ALL=C sort)
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$("$UNIT" superkeys | wc -l)" -ge 2 ]
	"$UNIT" superkeys | while IFS=$'\t' read -r name arg def help; do
		sup_part | grep -qx "\.It Cm $name = Ar $arg" ||
		    { echo "$name: not as $arg"; return 1; }
		[ "$def" = - ] || sup_part | awk -v k=".It Cm $name = " \
		    -v d="$def" '
		    index($0, k) == 1 { on = 1; next }
		    on && /^\.It Cm [a-z-]* = / { exit }
		    on { t = t " " $0 }
		    END { exit !(index(t, "default is") > 0 && index(t, d) > 0) }' ||
		    { echo "$name: no default $def"; return 1; }
	done
}

@test "verbs: hp(7) lists the supervisor's control verbs, as the table has them" {
	run diff <("$UNIT" verbs | cut -f1) <(sed -n \
	    '/^The verbs, one table in the supervisor/,/^\.Ed/p' \
	    "$ROOT/man/hp.7" | grep '^ID ')
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "life: hp(7)'s STATES shows the supervisor's table, row by row" {
	run diff <("$UNIT" life | grep -v '^timer ') <(awk '
	    /^\.Ss Transitions/ { on = 1 }
	    on && /^\.It .* \+ .* \\\(-> / {
		sub(/^\.It /, ""); split($0, a, / \+ | \\\(-> /)
		n = a[3] == "\\(em" ? "-" : a[3]
		getline what
		printf "%s\t%s\t%s\t%s\n", a[1], a[2], n, what
	    }
	    on && /^After a stop/ { exit }' "$ROOT/man/hp.7")
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$("$UNIT" life | grep -vc '^timer ')" -gt 30 ]
}

@test "life: hp(7) names each timer and the event it is" {
	run diff <("$UNIT" life | grep '^timer ' | sort) <(awk '
	    /^Each timer has one purpose/ { on = 1 }
	    on && /^\.It Cm / { t = $3 }
	    on && /^\.Pq Cm / { print "timer " t " " $3 }
	    on && /^\.El/ { exit }' "$ROOT/man/hp.7" | sort)
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "life: no state is set outside life.c" {
	run grep -n -E -- '->state = |\.state = ' "$ROOT"/lib/super/*.c
	echo "$output"
	[ "$(echo "$output" | grep -v '^[^:]*/life\.c:')" = "" ]
	[ "$(echo "$output" | grep -c 'life\.c:')" -eq 1 ]
}
