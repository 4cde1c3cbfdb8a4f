#!/bin/sh
# hp: see LICENSE.
# dist.sh VERSION CC LDFLAGS: make dist. Builds static executables in a
# copy of the tree under dist/build (the normal build is not touched),
# installs them with the pages, completions and the Node.js client into
# dist/hp-VERSION-OS-ARCH/, and packs that into a .tar.gz beside it.
set -eu
cd "$(dirname "$0")"
version=$1
cc=$2
ldflags=$3

os=$(uname -s | tr '[:upper:]' '[:lower:]')
name=hp-$version-$os-$(uname -m)
build=dist/build
stage=dist/$name

rm -rf "$build" "$stage" "dist/$name.tar.gz"
mkdir -p "$build"
cp -R Makefile LICENSE README.md cmd lib man completions share "$build/"
make -s -C "$build" clean
make -s -C "$build" CC="$cc" LDFLAGS="$ldflags" all
make -s -C "$build" CC="$cc" LDFLAGS="$ldflags" install \
    DESTDIR="$(pwd)/$stage" PREFIX= >/dev/null
for c in "$stage"/bin/hp-*; do
	${STRIP:-strip} "$c"
done
cp LICENSE README.md "$stage/"

# The tarball must work where it is unpacked: its commands run, are
# static when asked (an ELF with no interpreter), and the Node.js client
# finds them beside itself.
"$stage/bin/hp-ls" -V >/dev/null
node -e '
const fs = require("fs"), path = require("path");
const [mod, dir, flags] = process.argv.slice(1);
const hp = require(mod);
const want = path.resolve(dir, "bin", "hp-ls");
if (hp.locate("hp-ls") !== want) throw new Error(hp.locate("hp-ls"));
if (!/(^| )-static( |$)/.test(flags)) process.exit(0);
for (const f of fs.readdirSync(path.join(dir, "bin"))) {
	const b = fs.readFileSync(path.join(dir, "bin", f));
	if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) continue;
	const off = Number(b.readBigUInt64LE(0x20));
	for (let i = 0; i < b.readUInt16LE(0x38); i++)
		if (b.readUInt32LE(off + i * b.readUInt16LE(0x36)) === 3)
			throw new Error(f + ": not static");
}
' "$(pwd)/$stage/share/hp/node" "$(pwd)/$stage" "$ldflags"

tar -C dist -cf - "$name" | gzip -9 >"dist/$name.tar.gz"
rm -rf "$build"
echo "dist/$name.tar.gz"
