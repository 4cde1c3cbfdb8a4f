#!/usr/bin/env bats
# hp: see LICENSE.
# audit.bats: who started what, where and as whom (process:started), the
# requests refused, and the audit file: kept whole, never rotated by hp,
# opened again on SIGHUP.

bats_require_minimum_version 1.5.0
load helpers
load supervise

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	AUDIT="$BATS_TEST_TMPDIR/audit.log"
}

teardown() {
	local status=0
	if [ -d "$HP_STATE_DIR" ] && supervised; then
		hp-supervise -t 15s shutdown >/dev/null 2>&1 || true
	fi
	hp_teardown || status=1
	if [ -d "$BATS_TEST_TMPDIR/disk" ]; then
		umount "$BATS_TEST_TMPDIR/disk" || status=1
	fi
	return $status
}

# events [FILE]: the JSON lines of FILE (events.log), one a line, each
# checked to be JSON; with a filter in node: events FILE 'e.event === ...'.
events() {
	node -e '
const fs = require("fs");
const [file, filter] = process.argv.slice(1);
for (const l of fs.readFileSync(file, "utf8").split("\n")) {
	if (!l) continue;
	const e = JSON.parse(l);
	if (!filter || eval(filter)) console.log(JSON.stringify(e));
}' "${1:-$HP_STATE_DIR/events.log}" "${2:-}"
}

# started NAME [FILE]: its process:started events, one a line.
started() {
	events "${2:-$HP_STATE_DIR/events.log}" \
	    "e.event === \"process:started\" && e.name === \"$1\""
}

# has FILE TEXT: FILE has a line with TEXT (for wait_until).
has() {
	grep -q -F -- "$2" "$1" 2>/dev/null
}

@test "process:started of a spawn: argv, cwd, user, and the requester as hp-spawn said" {
	mkdir work
	hp-spawn -n a -C "$BATS_TEST_TMPDIR/work" -- sh -c 'exec sleep 1000' \
	    sh "two words" >/dev/null &
	local asker=$!
	wait "$asker"
	run started a
	[ "${#lines[@]}" -eq 1 ]
	e=${lines[0]}
	[ "$(json 'j.by' <<<"$e")" = request ]
	[ "$(json 'j.requester.uid' <<<"$e")" = "$(id -u)" ]
	[ "$(json 'j.requester.pid' <<<"$e")" = "$asker" ]
	[ "$(json 'j.uid' <<<"$e")" = "$(id -u)" ]
	[ "$(json 'j.user' <<<"$e")" = "$(id -un)" ]
	[ "$(json 'j.cwd' <<<"$e")" = "$BATS_TEST_TMPDIR/work" ]
	[ "$(json 'j.argc' <<<"$e")" = 5 ]
	[ "$(json 'j.argv' <<<"$e")" = '["sh","-c","exec sleep 1000","sh","two words"]' ]
	[ "$(json 'j.argv_cut === undefined' <<<"$e")" = true ]
	[ "$(json 'j.pid' <<<"$e")" = "$(st a pid)" ]
}

@test "a restart the supervisor makes says so, and names no requester; the restart verb is a request" {
	hp-spawn -n a -- sh -c 'exec sleep 1000' >/dev/null
	local pid
	pid=$(st a pid)
	kill -KILL "$pid"
	wait_until 10 running_not a "$pid"
	run started a
	[ "${#lines[@]}" -eq 2 ]
	[ "$(json 'j.by' <<<"${lines[1]}")" = restart ]
	[ "$(json 'j.requester === undefined' <<<"${lines[1]}")" = true ]
	[ "$(json 'j.argv' <<<"${lines[1]}")" = '["sh","-c","exec sleep 1000"]' ]
	[ "$(json 'j.pid' <<<"${lines[1]}")" = "$(st a pid)" ]
	hp-supervise restart a >/dev/null
	run started a
	[ "${#lines[@]}" -eq 3 ]
	[ "$(json 'j.by' <<<"${lines[2]}")" = request ]
	[ "$(json 'j.requester.uid' <<<"${lines[2]}")" = "$(id -u)" ]
}

@test "the requester is what the line says: self-reported, not checked" {
	hp-supervise -b
	printf '@3 0 - 4242 777 start nosuch\n' >"$HP_STATE_DIR/control"
	wait_until 5 has "$HP_STATE_DIR/events.log" request:refused
	run events "$HP_STATE_DIR/events.log" 'e.event === "request:refused"'
	[ "${#lines[@]}" -eq 1 ]
	[ "$(json '[j.verb, j.name, j.code, j.requester.uid, j.requester.pid]' \
	    <<<"${lines[0]}")" = '["start","nosuch","not-found",4242,777]' ]
}

