#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages airreg builds and tests with, when missing.
set -eu

missing=""
need() { missing="$missing $1"; }

command -v pkg-config >/dev/null 2>&1 || need pkg-config
command -v cc >/dev/null 2>&1 || need gcc
command -v openssl >/dev/null 2>&1 || need openssl
command -v sqlite3 >/dev/null 2>&1 || need sqlite3 # tests compare database dumps
command -v faketime >/dev/null 2>&1 || need faketime # the attack suite sets clocks back
for pair in libsodium:libsodium-dev libcrypto:libssl-dev zlib:zlib1g-dev \
	    jansson:libjansson-dev sqlite3:libsqlite3-dev cmocka:libcmocka-dev \
	    libqrencode:libqrencode-dev libpng:libpng-dev libmicrohttpd:libmicrohttpd-dev \
	    p11-kit-1:libp11-kit-dev libpq:libpq-dev libcurl:libcurl4-openssl-dev; do
	pc=${pair%%:*}
	pkg=${pair#*:}
	if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$pc"; then
		need "$pkg"
	fi
done
command -v valgrind >/dev/null 2>&1 || need valgrind
command -v softhsm2-util >/dev/null 2>&1 || need softhsm2 # tests/e2e/pkcs11.sh: the issuer key in a token
# tests/pg: a throw-away PostgreSQL 15 cluster (initdb, pg_ctl) the registrar's suites run on too
[ -x /usr/lib/postgresql/15/bin/initdb ] || need postgresql-15
command -v psql >/dev/null 2>&1 || need postgresql-client-15
command -v groff >/dev/null 2>&1 || need groff-base # the man pages are rendered and checked
command -v jq >/dev/null 2>&1 || need jq # the worked decode in docs/formats.md is run
[ -x /usr/bin/time ] || need time # make bench: peak memory of a process
command -v zbarimg >/dev/null 2>&1 || need zbar-tools # reads our QR codes back
command -v lintian >/dev/null 2>&1 || need lintian # checks the .deb of make deb
command -v dpkg-shlibdeps >/dev/null 2>&1 || need dpkg-dev # make deb: Depends, hardening flags
command -v file >/dev/null 2>&1 || need file # tests/e2e/qr.sh: what was written is a PNG
command -v curl >/dev/null 2>&1 || need curl # tests/api: the HTTP API's client
command -v strace >/dev/null 2>&1 || need strace # tests/connect: --ca-file keeps airreg-connect out of the system CA directory
command -v node >/dev/null 2>&1 || need nodejs # tests/api: a Node.js client's TLS handshake; tests/sdk
command -v npm >/dev/null 2>&1 || need npm # make sdk: installs the pinned Azure SDK (tests/sdk)
command -v go >/dev/null 2>&1 || need golang-go # tests/lib/go.sh: the Go binding (cgo, Go 1.19 or later)
command -v wrk >/dev/null 2>&1 || need wrk # make bench: the HTTP API under load
# libFuzzer: clang and its runtime (a one-line target must link with -fsanitize=fuzzer)
if ! command -v clang >/dev/null 2>&1; then
	need clang; need libclang-rt-dev
elif ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }\n' |
	clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
	need libclang-rt-dev
fi
# The JOSE peer the tests verify our files with: Debian's python3, not another one on PATH.
/usr/bin/python3 -c 'import jwcrypto' >/dev/null 2>&1 || need python3-jwcrypto
# tests/e2e/expiry.sh: the metrics read by Prometheus's own text-format parser
/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1 || need python3-prometheus-client

[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
