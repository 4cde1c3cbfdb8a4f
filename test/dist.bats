#!/usr/bin/env bats
# hp: see LICENSE.
# dist.bats: make dist, then use the tarball where it is unpacked, as an
# Electron application ships it.

load helpers

setup() {
	command -v musl-gcc >/dev/null || skip "no musl-gcc"
	OUT="$BATS_TEST_TMPDIR/out"
	NAME="hp-0.1.0-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)"
}

@test "make dist builds a tarball per platform, away from the build tree" {
	before=$(cd "$ROOT" && ls -l cmd/hp-ls)
	run make -s -C "$ROOT" dist DISTDIR="$OUT"
	[ "$status" -eq 0 ]
	[ "$output" = "$OUT/$NAME.tar.gz" ]
	[ "$(cd "$ROOT" && ls -l cmd/hp-ls)" = "$before" ]
	[ ! -e "$OUT/build" ]
	run tar -tzf "$OUT/$NAME.tar.gz"
	[ "$status" -eq 0 ]
	for f in bin/hp-spawn bin/hp-supervise bin/hp-ls bin/hp-health \
	    bin/hp-detect share/hp/tools.conf share/hp/node/package.json \
	    share/hp/node/index.js share/hp/node/index.mjs \
	    share/hp/node/index.d.ts share/man/man7/hp.7 \
	    share/man/man1/hp-spawn.1 share/zsh/site-functions/_hp \
	    share/fish/vendor_conf.d/hp.fish \
	    share/bash-completion/completions/hp-ls LICENSE README.md; do
		[[ "$output" == *"$NAME/$f"* ]] || { echo "no $f"; false; }
	done
}

@test "the unpacked tarball runs: static commands, found by the client" {
	make -s -C "$ROOT" dist DISTDIR="$OUT" >/dev/null
	mkdir "$BATS_TEST_TMPDIR/app"
	tar -C "$BATS_TEST_TMPDIR/app" -xzf "$OUT/$NAME.tar.gz"
	top="$BATS_TEST_TMPDIR/app/$NAME"
	run "$top/bin/hp-spawn" -V
	[ "$output" = "hp-spawn 0.1.0" ]
	# No interpreter: nothing to find on the machine it lands on.
	run node "$ROOT/test/static.js" "$top/bin"
	[ "$status" -eq 0 ]
	run node "$ROOT/test/static.js" "$ROOT/cmd"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/cmd/hp-ls: not static"* ]]
	run node -e '
const hp = require(process.argv[1]);
(async () => {
	const pm = new hp.ProcessManager();
	await pm.start();
	const r = await pm.spawn({ name: "shipped", command: "sleep",
		args: ["100"] });
	console.log(hp.locate("hp-supervise"));
	console.log(r.name, r.state);
	await pm.shutdown();
})().catch((e) => { console.error(e.message); process.exit(1); });
' "$top/share/hp/node"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$top/bin/hp-supervise" ]
	[ "${lines[1]}" = "shipped running" ]
}
