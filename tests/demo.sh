#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make demo: the round trip, as an operator runs it on both sides of the gap.
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
echo
echo "demo files in $DEMO"
