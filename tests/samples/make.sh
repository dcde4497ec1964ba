#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make samples: regenerates samples/ from the programs in BIN — host records probed from
# real captures, and a whole round trip signed with the TEST-ONLY keys kept in samples/.
set -eu
S=$(cd "$(dirname "$0")/../../samples" && pwd)
ROOTS=$TESTDATA/hwdata/roots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
export AIRREG_STATE_DIR=$WORK/stamp AIRREG_DATA_DIR=$WORK/ws
CLOUD_ID=5a3b1e00-aaaa-4bbb-8ccc-000000000001 # the samples' stamp

"$BIN/token-gen" probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T480" --host node1 -o "$S/hosts/node1.json"
"$BIN/token-gen" probe --root "$ROOTS/jcreekmore-Dell-PowerEdge-anonymized" --host node2 -o "$S/hosts/node2.json"
"$BIN/token-gen" probe --root "$ROOTS/uroot-SuperMicro-X9DBL" --host node3 -o "$S/hosts/node3.json"

# the stamp's identity and the registrar's issuer key: the TEST-ONLY keys (0600 copies)
mkdir -m 700 "$WORK/stamp" "$WORK/ws"
cp "$S/TEST-ONLY-stamp.key" "$WORK/stamp/stamp.key"
cp "$S/TEST-ONLY-issuer.key" "$WORK/ws/issuer.key"
chmod 600 "$WORK/stamp/stamp.key" "$WORK/ws/issuer.key"
openssl pkey -in "$WORK/stamp/stamp.key" -pubout -out "$WORK/stamp/stamp.pub"
echo "$CLOUD_ID" > "$WORK/stamp/cloud-id"
"$BIN/registrar" init >/dev/null # keeps the issuer key it finds

"$BIN/token-gen" create --billing-model Capacity --agreement-number 1234 \
	--host "$S/hosts/node1.json" --host "$S/hosts/node2.json" --host "$S/hosts/node3.json" \
	-o "$S/RegistrationToken.txt"
"$BIN/registrar" register --token "$S/RegistrationToken.txt" --name stamp-east
"$BIN/registrar" tenant add --registration stamp-east \
	--subscription 11111111-2222-4333-8444-555555555555 \
	--tenant 0a0a0a0a-1111-4222-8333-444444444444 >/dev/null
"$BIN/registrar" tenant list --registration stamp-east > "$S/tenants.json"
"$BIN/registrar" export-issuer-key -o "$S/issuer.pub" --force
# valid for ten years, so that the samples stay verifiable
"$BIN/registrar" activation-key --name stamp-east --valid-days 3650 -o "$S/ActivationKey.txt"
"$BIN/key-import" trust add "$S/issuer.pub" >/dev/null
"$BIN/key-import" "$S/ActivationKey.txt"
cp "$WORK/stamp/activation.json" "$S/activation.json"
chmod 644 "$S/activation.json"
echo "samples: regenerated in $S"
