#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make demo: the round trip, as an operator runs it on both sides of the gap; then the
# connected path (airreg-connect, issue 22) of a stamp that can reach the registrar over HTTPS.
set -eu
TG=$BIN/token-gen
SAMPLES=$(cd "$(dirname "$0")/../samples" && pwd)
DEMO=$(mktemp -d /tmp/airreg-demo-XXXXXX)
STAMP=$DEMO/stamp
USB=$DEMO/usb
mkdir -p "$USB"
step() { printf '\n== %s\n' "$*"; }

step "1. Probe this host's hardware (token-gen probe)"
if "$TG" probe -o "$DEMO/this-host.json" 2>"$DEMO/probe.err"; then
	cat "$DEMO/this-host.json"
	set -- --host "$DEMO/this-host.json"
else
	sed 's/^/   /' "$DEMO/probe.err"
	echo "   This machine exposes no SMBIOS identity (a VM or container), so the demo"
	echo "   uses three host records probed from real captured servers (samples/hosts)."
	set -- --host "$SAMPLES/hosts/node1.json" --host "$SAMPLES/hosts/node2.json" \
		--host "$SAMPLES/hosts/node3.json"
fi

step "2. Make the stamp's identity once (token-gen init), then the signed registration token (token-gen create)"
"$TG" init --state-dir "$STAMP"
"$TG" create --billing-model Capacity --agreement-number EA-1234567 "$@" \
	--state-dir "$STAMP" -o "$USB/RegistrationToken.txt"

step "3. Verify and read it back (token-gen show), as the workstation will"
"$TG" show "$USB/RegistrationToken.txt"

step "4. Carry $USB/RegistrationToken.txt across the gap; compare its SHA-256 there:"
sha256sum "$USB/RegistrationToken.txt"

RG=$BIN/registrar
WS=$DEMO/workstation
step "5. On the workstation: set up the registrar once (registrar init)"
"$RG" init --data-dir "$WS"

step "6. Register the token (registrar register)"
"$RG" register --data-dir "$WS" --token "$USB/RegistrationToken.txt" --name stamp-east

step "7. Map a tenant and issue the activation key (registrar activation-key)"
"$RG" tenant add --data-dir "$WS" --registration stamp-east \
	--subscription 11111111-2222-4333-8444-555555555555 --tenant 0a0a0a0a-1111-4222-8333-444444444444
"$RG" activation-key --data-dir "$WS" --name stamp-east -o "$USB/ActivationKey.txt"
"$RG" export-issuer-key --data-dir "$WS" -o "$USB/issuer.pub"
"$RG" list --data-dir "$WS"

KI=$BIN/key-import
step "8. Back on the stamp: trust the issuer key once (key-import trust add), compare its SHA-256"
sha256sum "$USB/issuer.pub"
"$KI" trust add --state-dir "$STAMP" "$USB/issuer.pub"

step "9. Check the activation key without writing anything (key-import --dry-run)"
"$KI" --dry-run --state-dir "$STAMP" "$USB/ActivationKey.txt"

step "10. Import it (key-import) and look (key-import status)"
"$KI" --state-dir "$STAMP" "$USB/ActivationKey.txt"
"$KI" status --state-dir "$STAMP"

step "11. Map another tenant on the workstation, re-issue, carry it over and import again"
"$RG" tenant add --data-dir "$WS" --registration stamp-east \
	--subscription 66666666-7777-4888-9999-aaaaaaaaaaaa --tenant 0b0b0b0b-1111-4222-8333-444444444444
"$RG" activation-key --data-dir "$WS" --name stamp-east -o "$USB/ActivationKey.txt"
"$KI" --state-dir "$STAMP" "$USB/ActivationKey.txt"
"$KI" status --state-dir "$STAMP"

step "12. An old key can never come back: a newer key (serial 3) is imported, then the old one (serial 2) is refused (exit 4 expected)"
"$RG" activation-key --data-dir "$WS" --name stamp-east -o "$USB/Newer.txt" >/dev/null
"$KI" --state-dir "$STAMP" "$USB/Newer.txt" >/dev/null
if "$KI" --state-dir "$STAMP" "$USB/ActivationKey.txt"; then
	echo "demo: an older key was accepted" >&2
	exit 1
