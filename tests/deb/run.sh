#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The .debs of `make deb` (airreg, libairreg1, libairreg-dev): their contents, lintian (no
# error, no warning), then dpkg -i on a throw-away copy of this machine's root (a mount
# namespace with an overlay over /, so nothing of the real system changes): the programs run
# from /usr/bin, a whole round trip works with what the packages installed, a C program built
# with nothing but `pkg-config --cflags --libs airreg` reads that stamp through the library,
# man finds the pages, dpkg -r leaves nothing.
# Needs root (for the namespace); $DEB_DIR holds the packages, $SAMPLES the sample hosts.
. "$(dirname "$0")/../e2e/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'umount -l "$WORK/merged" 2>/dev/null; rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
deb=$(ls "$DEB_DIR"/airreg_*.deb)
libdeb=$(ls "$DEB_DIR"/libairreg1_*.deb)
devdeb=$(ls "$DEB_DIR"/libairreg-dev_*.deb)
check "one package of each built" [ "$(printf '%s\n' "$deb" "$libdeb" "$devdeb" | wc -l)" -eq 3 ]
version=$(dpkg-deb -f "$deb" Version)
# lintian takes the longest: it runs while the rest is checked
(lintian --fail-on error,warning "$deb" "$libdeb" "$devdeb" >"$WORK/lintian" 2>&1; echo $? >"$WORK/lintian.rc") &
lintian=$!
libdir=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)

dpkg-deb -c "$deb" | awk '{ print $1, $6 }' | sed 's#\./##' >"$WORK/contents"
for f in "-rwxr-xr-x usr/bin/token-gen" "-rwxr-xr-x usr/bin/registrar" "-rwxr-xr-x usr/bin/key-import" \
	"-rwxr-xr-x usr/bin/airreg-connect" \
	"-rw-r--r-- usr/share/man/man1/token-gen.1.gz" "-rw-r--r-- usr/share/man/man1/registrar.1.gz" \
	"-rw-r--r-- usr/share/man/man1/key-import.1.gz" "-rw-r--r-- usr/share/man/man1/airreg-connect.1.gz" \
	"-rw-r--r-- usr/share/bash-completion/completions/token-gen" \
	"-rw-r--r-- usr/share/bash-completion/completions/registrar" \
	"-rw-r--r-- usr/share/bash-completion/completions/key-import" \
	"-rw-r--r-- usr/share/bash-completion/completions/airreg-connect" \
	"-rw-r--r-- usr/share/doc/airreg/copyright" "-rw-r--r-- usr/share/doc/airreg/changelog.gz" \
	"-rw-r--r-- usr/share/doc/airreg/runbook.md.gz" "-rw-r--r-- usr/share/doc/airreg/formats.md.gz" \
	"-rw-r--r-- usr/lib/systemd/system/airreg-status.service" \
	"-rw-r--r-- usr/lib/systemd/system/airreg-status.timer"; do
	check "package holds $f" grep -qxF -- "$f" "$WORK/contents"
done
check "airreg holds nothing of the library's" sh -c "! grep -q 'airreg\.h\|libairreg\|man3' '$WORK/contents'"
for p in "$libdeb" "$devdeb"; do
	dpkg-deb -c "$p" | awk '{ print $1, $6 }' | sed 's#\./##' >>"$WORK/contents-lib"
done
for f in "-rw-r--r-- $libdir/libairreg.so.1.0.0" "lrwxrwxrwx $libdir/libairreg.so.1" \
	"-rw-r--r-- usr/share/doc/libairreg1/copyright" "-rw-r--r-- usr/include/airreg.h" \
	"lrwxrwxrwx $libdir/libairreg.so" "-rw-r--r-- $libdir/pkgconfig/airreg.pc" \
	"-rw-r--r-- usr/share/man/man3/airreg.3.gz" "-rw-r--r-- usr/share/man/man3/airreg_check.3.gz" \
	"lrwxrwxrwx usr/share/man/man3/airreg_tenant_id.3.gz" "-rw-r--r-- usr/share/doc/libairreg-dev/copyright"; do
	check "libairreg1 or -dev holds $f" grep -qxF -- "$f" "$WORK/contents-lib"
