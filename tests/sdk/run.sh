#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Microsoft's Node.js SDK (@azure/arm-azurestack, pinned in package-lock.json, installed by
# `make sdk` into $(BUILD)/sdk) against registrar serve over HTTPS with a self-signed
# certificate: client.mjs drives every operation at every api-version; this script makes the
# stamps and tokens, starts and stops the server, and checks its access log afterwards.
# SDK_MODULES: the node_modules directory holding the SDK.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib.sh"
scratch
SUB=abcdef01-2345-4678-89ab-cdef01234567 # letters in it: the client also gives it in UPPER case
VERSIONS="2016-01-01 2017-06-01 2020-06-01-preview 2022-06-01"

check "the SDK is installed ($SDK_MODULES)" [ -f "$SDK_MODULES/@azure/arm-azurestack/package.json" ]
# two stamps a version (each its own CloudId): one registered by name sdk-V, one for the
# If-None-Match and PATCH-of-nothing checks; each stamp trusts the registrar's issuer key
"$RG" init >/dev/null
"$RG" export-issuer-key -o issuer.pub >/dev/null
for v in $VERSIONS; do
	for s in st st2; do
		"$TG" init --state-dir "$s-$v" >/dev/null
		"$TG" create --billing-model Capacity --agreement-number 7 --host "$HOSTS/node1.json" \
			--state-dir "$s-$v" -o "tok${s#st}-$v.txt" >/dev/null 2>&1
	done
	"$KI" --state-dir "st-$v" trust add issuer.pub >/dev/null
done
check "the tokens were made" [ -s tok-2022-06-01.txt ] && [ -s tok2-2022-06-01.txt ]

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.crt \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 >/dev/null 2>&1
chmod 600 tls.key
: >serve.log
"$RG" serve --listen 127.0.0.1:0 --tls-cert tls.crt --tls-key tls.key 2>>serve.log &
PID=$!
i=0
while ! grep -q 'listening on' serve.log && kill -0 $PID 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(sed -n '1s/.*listening on https:\/\/[^ ]*:\([0-9]*\) .*/\1/p' serve.log)
check "serve names its HTTPS port on its first line" [ -n "$PORT" ]

# the SDK's own proxy support would take an HTTPS_PROXY of the environment
: >calls.txt
env -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy NO_PROXY='*' \
	NODE_EXTRA_CA_CERTS="$WORK/tls.crt" NODE_PATH="$SDK_MODULES" \
	PORT="$PORT" WORK="$WORK" WS="$WS" SUB="$SUB" KI="$KI" CALLS="$WORK/calls.txt" IDS="$WORK/ids.txt" \
	node "$HERE/client.mjs" >client.out 2>&1
st=$?
cat client.out
check "client.mjs exits 0 (every check passed)" [ $st -eq 0 ]

kill -TERM "$PID"
wait "$PID"
check "serve exits 0 on SIGTERM" [ $? -eq 0 ]
# the access log: one line for each request the SDK sent, with the status it got (an SDK
# retry, or a request the server never logged, shows here), and never the secret
sed -n 's/^registrar: serve: 127\.0\.0\.1 \([A-Z]*\) \([^ ]*\) \([0-9]*\) .*/\1 \2 \3/p' serve.log | sort >logged.txt
sort calls.txt >sent.txt
check "the log has every request the SDK sent, once ($(wc -l <sent.txt) sent, $(wc -l <logged.txt) logged)" cmp -s sent.txt logged.txt
cmp -s sent.txt logged.txt || diff sent.txt logged.txt | head -20
check "the log never holds the secret" sh -c "! grep -qF '$(cat "$WS/api.secret")' serve.log"
# x-ms-request-id: the id each response gave is on its access-log line
: >>ids.txt
missing=0
while read -r id; do grep -qF "$id" serve.log || missing=$((missing + 1)); done <ids.txt
check "every x-ms-request-id the SDK saw is in the access log ($missing of $(wc -l <ids.txt) missing)" [ "$missing" -eq 0 ]
check "the SDK saw x-ms-request-ids" [ -s ids.txt ]
finish "sdk"
