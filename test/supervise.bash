# hp: see LICENSE.
# supervise.bash: what the suites of the supervisor share (load after
# helpers): a foreground supervisor, its records and its events.

# A supervisor that answers is shut down first, by its verb; then
# hp_teardown ends what the test started and fails if anything is left.
sv_teardown() {
	if [ -d "$HP_STATE_DIR" ] && supervised; then
		hp-supervise -t 15s shutdown >/dev/null 2>&1 || true
	fi
	hp_teardown
}

teardown() {
	sv_teardown
}

# fg [OPTION...]: a foreground supervisor with --json; its pid in FG,
# its stdout in fg.out and stderr in fg.err; returns once it answers.
fg() {
	hp-supervise --json "$@" >"$BATS_TEST_TMPDIR/fg.out" \
	    2>"$BATS_TEST_TMPDIR/fg.err" 3>&- &
	FG=$!
	track "$FG"
	wait_until 5 supervised
}

supervised() {
	hp-supervise status >/dev/null 2>&1
}

unsupervised() {
	! supervised
}

# st NAME KEY: a value from procs/NAME/status.
st() {
	sed -n "s/^$2 = //p" "$HP_STATE_DIR/procs/$1/status" 2>/dev/null
}

# st_is NAME KEY VALUE: for wait_until.
st_is() {
	[ "$(st "$1" "$2")" = "$3" ]
}

# running_not NAME PID: NAME runs again, under another pid than PID.
running_not() {
	st_is "$1" state running && [ "$(st "$1" pid)" != "$2" ] &&
	    [ "$(st "$1" pid)" != 0 ]
}

# alive PID: the process is there and not a zombie. (A bare "! gone" would
# not fail a test: set -e ignores negated commands.)
alive() {
	! gone "$1"
}

exists() {
	[ -e "$1" ]
}

# fds PID: how many descriptors PID has open.
fds() {
	ls "/proc/$1/fd" | wc -l
}

# zombies PID: children of PID that are zombies.
zombies() {
	local n=0 f
	for f in /proc/[0-9]*/stat; do
		case $(cat "$f" 2>/dev/null) in
		*") Z $1 "*) n=$((n + 1)) ;;
		esac
	done
	echo "$n"
}

# has FILE TEXT: FILE contains the line TEXT.
has() {
	grep -qxF "$2" "$1" 2>/dev/null
}

# evcount NAME EVENT: how many EVENTs of NAME events.log holds, with
# its rotations (a slow run, as under valgrind, fills it).
evcount() {
	cat "$HP_STATE_DIR"/events.log.[1-9] "$HP_STATE_DIR/events.log" \
	    2>/dev/null | grep -cF "\"event\":\"$2\",\"name\":\"$1\""
}

evcount_ge() {
	[ "$(evcount "$1" "$2")" -ge "$3" ]
}

# events FILE [NAME]: check that every line of FILE is an event (JSON,
# seq strictly increasing, ts RFC 3339 UTC with ms); print the event
# names, of NAME's events only when NAME is given, one a line.
events() {
	node -e '
const fs = require("fs");
const [file, name] = process.argv.slice(1);
const ts = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
let seq = 0, out = [];
const lines = fs.readFileSync(file, "utf8").split("\n");
if (lines.pop() !== "") throw new Error("no newline at the end");
for (const l of lines) {
	const e = JSON.parse(l);
	if (!(e.seq > seq)) throw new Error("seq not increasing: " + l);
	if (!ts.test(e.ts)) throw new Error("bad ts: " + l);
	if (typeof e.event !== "string") throw new Error("no event: " + l);
	seq = e.seq;
	if (!name || e.name === name) out.push(e.event);
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
' "$1" "${2:-}"
}

# evfield NAME EVENT FIELD: FIELD of each of NAME's EVENTs, one a line.
evfield() {
	node -e '
const fs = require("fs");
const [file, name, ev, f] = process.argv.slice(1);
for (const l of fs.readFileSync(file, "utf8").split("\n")) {
	if (!l) continue;
	const e = JSON.parse(l);
	if (e.name === name && e.event === ev) console.log(e[f]);
}' "$HP_STATE_DIR/events.log" "$1" "$2" "$3"
}

# spawn ARG...: hp-spawn, which must succeed; the pid in PID.
spawn() {
	local out
	out=$(hp-spawn "$@") || return 1
	PID=${out##* }
}

# freeport: a loopback port nothing listens on, in PORT: one the system
# gave a server that was then ended.
freeport() {
	local out="$BATS_TEST_TMPDIR/free.$RANDOM" pid
	"$ROOT/test/httpd" -d 3600000 >"$out" 3>&- &
	pid=$!
	wait_until 5 test -s "$out"
	PORT=$(cat "$out")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}