done
check "libairreg1 holds the library, libairreg-dev the rest" sh -c \
	"dpkg-deb -c '$libdeb' | grep -q 'libairreg.so.1 ' && ! dpkg-deb -c '$libdeb' | grep -q 'include\|man3\|pkgconfig\|libairreg.so ' && ! dpkg-deb -c '$devdeb' | grep -q '/libairreg.so.1'"
check "libairreg-dev: a page or alias for each of the 32 functions and airreg(3)" \
	[ "$(grep -c 'usr/share/man/man3/airreg.*\.3\.gz$' "$WORK/contents-lib")" -eq 33 ]
dpkg-deb -e "$libdeb" "$WORK/lib-control"
check "libairreg1's symbols file is packaging/deb/libairreg1.symbols" sh -c \
	"grep -v '^#' '$REPO/packaging/deb/libairreg1.symbols' | cmp -s - '$WORK/lib-control/symbols'"
check "libairreg1's shlibs" grep -qx 'libairreg 1 libairreg1 (>= [0-9.]*)' "$WORK/lib-control/shlibs"
check "libairreg1 activates ldconfig" grep -qx 'activate-noawait ldconfig' "$WORK/lib-control/triggers"
check "libairreg1 and -dev are Multi-Arch: same" [ "$(dpkg-deb -f "$libdeb" Multi-Arch)$(dpkg-deb -f "$devdeb" Multi-Arch)" = samesame ]
check "libairreg-dev depends on this libairreg1" [ "$(dpkg-deb -f "$devdeb" Depends)" = "libairreg1 (= $version)" ]
lib_depends=$(dpkg-deb -f "$libdeb" Depends)
for l in libsodium23 libssl3 libjansson4 libc6; do
	case $lib_depends in *"$l "*) ok ;; *) bad "libairreg1's Depends lacks $l: $lib_depends" ;; esac
done
# the QR libraries are key-import's (remove --qr), never the status path's
check "libairreg1 needs no QR library" sh -c "! echo '$lib_depends' | grep -q 'qrencode\|png'"
# the units ship disabled: no maintainer script enables them (runbook, "Monitor the expiry")
check "no maintainer script (the timer is not enabled)" sh -c "! dpkg-deb -I '$deb' | grep -qE 'postinst|preinst|prerm|postrm'"
check "nothing under usr/local" sh -c "! grep -q usr/local '$WORK/contents'"
check "owned by root" sh -c "! dpkg-deb -c '$deb' | awk '{ print \$2 }' | grep -v '^root/root\$'"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libsodium23 libssl3 libjansson4 libsqlite3-0 zlib1g libqrencode4 libpng16-16 libmicrohttpd12 libp11-kit0 libpq5 libcurl4; do
	case $depends in *"$lib "*) ok ;; *) bad "Depends lacks $lib: $depends" ;; esac
done
# key-import draws the removal receipt (remove --qr, issue 18): it links them, as Depends says
check "key-import links the QR libraries (remove --qr)" sh -c \
	"dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/bin/key-import >'$WORK/ki' && readelf -d '$WORK/ki' | grep -q qrencode && readelf -d '$WORK/ki' | grep -q png"
# the issuer key in a PKCS#11 token (init --pkcs11, issue 19): the registrar links p11-kit
check "registrar links p11-kit (init --pkcs11)" sh -c \
	"dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/bin/registrar >'$WORK/rg' && readelf -d '$WORK/rg' | grep -q 'libp11-kit.so'"
# libpq and libmicrohttpd are loaded when needed (issue 20: linked, libpq alone took every
# registrar command past 8 MiB): never in its NEEDED entries
check "registrar does not link libpq nor libmicrohttpd (loaded when needed)" sh -c \
	"! readelf -d '$WORK/rg' | grep -E 'NEEDED.*(libpq|libmicrohttpd)'"
# airreg-connect (issue 22) is the one program that links libcurl
check "airreg-connect links libcurl, token-gen, registrar and key-import do not" sh -c \
	"dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/bin/airreg-connect >'$WORK/ac' && dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/bin/token-gen >'$WORK/tg' && readelf -d '$WORK/ac' | grep -q 'NEEDED.*libcurl' && ! readelf -d '$WORK/rg' '$WORK/ki' '$WORK/tg' | grep -q 'NEEDED.*libcurl'"

