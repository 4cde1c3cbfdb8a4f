# hp: see LICENSE.
# held.bash: a service on a held socket under test/loadgen, for
# listen.bats and instances.bats.

SOCKD=$ROOT/test/sockd
LOADGEN=$ROOT/test/loadgen

# port NAME: the port of NAME's held socket, from its status.
port() {
	sed -n 's/^listen = tcp:\/\/127\.0\.0\.1://p' \
	    "$HP_STATE_DIR/procs/$1/status" | head -n 1
}

# load PORT [CONNS]: a load generator in the background, CONNS at once (4),
# until stop() (60 s at most); returns once it has had its first answer.
load() {
	rm -f stop ready
	"$LOADGEN" -c "${2:-4}" -t 60 -s stop -r ready 127.0.0.1 "$1" \
	    >load.out &
	LOAD=$!
	track "$LOAD"
	wait_until 10 exists ready
}

# stop: the load generator ends; its line in LINE.
stop() {
	touch stop
	wait "$LOAD" || true
	LINE=$(cat load.out)
	echo "load: $LINE"
}

# count WORD: the count of WORD= in LINE.
count() {
	local v=${LINE#*"$1"=}
	echo "${v%% *}"
}
