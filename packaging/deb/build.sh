#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Makes the .deb from a tree `make install PREFIX=/usr DESTDIR=ROOT` wrote: strips the
# programs, compresses man pages and docs, adds copyright, changelog, md5sums and a
# control file whose Depends come from dpkg-shlibdeps. usage: build.sh ROOT OUTDIR
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
doc=$root/usr/share/doc/airreg
# Timestamps in the package: the changelog's, so that a rebuild gives the same bytes.
SOURCE_DATE_EPOCH=$(date -d "$(sed -n 's/^ -- .*>  //p' "$here/changelog" | head -1)" +%s)
export SOURCE_DATE_EPOCH

for p in token-gen registrar key-import; do
	strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/$p"
done
gzip -9n "$root"/usr/share/man/man1/*.1
gzip -9n "$doc"/*.md
cp "$here/copyright" "$doc/copyright"
gzip -9nc "$here/changelog" >"$doc/changelog.gz"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/debian"
printf 'Source: airreg\n\nPackage: airreg\nArchitecture: any\n' >"$tmp/debian/control"
# (its warning that the binaries are not yet in a package directory is expected here)
depends=$(cd "$tmp" && dpkg-shlibdeps -O -e"$root/usr/bin/token-gen" -e"$root/usr/bin/registrar" \
	-e"$root/usr/bin/key-import" 2>"$tmp/shlibdeps.log" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { cat "$tmp/shlibdeps.log" >&2; echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
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
depends="$depends, $pq_package (>= $pq_version)"

find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod 0644 {} +
chmod 0755 "$root"/usr/bin/*
mkdir -p "$root/DEBIAN"
size=$(du -sk --apparent-size "$root/usr" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	-e "s/@DEPENDS@/$depends/" "$here/control.in" >"$root/DEBIAN/control"
(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
deb=$out/airreg_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "deb: wrote $deb ($(wc -c <"$deb") bytes); Depends: $depends"