@test "a 1 MB argv is cut with its mark: the line stays one valid JSON line within its limit" {
	local big i args=()
	big=$(head -c 100000 /dev/zero | tr '\0' x)
	for i in 1 2 3 4 5 6 7 8 9 10; do
		args+=("$big")
	done
	hp-spawn -n big -- sh -c 'exec sleep 1000' sh "${args[@]}" >/dev/null
	run started big
	[ "${#lines[@]}" -eq 1 ]
	e=${lines[0]}
	# Under HP_LINE_MAX (4000) with its newline, as written.
	[ "$(grep -F '"process:started"' "$HP_STATE_DIR/events.log" |
	    wc -c)" -le 4000 ]
	[ "$(json 'j.argc' <<<"$e")" = 14 ]
	[ "$(json 'j.argv.slice(0, 4)' <<<"$e")" = '["sh","-c","exec sleep 1000","sh"]' ]
	# The mark ends the last argument shown; shown and cut make the whole.
	[ "$(json 'j.argv[j.argv.length - 1].endsWith("\u2026")' <<<"$e")" = true ]
	[ "$(json 'j.argv.slice(4).reduce((n, a) => n + a.length, 0) - 1 +
	    j.argv_cut' <<<"$e")" = 1000000 ]
}

@test "the audit file keeps every event after events.log has rotated them away" {
	hp-supervise -b --audit "$AUDIT"
	local i name pad
	pad=$(printf '%050d' 0)
	# Refusals, each an event: about 5 MB, past events.log's 4 x 1 MiB.
	(
		exec 3>"$HP_STATE_DIR/control"
		for i in $(seq 1 24000); do
			printf -- '- start n%s%s\n' "$i" "$pad" >&3
		done
	)
	wait_until 60 has "$AUDIT" "n24000$pad"
	[ -s "$HP_STATE_DIR/events.log.3" ]
	# events.log lost its first lines; the audit file has every one.
	run events "$HP_STATE_DIR/events.log.3" 'e.seq === 1'
	[ -z "$output" ]
	node -e '
const fs = require("fs");
const text = fs.readFileSync(process.argv[1], "utf8");
if (!text.endsWith("\n")) throw new Error("a line cut short");
let seq = 0, refused = 0;
for (const l of text.split("\n")) {
	if (!l) continue;
	const e = JSON.parse(l);
	if (e.seq !== seq + 1) throw new Error("gap after " + seq);
	seq = e.seq;
	if (e.event === "request:refused" && e.code === "not-found") refused++;
}
if (refused !== 24000) throw new Error(refused + " refusals");
const first = JSON.parse(text.slice(0, text.indexOf("\n")));
if (first.event !== "supervisor:started") throw new Error(first.event);
' "$AUDIT"
	# Appended to, never rotated by hp.
	[ ! -e "$AUDIT.1" ]
}

@test "a refused request is in the audit file with its code: a bad name, shutting-down" {
	hp-supervise -b --audit "$AUDIT"
	run hp-supervise stop nosuch
	[ "$status" -eq 1 ]
	printf '@3 0 - %s %s stop bad/name\n' "$(id -u)" $$ \
	    >"$HP_STATE_DIR/control"
	wait_until 5 has "$AUDIT" '"bad name"'
	run events "$AUDIT" 'e.event === "request:refused"'
	[ "${#lines[@]}" -eq 2 ]
	[ "$(json '[j.verb, j.name, j.code, j.requester.uid]' <<<"${lines[0]}")" = \
	    "[\"stop\",\"nosuch\",\"not-found\",$(id -u)]" ]
	[ "$(json '[j.verb, j.code, j.message, j.requester.pid]' <<<"${lines[1]}")" = \
	    "[\"stop\",\"usage\",\"bad name\",$$]" ]
	# Shutting down: what comes meanwhile is refused, and kept.
	hp-spawn -n slow -r no --stop-timeout 20s -- sh -c \
	    'trap "" TERM; touch slow.trapped; while :; do sleep 0.05; done' \
	    >/dev/null
	# Its trap is set before its stop signal can come.
	wait_until 5 exists slow.trapped
	hp-supervise shutdown >/dev/null &
	local down=$!
	wait_until 10 st_is slow state stopping
	printf '@3 0 - %s %s start slow\n' "$(id -u)" $$ \
	    >"$HP_STATE_DIR/control"
	wait_until 10 has "$AUDIT" shutting-down
	kill -KILL "$(st slow pid)"
	wait "$down"
	run events "$AUDIT" 'e.code === "shutting-down"'
	[ "${#lines[@]}" -eq 1 ]
	[ "$(json '[j.verb, j.name]' <<<"$output")" = '["start","slow"]' ]
	run events "$AUDIT" 'e.event === "supervisor:shutdown"'
	[ "${#lines[@]}" -eq 1 ]
}

@test "SIGHUP opens the audit file again (hp.conf's audit): the old one whole, the new one has the next lines, and the configuration is read again" {
	cat >hp.conf <<END
[supervisor]
audit = $AUDIT

[service a]
exec = sleep 1000
END
	hp-supervise -b -f hp.conf
	wait_until 5 has "$AUDIT" '"process:started","name":"a"'
	mv "$AUDIT" "$AUDIT.1"
	cat >>hp.conf <<END

[service b]
exec = sleep 1001
END
	kill -HUP "$(supervisor_pid)"
	wait_until 10 has "$AUDIT" '"process:started","name":"b"'
	run events "$AUDIT.1"
	[ "${#lines[@]}" -ge 2 ]
	[ "$(tail -c 1 "$AUDIT.1" | od -An -c | tr -d ' ')" = '\n' ]
	! has "$AUDIT.1" '"name":"b"'
	run events "$AUDIT" 'e.event === "process:started"'
	[ "${#lines[@]}" -eq 1 ]
	[ "$(json '[j.name, j.by]' <<<"$output")" = '["b","config"]' ]
	# The seqs go on from one file to the next.
	last=$(tail -n 1 "$AUDIT.1" | json 'j.seq')
	first=$(head -n 1 "$AUDIT" | json 'j.seq')
	[ "$first" -eq $((last + 1)) ]
}

@test "--audit wins over hp.conf's audit; a file that cannot be opened refuses the start" {
	cat >hp.conf <<END
[supervisor]
audit = $BATS_TEST_TMPDIR/conf.log
END
	hp-supervise -b -f hp.conf --audit "$AUDIT"
	wait_until 5 has "$AUDIT" supervisor:started
	[ ! -e "$BATS_TEST_TMPDIR/conf.log" ]
	hp-supervise shutdown >/dev/null
	run --separate-stderr hp-supervise --json --audit "$BATS_TEST_TMPDIR/no/such/file"
	[ "$status" -eq 1 ]
	[ "$stderr" = "hp-supervise: audit: $BATS_TEST_TMPDIR/no/such/file: No such file or directory" ]
	[ "$(json 'j.error.code' <<<"$output")" = audit ]
	run --separate-stderr hp-supervise --audit "$AUDIT" stop a
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "hp-supervise: stop takes none of -b, -f, --init, --parent, --exit-with-stdin, --audit" ]
	run --separate-stderr hp-supervise --audit ""
	[ "$status" -eq 2 ]
	cat >bad.conf <<END
[supervisor]
audit = relative.log
END
	run --separate-stderr hp-supervise -f bad.conf
	[ "$status" -eq 2 ]
	[[ $stderr == *"audit: an absolute path: relative.log"* ]]
}