# --- dpkg -i on a copy-on-write root
mkdir "$WORK/upper" "$WORK/ovl" "$WORK/merged"
cp "$deb" "$WORK/airreg.deb"
cp "$libdeb" "$WORK/libairreg1.deb"
cp "$devdeb" "$WORK/libairreg-dev.deb"
cat >"$WORK/status.c" <<'C'
/* SPDX-License-Identifier: Apache-2.0 */
#include <airreg.h>
#include <stdio.h>

int main(void)
{
	airreg_stamp *stamp;
	airreg_status *status = NULL;
	int rc = airreg_open(NULL, &stamp);

	if (rc == AIRREG_OK)
		rc = airreg_check(stamp, 0, &status);
	printf("%s %d %s %s\n", airreg_version(), rc, status ? airreg_state_name(status) : "-",
	       rc == AIRREG_OK ? airreg_registration(status) : "-");
	airreg_status_free(status);
	airreg_close(stamp);
	return rc;
}
C
cp "$SAMPLES/hosts/node1.json" "$WORK/node1.json"
cat >"$WORK/inside.sh" <<'INSIDE'
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C
cd /airreg-test
step() { echo "== $*"; "$@"; }
[ ! -e /usr/bin/token-gen ] || { echo "token-gen already in /usr/bin: not a clean machine"; exit 1; }
# man-db's trigger would rebuild the whole index of this root's pages at each dpkg run (10 of
# this test's seconds); man finds the pages without it
rm -f /var/lib/man-db/auto-update
step dpkg -i airreg.deb libairreg1.deb libairreg-dev.deb >/dev/null || exit 1
for p in airreg libairreg1 libairreg-dev; do
	step dpkg -s $p | grep -qx 'Status: install ok installed' || exit 1
done
step sh -c 'ldconfig -p | grep -q "libairreg.so.1 .*=> /.*/libairreg.so.1$"' || exit 1
step /usr/bin/token-gen --version || exit 1
export AIRREG_STATE_DIR=/airreg-test/stamp AIRREG_DATA_DIR=/airreg-test/ws
step token-gen init >/dev/null || exit 1
step token-gen create --billing-model Development --host node1.json -o token.txt 2>&1 || exit 1
step registrar init >/dev/null || exit 1
step registrar register --token token.txt --name east || exit 1
step registrar activation-key --name east -o key.txt --qr key.png || exit 1
step registrar export-issuer-key -o issuer.pub >/dev/null || exit 1
step key-import trust add issuer.pub >/dev/null || exit 1
step key-import key.txt || exit 1
step key-import status | grep -q '^Status *Registered' || exit 1
# a program built with nothing but pkg-config against the -dev reads that stamp through the
# library, and what dpkg-shlibdeps makes it depend on is the libairreg1 installed
step cc -o status status.c $(pkg-config --cflags --libs airreg) || exit 1
./status >status.out; cat status.out
[ "$(cat status.out)" = "1.0.0 0 Registered east" ] || exit 1
mkdir -p debian && printf 'Source: t\n\nPackage: t\nArchitecture: any\n' >debian/control
shlibs=$(dpkg-shlibdeps -O -estatus 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
echo "== dpkg-shlibdeps: $shlibs"
min=$(echo "$shlibs" | tr ',' '\n' | sed -n 's/^ *libairreg1 (>= \(.*\))$/\1/p')
[ -n "$min" ] && dpkg --compare-versions "$(dpkg-query -W -f '${Version}' libairreg1)" ge "$min" || exit 1
if command -v man >/dev/null; then
	step man -w key-import | grep -qx /usr/share/man/man1/key-import.1.gz || exit 1
	# an alias: man finds the page it links to
	step man -w 3 airreg_tenant_id | grep -qx /usr/share/man/man3/airreg_tenant_count.3.gz || exit 1
	step sh -c 'man 3 airreg_tenant_id 2>/dev/null | grep -q airreg_tenant_subscription' || exit 1
fi
step bash -c '. /usr/share/bash-completion/completions/registrar && complete -p registrar' || exit 1
step bash -c '. /usr/share/bash-completion/completions/airreg-connect && complete -p airreg-connect' || exit 1
if command -v man >/dev/null; then
	step man -w airreg-connect | grep -qx /usr/share/man/man1/airreg-connect.1.gz || exit 1
fi
# serve loads libmicrohttpd at run time: the package's Depends must have brought it
registrar serve --listen 127.0.0.1:0 2>serve.log &
pid=$!
i=0
while ! grep -q 'listening on' serve.log && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\) .*/\1/p' serve.log)
step curl -s -H "Authorization: Bearer $(cat ws/api.secret)" \
	"http://127.0.0.1:$port/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/east?api-version=2017-06-01" |
	grep -q '"name":"east"' || { cat serve.log; exit 1; }
