#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make bench, libairreg's rows: tests/bench/status.c on the registered and revoked stamps of
# tests/lib/states.sh, one thread and as many as the machine has CPUs (at least 2) on one
# stamp, beside key-import status as a whole process. Run alone it prints the rows only
# (run.sh prints the table's head). BIN, BENCH_STATUS (the program) and TESTDATA are set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
sh "$here/../lib/states.sh" "$work/states" >/dev/null
threads=$(nproc)
[ "$threads" -ge 2 ] || threads=2
"$BENCH_STATUS" "$BIN/key-import" "$threads" registered "$work/states/registered/stamp" \
	revoked "$work/states/revoked/stamp"