@test "a write the audit file refuses is counted, and the gap said once it takes lines again" {
	local disk="$BATS_TEST_TMPDIR/disk"
	mkdir -p "$disk"
	mount -t tmpfs -o size=64k,mode=0700 tmpfs "$disk" ||
	    fail "mount a tmpfs (as root, as CI runs): cannot"
	AUDIT="$disk/audit.log"
	hp-supervise -b --audit "$AUDIT"
	dd if=/dev/zero of="$disk/fill" bs=4k >/dev/null 2>&1 || true
	# More than the page the file has: refusals, each a line.
	(
		exec 3>"$HP_STATE_DIR/control"
		for i in $(seq 1 40); do
			printf -- '- start nosuch%s\n' "$i" >&3
		done
	)
	wait_until 5 has "$HP_STATE_DIR/events.log" nosuch40
	rm -f "$disk/fill"
	hp-spawn -n a -- sleep 1000 >/dev/null
	wait_until 5 has "$AUDIT" audit:lost
	run events "$AUDIT" 'e.event === "audit:lost"'
	[ "${#lines[@]}" -eq 1 ]
	[ "$(json 'j.count >= 1 && j.last - j.first + 1 === j.count' \
	    <<<"$output")" = true ]
	# Whole lines only; every seq there but those it says were lost.
	node -e '
const fs = require("fs");
const text = fs.readFileSync(process.argv[1], "utf8");
if (!text.endsWith("\n")) throw new Error("a line cut short");
const all = text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
const gap = all.find((e) => e.event === "audit:lost");
const seqs = new Set(all.map((e) => e.seq));
for (let s = 1; s <= Math.max(...seqs); s++)
	if (seqs.has(s) === (s >= gap.first && s <= gap.last))
		throw new Error("seq " + s);
' "$AUDIT"
}