# airreg-connect with the libcurl the Depends brought: renews east over the API (loopback)
cp ws/api.secret api.secret
step airreg-connect register --registrar "http://127.0.0.1:$port" --name east \
	--subscription 11111111-2222-4333-8444-555555555555 --api-secret api.secret \
	--billing-model Development --host node1.json --renew >connect.out 2>&1 || { cat connect.out serve.log; exit 1; }
cat connect.out
grep -q '^airreg-connect: imported the activation key of east: serial 2, ' connect.out || exit 1
kill -TERM $pid
wait $pid || exit 1
# a postgresql:// database loads libpq at run time: the Depends brought it (no server here:
# libpq itself says it found none, exit 5)
registrar list --database 'postgresql:///airreg?host=/airreg-test/no-server' \
	2>pg.err; [ $? -eq 5 ] && grep -q 'cannot connect to the database: connection to server on socket' pg.err ||
	{ cat pg.err; exit 1; }
# the issuer key in a token, with the p11-kit Depends brought and this machine's SoftHSM2
# (make deps installs it), its token in this directory
mkdir tokens && printf 'directories.tokendir = /airreg-test/tokens\n' >softhsm2.conf
export SOFTHSM2_CONF=/airreg-test/softhsm2.conf AIRREG_PKCS11_PIN=1234
softhsm2-util --init-token --free --label deb --pin 1234 --so-pin 5678 >/dev/null || exit 1
step registrar init --data-dir ws-token \
	--pkcs11 'pkcs11:token=deb?module-path=/usr/lib/softhsm/libsofthsm2.so' || exit 1
[ -e ws-token/issuer.pkcs11 ] && [ ! -e ws-token/issuer.key ] || exit 1
step dpkg -r libairreg-dev libairreg1 airreg >/dev/null || exit 1
! ldconfig -p | grep -q libairreg || { echo "ldconfig still knows libairreg after dpkg -r"; exit 1; }
for f in /usr/bin/token-gen /usr/bin/registrar /usr/bin/key-import /usr/bin/airreg-connect \
	/usr/share/man/man1/token-gen.1.gz /usr/share/man/man1/airreg-connect.1.gz /usr/share/doc/airreg /usr/include/airreg.h \
	/usr/share/doc/libairreg1 /usr/share/doc/libairreg-dev \
	$(ls -d /usr/lib/*/libairreg* /usr/lib/*/pkgconfig/airreg.pc /usr/share/man/man3/airreg* 2>/dev/null); do
	[ ! -e "$f" ] || { echo "dpkg -r left $f"; exit 1; }
done
echo "== clean after dpkg -r"
INSIDE
unshare -m sh -c '
	set -e
	mount --make-rprivate /
	mount -t overlay overlay -o "lowerdir=/,upperdir=$1/upper,workdir=$1/ovl" "$1/merged"
	mount --rbind /dev "$1/merged/dev"
	mount -t proc proc "$1/merged/proc"
	mkdir "$1/merged/airreg-test"
	mount --bind "$1" "$1/merged/airreg-test"
	exec chroot "$1/merged" sh /airreg-test/inside.sh
' sh "$WORK" >"$WORK/inside.log" 2>&1
rc=$?
sed 's/^/chroot: /' "$WORK/inside.log"
check "dpkg -i, a round trip and dpkg -r in a copy of this machine's root" [ "$rc" -eq 0 ]
check "the real root is untouched" [ ! -e /airreg-test ]
wait $lintian
rc=$(cat "$WORK/lintian.rc")
grep -v 'running with root privileges' "$WORK/lintian" | sed 's/^/lintian: /'
check "lintian: no error or warning" [ "$rc" -eq 0 ]
echo "lintian: $(grep -c '^E:' "$WORK/lintian") errors, $(grep -c '^W:' "$WORK/lintian") warnings, $(grep -c '^I:' "$WORK/lintian") info"
finish "deb"
