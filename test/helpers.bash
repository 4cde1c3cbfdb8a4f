# hp: see LICENSE.
# helpers.bash: every test gets its own state directory, a fixed PATH,
# and a teardown that ends every process it started, or fails.

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# HP_TEST_BIN: the commands from elsewhere (make memcheck's wrappers);
# HP_TEST_SLOW: how much slower they are.
HPBIN=${HP_TEST_BIN:-$ROOT/cmd}
SLOW=${HP_TEST_SLOW:-1}
# The version the sources say, as hp-supervise status shows it.
HPVER=$(sed -n 's/^#define HP_VERSION "\(.*\)"$/\1/p' "$ROOT/lib/hp.h")
export PATH="$HPBIN:/usr/local/bin:/usr/bin:/bin"
export HP_STATE_DIR="$BATS_TEST_TMPDIR/state"
export LC_ALL=C
unset XDG_RUNTIME_DIR NO_COLOR HP_TOOLS
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=99"

TRACKED=""

# fail MESSAGE: the test fails, saying why.
fail() {
	echo "$*" >&2
	return 1
}

# track PID...: a process the test started itself, ended in teardown.
track() {
	TRACKED="$TRACKED $*"
}

# wait_until SECONDS COMMAND...: poll COMMAND every 10 ms until it
# succeeds; fail when SECONDS (times SLOW) of wall time pass first.
wait_until() {
	local limit=$1 end
	shift
	end=$(( $(date +%s%N) / 1000000 + limit * 1000 * SLOW ))
	while ! "$@"; do
		if [ $(( $(date +%s%N) / 1000000 )) -ge "$end" ]; then
			echo "wait_until: timed out after ${limit}s: $*" >&2
			return 1
		fi
		sleep 0.01
	done
}

# gone PID: no such process, or a zombie with no thread left (one whose
# first thread has ended while another runs is shown Z, and is there).
# Here, not in supervise.bash: leftovers() needs it, and a suite may name
# a function of its own "ended".
gone() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	case $s in
	"") return 0 ;;
	*") Z "*)
		set -- ${s##*) }
		[ "${18:-1}" -le 1 ] ;;
	*) return 1 ;;
	esac
}

# Processes that carry this test's state directory in their environment:
# everything hp-spawn started for the test, and the supervisors. Zombies
# are gone already: only their parent can reap them.
leftovers() {
	local dir=$1 f pid
	for f in $(grep -l -s -z -F -x "HP_STATE_DIR=$dir" \
	    /proc/[0-9]*/environ 2>/dev/null); do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
		gone "$pid" && continue
		echo "$pid"
	done
}

supervisor_pid() {
	local pid
	[ -f "$HP_STATE_DIR/lock" ] || return 1
	pid=$(cut -d' ' -f1 "$HP_STATE_DIR/lock" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

no_leftovers() {
	[ -z "$(leftovers "$HP_STATE_DIR")" ]
}

hp_teardown() {
	local left p status=0
	if [ -d "$HP_STATE_DIR" ] && supervisor_pid >/dev/null; then
		hp-supervise -t 15s shutdown >/dev/null 2>&1 || true
	fi
	for p in $TRACKED; do
		kill -TERM "$p" 2>/dev/null || true
	done
	wait_until 5 no_leftovers 2>/dev/null || true
	left=$(leftovers "$HP_STATE_DIR")
	if [ -n "$left" ]; then
		echo "teardown: processes left behind: $left" >&2
		ps -o pid,ppid,pgid,stat,args -p "$(echo $left | tr ' ' ,)" >&2 || true
		for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
		status=1
	fi
	for p in $TRACKED; do
		kill -KILL "$p" 2>/dev/null || true
	done
	if grep -lE 'runtime error|AddressSanitizer|LeakSanitizer' \
	    "$HP_STATE_DIR/supervise.log" 2>/dev/null; then
		cat "$HP_STATE_DIR/supervise.log" >&2
		status=1
	fi
	return $status
}

teardown() {
	hp_teardown
}

# A process's state, as hp-ls --json tells it.
state_of() {
	hp-ls --json "$1" 2>/dev/null | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
	const a = JSON.parse(s); process.stdout.write(a[0] ? a[0].state : "");
});'
}

# state_is NAME STATE: for wait_until.
state_is() {
	[ "$(state_of "$1")" = "$2" ]
}

# json EXPR: evaluate EXPR on the JSON read from stdin (as "j").
json() {
	node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
	const j = JSON.parse(s); const v = eval(process.argv[1]);
	process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));
});' "$1"
}

# has_env PID NAME=VALUE: the environment of PID holds exactly that.
has_env() {
	local e envs
	mapfile -d '' envs <"/proc/$1/environ"
	for e in "${envs[@]}"; do
		[ "$e" = "$2" ] && return 0
	done
	return 1
}
