#!/bin/sh
# hp: see LICENSE.
# demo.sh: the example configuration under one supervisor: a memory
# service and a WebSocket backend; one is killed and comes back. Ends by
# itself after a few seconds, or on Ctrl-C; leaves nothing behind.
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/../../cmd/hp-spawn" ]; then
	PATH="$here/../../cmd:$PATH"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hp-demo.XXXXXX") || exit 1
HP_STATE_DIR=$tmp/state
export HP_STATE_DIR PATH
watcher=
health="http://127.0.0.1:3457/health http://127.0.0.1:8765/health"

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

command -v node >/dev/null 2>&1 || { echo "demo: node is needed" >&2; exit 1; }
say "hp-supervise -b -f example.conf   (state directory $HP_STATE_DIR)"
sed -n 's/^\[\(.*\)\]$/   [\1]/p' "$here/example.conf"
hp-supervise -b -f "$here/example.conf" || exit 1

# Every event, as it happens, shortened to one line each.
mkfifo "$tmp/events"
sed -u 's/.*"seq":\([0-9]*\).*"event":"\([^"]*\)"\(,"name":"\([^"]*\)"\)\{0,1\}.*/   event \1 \2 \4/' <"$tmp/events" &
hp-ls -w >"$tmp/events" &
watcher=$!

say "hp-health --wait 10s   (until both answer)"
hp-health --wait 10s $health || exit 1
say "hp-ls"
hp-ls

pid=$(sed -n 's/^pid = //p' "$HP_STATE_DIR/procs/memory/status")
say "kill -KILL $pid   (the memory service crashes)"
kill -KILL "$pid"
sleep 1
say "hp-health --wait 10s   (it is back)"
hp-health --wait 10s $health || exit 1
say "hp-ls   (a new pid, one restart)"
hp-ls
say "hp-ls -l -n 4 memory   (its log: stdout and stderr told apart)"
hp-ls -l -n 4 memory
say "hp-supervise restart websocket"
hp-supervise restart websocket
hp-health --wait 10s http://127.0.0.1:8765/health
sleep 1
