#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make bench, airreg-connect's rows (issue 22): one stamp registered through registrar serve
# over HTTPS on loopback (a certificate made here), timed as whole processes: a renewal
# (token, PUT, getactivationkey, import), the run with nothing changed (no request), and an
# unregister (operations, removal, deactivate) followed by a new registration. Medians of
# RUNS. Run alone it prints the rows only (run.sh prints the table's head). BIN is set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-21}
work=$(mktemp -d)
server=""
trap '[ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
cd "$work"
export AIRREG_DATA_DIR="$work/reg" AIRREG_STATE_DIR="$work/stamp"
"$BIN/registrar" init >/dev/null
"$BIN/registrar" export-issuer-key -o issuer.pub >/dev/null
"$BIN/token-gen" init >/dev/null
"$BIN/key-import" trust add issuer.pub >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key \
	-out tls.crt -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>/dev/null
chmod 600 tls.key
cp reg/api.secret secret
chmod 600 secret
"$BIN/registrar" serve --listen 127.0.0.1:0 --tls-cert tls.crt --tls-key tls.key 2>serve.log &
server=$!
i=0
until port=$(sed -n 's|.*listening on https://127.0.0.1:\([0-9]*\).*|\1|p' serve.log) && [ -n "$port" ]; do
	i=$((i + 1)); [ "$i" -lt 100 ] || { echo "connect.sh: serve did not start" >&2; exit 1; }
	sleep 0.1
done
set -- --registrar "https://127.0.0.1:$port" --subscription 11111111-2222-4333-8444-555555555555 \
	--api-secret secret --ca-file tls.crt
reg="--name bench --billing-model Development --host $here/../../samples/hosts/node1.json"
# median_ms LABEL COMMAND...: the median wall time of RUNS runs, in ms
median_ms() {
	label=$1; shift
	n=0
	: >times
	while [ "$n" -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		"$@" >/dev/null
		t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000 )) >>times
		n=$((n + 1))
	done
	sort -n times | awk -v label="$label" -v runs="$RUNS" '{ v[NR] = $1 }
		END { m = v[int((NR + 1) / 2)]; printf "| %s (median of %d) | %.1f ms | — | whole process |\n", label, runs, m / 1000 }'
}
# shellcheck disable=SC2086
"$BIN/airreg-connect" register "$@" $reg >/dev/null
# shellcheck disable=SC2086
median_ms "airreg-connect register --renew: token, PUT, key, import over HTTPS" \
	"$BIN/airreg-connect" register "$@" $reg --renew
# shellcheck disable=SC2086
median_ms "airreg-connect register, nothing changed (no request)" \
	"$BIN/airreg-connect" register "$@" $reg
# shellcheck disable=SC2086
peak=$(/usr/bin/time -f %M "$BIN/airreg-connect" register "$@" $reg --renew 2>&1 >/dev/null | tail -1)
echo "| peak memory: airreg-connect register --renew | $(awk -v k="$peak" 'BEGIN { printf "%.1f MiB", k / 1024 }') | <= 8 MiB (the other programs') | libcurl and its 31 libraries, OpenSSL's TLS context |"
# shellcheck disable=SC2086
median_ms "airreg-connect unregister, then register again" \
	sh -c '"$0" unregister "$@" && "$0" register "$@" '"$reg" "$BIN/airreg-connect" "$@"
