#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Makes the .debs from a tree `make install PREFIX=/usr LIBDIR=/usr/lib/TRIPLET DESTDIR=ROOT`
# wrote: libairreg1 (the shared library, its symbols, shlibs and ldconfig trigger) and
# libairreg-dev (header, libairreg.so, airreg.pc, man 3) take their files out of ROOT, and
# what stays is airreg (the programs). Strips the binaries, compresses man pages and docs,
# adds copyright, changelog, md5sums and a control file whose Depends come from
# dpkg-shlibdeps. usage: build.sh ROOT OUTDIR
set -eu
root=$(cd "$1" && pwd)
out=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^#define AR_VERSION "\(.*\)"$/\1/p' "$here/../../common/ar_limits.h")
logged=$(sed -n '1s/^airreg (\([^)]*\)).*/\1/p' "$here/changelog")
if [ "$version" != "$logged" ]; then
	echo "deb: packaging/deb/changelog's last entry is $logged, the programs are $version" >&2
	exit 1
fi
arch=$(dpkg --print-architecture)
libdir=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
# Timestamps in the package: the changelog's, so that a rebuild gives the same bytes.
SOURCE_DATE_EPOCH=$(date -d "$(sed -n 's/^ -- .*>  //p' "$here/changelog" | head -1)" +%s)
export SOURCE_DATE_EPOCH

# A symbol's version is the first package that had it: one newer than this package would
# make every program built against it depend on a libairreg1 that does not exist.
grep -v '^#' "$here/libairreg1.symbols" >"$out/symbols"
sed -n 's/^ [^ ]* //p' "$out/symbols" | sort -u | while read -r v; do
	dpkg --compare-versions "$v" le "$version" ||
		{ echo "deb: libairreg1.symbols names version $v, the package is $version" >&2; exit 1; }
done
lowest=$(sed -n 's/^ [^ ]* //p' "$out/symbols" | sort -V | head -1)

pkg=$out/pkg
rm -rf "$pkg"
take() { # take PACKAGE PATH...: moves each PATH of the install tree into PACKAGE's tree
	p=$1
	shift
	for f in "$@"; do
		[ -e "$root/$f" ] || [ -L "$root/$f" ] || { echo "deb: make install wrote no $f" >&2; exit 1; }
		mkdir -p "$pkg/$p/$(dirname "$f")"
		mv "$root/$f" "$pkg/$p/$f"
	done
}
take libairreg1 "$libdir/libairreg.so.1.0.0" "$libdir/libairreg.so.1"
take libairreg-dev usr/include/airreg.h "$libdir/libairreg.so" "$libdir/pkgconfig/airreg.pc"
take libairreg-dev usr/share/man/man3
# The bindings would be packages of their own (python3-airreg, golang-github-airreg-airreg-dev):
# none is made here.
rm -rf "$root/usr/lib/python3" "$root/usr/share/gocode"
find "$root" -depth -type d -empty -delete
left=$(cd "$root" && find . ! -type d | grep -v '^\./usr/\(bin\|share/\(man/man1\|doc/airreg\|bash-completion\)\|lib/systemd\)/' || true)
[ -z "$left" ] || { echo "deb: in no package: $left" >&2; exit 1; }
mv "$root" "$pkg/airreg"

for p in token-gen registrar key-import airreg-connect; do
	strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/airreg/usr/bin/$p"
