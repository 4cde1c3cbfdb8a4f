#!/bin/sh
# hp: see LICENSE.
# dist.sh VERSION CC LDFLAGS DIR [CFLAGS]: make dist. Builds static executables
# in a copy of the tree under DIR/build (the normal build is not touched),
# installs them with the pages, completions and the Node.js client into
# DIR/hp-VERSION-OS-ARCH/, and packs that into a .tar.gz beside it.
set -eu
cd "$(dirname "$0")/../.."
version=$1
cc=$2
ldflags=$3
cflags=${5:--O2}
mkdir -p "$4"
out=$(cd "$4" && pwd)

os=$(uname -s | tr '[:upper:]' '[:lower:]')
name=hp-$version-$os-$(uname -m)
build=$out/build
stage=$out/$name

rm -rf "$build" "$stage" "$out/$name.tar.gz"
mkdir -p "$build"
cp -R Makefile LICENSE README.md cmd lib man completions share "$build/"
# Static and plain, whatever the caller's make was given (SANITIZE=1 of
# make check reaches us through MAKEFLAGS).
make -s -C "$build" clean
make -s -C "$build" CC="$cc" CFLAGS="$cflags" LDFLAGS="$ldflags" \
    SANITIZE=0 all
make -s -C "$build" CC="$cc" CFLAGS="$cflags" LDFLAGS="$ldflags" \
    SANITIZE=0 install \
    DESTDIR="$stage" PREFIX= >/dev/null
for c in "$stage"/bin/hp-*; do
	${STRIP:-strip} "$c"
done
cp LICENSE README.md "$stage/"

# The tarball must work where it is unpacked: its commands run, are
# static when asked (an ELF with no interpreter), and the Node.js client
# finds them beside itself.
"$stage/bin/hp-ls" -V >/dev/null
node -e '
const hp = require(process.argv[1]);
const want = require("path").resolve(process.argv[2], "bin", "hp-ls");
if (hp.locate("hp-ls") !== want) throw new Error(hp.locate("hp-ls"));
' "$stage/share/hp/node" "$stage"
case " $ldflags " in
*" -static "*) node test/static.js "$stage/bin" ;;
esac

tar -C "$out" -cf - "$name" | gzip -9 >"$out/$name.tar.gz"
rm -rf "$build"
echo "$out/$name.tar.gz"
