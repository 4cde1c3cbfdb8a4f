#!/usr/bin/env bats
# hp: see LICENSE.
# install.bats: make install into a temporary root, then use what it put there.

load helpers

setup() {
	DEST="$BATS_TEST_TMPDIR/root"
	make -s -C "$ROOT" install DESTDIR="$DEST" PREFIX=/opt/hp >/dev/null
}

@test "make install honours DESTDIR and PREFIX" {
	for c in hp-spawn hp-supervise hp-ls hp-health hp-detect hp-pty; do
		[ -x "$DEST/opt/hp/bin/$c" ]
		run "$DEST/opt/hp/bin/$c" -V
		[ "$status" -eq 0 ]
		[ "$output" = "$c 0.1.0" ]
	done
	[ -f "$DEST/opt/hp/share/hp/demo.sh" ]
	[ ! -e "$DEST/usr" ]
}

@test "the installed commands run a process and list it" {
	run "$DEST/opt/hp/bin/hp-spawn" -n inst -- sleep 100
	[ "$status" -eq 0 ]
	[[ "$output" == "inst "* ]]
	run "$DEST/opt/hp/bin/hp-ls" inst
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "inst "*" running "* ]]
}

@test "the installed man pages are found with man -M" {
	for p in hp-spawn hp-supervise hp-ls hp-health hp-detect hp-pty; do
		run man -M "$DEST/opt/hp/share/man" -w "$p"
		[ "$status" -eq 0 ]
		[ "$output" = "$DEST/opt/hp/share/man/man1/$p.1" ]
	done
	run man -M "$DEST/opt/hp/share/man" -w 7 hp
	[ "$output" = "$DEST/opt/hp/share/man/man7/hp.7" ]
	run man -M "$DEST/opt/hp/share/man" -w 5 hp.conf
	[ "$status" -eq 0 ]
	[ "$output" = "$DEST/opt/hp/share/man/man5/hp.conf.5" ]
}

@test "the installed completions load in bash, zsh and fish" {
	run bash -c "source '$DEST/opt/hp/share/bash-completion/completions/hp-ls' && complete -p hp-ls"
	[ "$status" -eq 0 ]
	[[ "$output" == *hp-ls* ]]
	run zsh -f -c "fpath=('$DEST/opt/hp/share/zsh/site-functions' \$fpath); autoload -Uz compinit; compinit -u -D; print \${_comps[hp-spawn]}"
	[ "$status" -eq 0 ]
	[ "$output" = _hp ]
	run fish -c "source '$DEST/opt/hp/share/fish/vendor_conf.d/hp.fish'; complete -C 'hp-supervise st'"
	[ "$status" -eq 0 ]
	[[ "$output" == *start* ]]
	[[ "$output" == *stop* ]]
}

@test "the installed Node.js client runs the installed commands" {
	[ -f "$DEST/opt/hp/share/hp/node/index.d.ts" ]
	run node -e '
const hp = require(process.argv[1]);
(async () => {
	const pm = new hp.ProcessManager();
	const r = await pm.spawn({ name: "viajs", command: "sleep",
		args: ["100"] });
	const list = await pm.list();
	console.log(hp.locate("hp-spawn"));
	console.log(r.name, r.state, list.map((p) => p.name).join(","));
	await pm.stop("viajs");
})().catch((e) => { console.error(e.message); process.exit(1); });
' "$DEST/opt/hp/share/hp/node"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$DEST/opt/hp/bin/hp-spawn" ]
	[ "${lines[1]}" = "viajs running viajs" ]
}

@test "the installed Node.js client loads by its package name, both ways" {
	mkdir -p "$BATS_TEST_TMPDIR/app/node_modules"
	ln -s "$DEST/opt/hp/share/hp/node" \
	    "$BATS_TEST_TMPDIR/app/node_modules/hp-client"
	cd "$BATS_TEST_TMPDIR/app"
	run node -e 'console.log(typeof require("hp-client").ProcessManager)'
	[ "$status" -eq 0 ]
	[ "$output" = function ]
	run node --input-type=module -e '
import hp, { ProcessManager, terminal } from "hp-client";
console.log(hp.ProcessManager === ProcessManager, typeof terminal);'
	[ "$status" -eq 0 ]
	[ "$output" = "true function" ]
}

@test "make uninstall removes what install put there" {
	make -s -C "$ROOT" uninstall DESTDIR="$DEST" PREFIX=/opt/hp >/dev/null
	[ -z "$(find "$DEST" -type f)" ]
}
