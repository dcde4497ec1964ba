#!/bin/sh
# Registrations per second: N tokens (default 1000) made by token-gen, then
# registered and keyed by the registrar CLI, one process per token.
# Not part of make check (performance is measured, never asserted).
set -eu
N=${1:-1000}
BIN=${BIN:-$(cd "$(dirname "$0")/../../build/bin" && pwd)}
HOSTS=$(cd "$(dirname "$0")/../../samples/hosts" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export AIRREG_DATA_DIR="$WORK/data"
"$BIN/registrar" init >/dev/null
i=0
while [ $i -lt "$N" ]; do
	"$BIN/token-gen" create --billing-model Development --host "$HOSTS/node1.json" \
		--state-dir "$WORK/s$i" -o "$WORK/t$i.txt" >/dev/null
	i=$((i + 1))
done
now() { date +%s.%N; }
t0=$(now)
i=0
while [ $i -lt "$N" ]; do
	"$BIN/registrar" register --token "$WORK/t$i.txt" --name "stamp$i" >/dev/null
	i=$((i + 1))
done
t1=$(now)
i=0
while [ $i -lt "$N" ]; do
	"$BIN/registrar" activation-key --name "stamp$i" -o "$WORK/k$i.txt" >/dev/null
	i=$((i + 1))
done
t2=$(now)
awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	printf "register (CLI, one process per token): %d in %.2f s = %.0f/s\n", n, b - a, n / (b - a)
	printf "activation-key (CLI, one process per key): %d in %.2f s = %.0f/s\n", n, c - b, n / (c - b)
	printf "register + key: %.0f/s\n", n / (c - a) }'
