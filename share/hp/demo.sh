#!/bin/sh
# hp: see LICENSE.
# demo.sh: two services under one supervisor; one crashes and comes back.
# Ends by itself after a few seconds, or on Ctrl-C; leaves nothing behind.
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/../../cmd/hp-spawn" ]; then
	PATH="$here/../../cmd:$PATH"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hp-demo.XXXXXX") || exit 1
HP_STATE_DIR=$tmp/state
export HP_STATE_DIR PATH
watcher=

cleanup() {
	trap - EXIT INT TERM
	echo
	echo "== hp-supervise shutdown"
	hp-supervise shutdown
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
	wait
	echo "== hp-ls after shutdown"
	hp-ls
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() {
	printf '\n== %s\n' "$*"
}

say "hp-supervise -b   (state directory $HP_STATE_DIR)"
hp-supervise -b || exit 1

# Every event, as it happens, shortened to one line each.
mkfifo "$tmp/events"
sed -u 's/.*"seq":\([0-9]*\).*"event":"\([^"]*\)"\(,"name":"\([^"]*\)"\)\{0,1\}.*/   event \1 \2 \4/' <"$tmp/events" &
hp-ls -w >"$tmp/events" &
watcher=$!

say "hp-spawn -n clock -- sh -c 'while :; do date +%T; sleep 1; done'"
hp-spawn -n clock -- sh -c 'while :; do date +%T; sleep 1; done'
say "hp-spawn -n flaky --backoff-min 500ms -- sh -c '...; exit 1'"
hp-spawn -n flaky --backoff-min 500ms -- \
    sh -c 'echo "up, pid $$"; sleep 1.5; echo "crashing now" >&2; exit 1'

for round in 1 2 3; do
	sleep 2
	say "hp-ls   (round $round of 3)"
	hp-ls
done

say "hp-ls -l -n 6 flaky   (its log: stdout and stderr told apart)"
hp-ls -l -n 6 flaky
say "hp-supervise restart clock"
hp-supervise restart clock
hp-ls clock