done
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$pkg/libairreg1/$libdir/libairreg.so.1.0.0"
gzip -9n "$pkg/airreg"/usr/share/man/man1/*.1
gzip -9n "$pkg/airreg"/usr/share/doc/airreg/*.md
find "$pkg/libairreg-dev/usr/share/man/man3" -type f -exec gzip -9n {} +
# an alias links to the compressed page (one process for them all: a fork costs on a busy CI)
perl -e 'for (@ARGV) { my $t = readlink or die "$_: $!"; unlink or die; symlink("$t.gz", "$_.gz") or die }' \
	$(find "$pkg/libairreg-dev/usr/share/man/man3" -type l)
for p in airreg libairreg1 libairreg-dev; do
	mkdir -p "$pkg/$p/usr/share/doc/$p"
	cp "$here/copyright" "$pkg/$p/usr/share/doc/$p/copyright"
	gzip -9nc "$here/changelog" >"$pkg/$p/usr/share/doc/$p/changelog.gz"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/debian"
printf 'Source: airreg\n\nPackage: airreg\nArchitecture: any\n' >"$tmp/debian/control"
shlibdeps() { # NAME BINARY...: NAME.deps, the Depends dpkg-shlibdeps finds for them
	# (its warning that the binaries are not yet in a package directory is expected here)
	n=$1
	shift
	(cd "$tmp" && dpkg-shlibdeps -O "$@" 2>"$tmp/$n.log") | sed -n 's/^shlibs:Depends=//p' >"$tmp/$n.deps"
}
depends() { # NAME: what shlibdeps found
	[ -s "$tmp/$1.deps" ] || { cat "$tmp/$1.log" >&2; echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
	cat "$tmp/$1.deps"
}
# the library's beside the programs': each takes seconds
shlibdeps libairreg1 -e"$pkg/libairreg1/$libdir/libairreg.so.1.0.0" &
shlibdeps airreg -e"$pkg/airreg/usr/bin/token-gen" -e"$pkg/airreg/usr/bin/registrar" \
	-e"$pkg/airreg/usr/bin/key-import" -e"$pkg/airreg/usr/bin/airreg-connect"
wait $!
depends=$(depends airreg)
# `registrar serve` loads libmicrohttpd at run time (registrar/http/mhd.h): its package by hand
soname=$(objdump -p "$(pkg-config --variable=libdir libmicrohttpd)/libmicrohttpd.so" |
	awk '/SONAME/ { print $2 }')
mhd_package=$(dpkg-query -S "*/$soname" | sed -n '1s/:.*//p')
mhd_version=$(dpkg-query -W -f '${Version}' "$mhd_package")
[ -n "$mhd_package" ] && [ -n "$mhd_version" ] || { echo "deb: no package holds $soname" >&2; exit 1; }
depends="$depends, $mhd_package (>= $mhd_version)"
# and libpq when a database is a postgresql:// URL (registrar/pq.h): its package by hand too
pq_soname=$(objdump -p "$(pkg-config --variable=libdir libpq)/libpq.so" | awk '/SONAME/ { print $2 }')
pq_package=$(dpkg-query -S "*/$pq_soname" | sed -n '1s/:.*//p')
pq_version=$(dpkg-query -W -f '${Version}' "$pq_package")
[ -n "$pq_package" ] && [ -n "$pq_version" ] || { echo "deb: no package holds $pq_soname" >&2; exit 1; }
depends_airreg="$depends, $pq_package (>= $pq_version)"
depends_libairreg1=$(depends libairreg1)
depends_libairreg_dev="libairreg1 (= $version)"

# ldconfig runs once dpkg is done (Debian policy 8.1.1); programs find the library by
# the symbols file, or by shlibs where a tool reads only that
mkdir -p "$pkg/libairreg1/DEBIAN"
cp "$out/symbols" "$pkg/libairreg1/DEBIAN/symbols"
echo "libairreg 1 libairreg1 (>= $lowest)" >"$pkg/libairreg1/DEBIAN/shlibs"
echo "activate-noawait ldconfig" >"$pkg/libairreg1/DEBIAN/triggers"
rm "$out/symbols"

for p in airreg libairreg1 libairreg-dev; do
	dir=$pkg/$p
	eval "deps=\$depends_$(echo "$p" | tr - _)"
	find "$dir" -type d -exec chmod 0755 {} +
	find "$dir" -type f -exec chmod 0644 {} +
	[ "$p" != airreg ] || chmod 0755 "$dir"/usr/bin/*
	mkdir -p "$dir/DEBIAN"
	size=$(du -sk --apparent-size "$dir/usr" | cut -f1)
	awk -v RS= -v p="$p" '$0 ~ "^Package: " p "\n" { print; exit }' "$here/control.in" |
		sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
			-e "s/@DEPENDS@/$deps/" >"$dir/DEBIAN/control"
	(cd "$dir" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$dir/DEBIAN/md5sums"
	chmod 0644 "$dir"/DEBIAN/*
	deb=$out/${p}_${version}_${arch}.deb
	dpkg-deb --root-owner-group -Zxz --build "$dir" "$deb" >/dev/null
	echo "deb: wrote $deb ($(wc -c <"$deb") bytes); Depends: $deps"
done