fi

step "13. Decommission on the stamp: remove the activation, with a signed receipt (key-import remove -o)"
"$KI" remove --state-dir "$STAMP" -o "$USB/RemovalReceipt.txt"
"$KI" status --state-dir "$STAMP"

step "14. Back on the workstation: it takes the receipt (registrar unregister --receipt)"
"$RG" unregister --data-dir "$WS" --receipt "$USB/RemovalReceipt.txt"
"$RG" show --data-dir "$WS" stamp-east
"$RG" list --data-dir "$WS"

# The connected path (issue 22): a second stamp that can reach the registrar over HTTPS.
AC=$BIN/airreg-connect
STAMP2=$DEMO/stamp-west
NET=$DEMO/network
SUB=11111111-2222-4333-8444-555555555555
mkdir -p "$NET"
SERVE=
stop_serve() {
	[ -n "$SERVE" ] || return 0
	kill -TERM "$SERVE" 2>/dev/null || true
	wait "$SERVE" 2>/dev/null || true
	SERVE=
}
trap stop_serve EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # the EXIT trap stops the server

step "15. On the workstation: a TLS certificate for the API (self-signed here, for 127.0.0.1), then registrar serve over HTTPS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj /CN=airreg-demo-registrar -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$WS/tls.key" -out "$NET/registrar-tls.crt" 2>/dev/null
chmod 600 "$WS/tls.key"
"$RG" serve --data-dir "$WS" --listen 127.0.0.1:0 --tls-cert "$NET/registrar-tls.crt" \
	--tls-key "$WS/tls.key" 2>"$DEMO/serve.log" &
SERVE=$!
i=0
while ! grep -q 'listening on' "$DEMO/serve.log" && kill -0 "$SERVE" 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
head -n 1 "$DEMO/serve.log"
PORT=$(sed -n '1s/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$DEMO/serve.log")
[ -n "$PORT" ] || { echo "demo: registrar serve did not start" >&2; cat "$DEMO/serve.log" >&2; exit 1; }
URL=https://127.0.0.1:$PORT
echo "   its certificate's pin (what --pin takes instead of --ca-file):"
echo "   sha256//$(openssl x509 -pubkey -noout -in "$NET/registrar-tls.crt" | openssl pkey -pubin -outform der |
	openssl dgst -sha256 -binary | base64)"

step "16. On a second stamp: its identity, the issuer key trusted, and a 0600 copy of the registrar's api.secret (over ssh, in real life)"
"$TG" init --state-dir "$STAMP2"
"$KI" trust add --state-dir "$STAMP2" "$USB/issuer.pub"
install -m 600 "$WS/api.secret" "$STAMP2.api.secret"
ls -l "$STAMP2.api.secret" | cut -d' ' -f1

step "17. Register and activate in one step over HTTPS (airreg-connect register)"
"$AC" register --registrar "$URL" --name stamp-west --subscription "$SUB" \
	--api-secret "$STAMP2.api.secret" --ca-file "$NET/registrar-tls.crt" \
	--billing-model Capacity --agreement-number EA-1234567 "$@" --state-dir "$STAMP2"
"$KI" status --state-dir "$STAMP2"

step "18. The same command again: nothing changed, so nothing is sent (it renews in the key's last 30 days, or with --renew)"
"$AC" register --registrar "$URL" --name stamp-west --subscription "$SUB" \
	--api-secret "$STAMP2.api.secret" --ca-file "$NET/registrar-tls.crt" \
	--billing-model Capacity --agreement-number EA-1234567 "$@" --state-dir "$STAMP2"

step "19. Unregister in one step: the activation removed with a signed receipt, the receipt sent (airreg-connect unregister)"
"$AC" unregister --registrar "$URL" --subscription "$SUB" \
	--api-secret "$STAMP2.api.secret" --ca-file "$NET/registrar-tls.crt" --state-dir "$STAMP2"
"$KI" status --state-dir "$STAMP2"
"$RG" show --data-dir "$WS" stamp-west

step "20. Stop the server; its log has one line a request (none for step 18)"
stop_serve
sed 1d "$DEMO/serve.log" | sed 's/ request [0-9a-f-]*$//'
echo
echo "demo files in $DEMO"
