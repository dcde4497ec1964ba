#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make bench: one table, every row measured in this run (see docs/performance.md); the
# registrar's batches and the API on SQLite, then on PostgreSQL.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
TESTDATA=${TESTDATA:-$here/../data}
work=$(mktemp -d)
# the PostgreSQL rows: one throw-away cluster for the run (tests/pg/cluster.sh: a Unix
# socket in its own directory, fsync off), on the same cores as everything else
. "$here/../pg/cluster.sh"
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
mkdir "$work/db" "$work/procs" "$work/hetero"
# different real hosts for the size rows: probed now from the captures (hosts.py)
/usr/bin/python3 "$here/hosts.py" "$BIN" "$TESTDATA/hwdata" "$work/hetero"
echo "airreg $(git -C "$here" describe --always --dirty 2>/dev/null || echo) on $(nproc) CPUs: $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"
echo
echo "| measure | value | target | note |"
echo "|---|---|---|---|"
# the issuer key in a PKCS#11 token: SoftHSM2 in this run's own directory (no system token)
mkdir "$work/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" \
	>"$work/softhsm2.conf"
SOFTHSM2_CONF=$work/softhsm2.conf softhsm2-util --init-token --free --label bench --pin 1234 \
	--so-pin 5678 >/dev/null
pg_cluster_start
bench_db=$(pg_database bench)
api_db=$(pg_database api)
SOFTHSM2_CONF=$work/softhsm2.conf AIRREG_PKCS11_PIN=1234 BENCH_DATABASE=$bench_db \
	BENCH_PKCS11_URI="pkcs11:token=bench?module-path=/usr/lib/softhsm/libsofthsm2.so" \
	"$BENCH" "$here/../../samples/hosts/node1.json" "$work/hetero" "$work/db"
/usr/bin/python3 "$here/procs.py" "$BIN" "$here/../../samples/hosts" "$work/procs"
mkdir "$work/check"
/usr/bin/python3 "$here/check.py" "$BIN" "$work/hetero" "$work/check"
# libairreg's status check in process beside key-import status as a process (status.sh)
sh "$here/status.sh"
# airreg-connect's round trips through registrar serve over HTTPS (connect.sh)
sh "$here/connect.sh"
mkdir "$work/api"
PG_BINDIR=$PG_BINDIR BENCH_API_DATABASE=$api_db \
	/usr/bin/python3 "$here/api.py" "$BIN" "$here/../../samples/hosts" "$work/api"
