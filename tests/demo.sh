#!/bin/sh
# make demo: the stamp's half of the round trip, as an operator runs it.
# (registrar and key-import join this script as they land.)
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

step "2. Create the signed registration token (token-gen create)"
"$TG" create --billing-model Capacity --agreement-number EA-1234567 "$@" \
	--state-dir "$STAMP" -o "$USB/RegistrationToken.txt"

step "3. Verify and read it back (token-gen show), as the workstation will"
"$TG" show "$USB/RegistrationToken.txt"

step "4. Carry $USB/RegistrationToken.txt across the gap; compare its SHA-256 there:"
sha256sum "$USB/RegistrationToken.txt"
echo
echo "demo files in $DEMO"
