#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Seed corpora for the fuzz targets: OUT/TARGET/..., from a real round trip made with
# the programs in BIN, samples/ and the hardware captures in TESTDATA/hwdata.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
hw=$TESTDATA/hwdata
mkdir -p "$out/jws" "$out/token" "$out/activation" "$out/receipt" "$out/smbios" "$out/cpuinfo" "$out/host" "$out/api" "$out/rotation" "$out/revocation"
# libairreg's status path: the stamps of tests/lib/states.sh (seeds_status.sh), made meanwhile
sh "$here/seeds_status.sh" "$out/status" &
status_seeds=$!
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
export AIRREG_STATE_DIR=$work/stamp AIRREG_DATA_DIR=$work/ws
hosts=$here/../../samples/hosts
"$BIN/token-gen" init >/dev/null
"$BIN/token-gen" create --billing-model Capacity --agreement-number 7 --host "$hosts/node1.json" \
	--host "$hosts/node2.json" -o "$work/token.txt" >/dev/null 2>&1
"$BIN/registrar" init >/dev/null
"$BIN/registrar" register --token "$work/token.txt" --name east >/dev/null
"$BIN/registrar" tenant add --registration east --subscription 11111111-2222-4333-8444-555555555555 \
	--tenant 0a0a0a0a-1111-4222-8333-444444444444 >/dev/null
"$BIN/registrar" activation-key --name east -o "$work/key.txt" >/dev/null 2>&1
# a removal receipt: the key imported, then removed with -o
"$BIN/registrar" export-issuer-key -o "$work/issuer.pub" >/dev/null
"$BIN/key-import" trust add "$work/issuer.pub" >/dev/null
"$BIN/key-import" "$work/key.txt" >/dev/null
"$BIN/key-import" remove -o "$work/receipt.txt" >/dev/null
printf '\000' | cat - "$work/receipt.txt" >"$out/receipt/file"
# a revocation list (the fuzz target signs with its own key: the file seed is refused for its
# kid, the claims seed reaches every check)
"$BIN/registrar" revoke --name east -o "$work/revocation.txt" >/dev/null
printf '\000' | cat - "$work/revocation.txt" >"$out/revocation/file"
printf '\001' >"$out/revocation/claims"
cut -d. -f2 "$work/revocation.txt" | /usr/bin/python3 -c 'import base64,sys; p=sys.stdin.read().strip(); sys.stdout.buffer.write(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))' >>"$out/revocation/claims"
cp "$work/revocation.txt" "$out/jws/revocation"
printf '\001' >"$out/receipt/claims"
cut -d. -f2 "$work/receipt.txt" | /usr/bin/python3 -c 'import base64,sys; p=sys.stdin.read().strip(); sys.stdout.buffer.write(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))' >>"$out/receipt/claims"
cp "$work/receipt.txt" "$out/jws/receipt"
# two rotations of the issuer key: a statement, the chain, and claims for the target's keys
# (the fuzz key, seed 0x42 times 32, replaced by the key of seed 0x43 times 32)
"$BIN/registrar" rotate-issuer-key -o "$work/st2.json" >/dev/null
"$BIN/registrar" rotate-issuer-key -o "$work/st3.json" >/dev/null
"$BIN/registrar" export-issuer-key --chain -o "$work/chain.json" >/dev/null
printf '\000' | cat - "$work/st2.json" >"$out/rotation/statement"
printf '\000' | cat - "$work/chain.json" >"$out/rotation/chain"
/usr/bin/python3 - "$out/rotation/claims" <<'PYEOF'
import base64, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
def jwk(seed):
    pk = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32).public_key()
    x = base64.urlsafe_b64encode(pk.public_bytes(Encoding.Raw, PublicFormat.Raw)).rstrip(b"=")
    return {"crv": "Ed25519", "kty": "OKP", "x": x.decode()}
claims = {"version": 2, "previousKey": jwk(0x42), "key": jwk(0x43), "issuedAt": 1796000000}
open(sys.argv[1], "wb").write(b"\001" + json.dumps(claims, separators=(",", ":")).encode())
PYEOF
cp "$work/token.txt" "$out/jws/token"
cp "$work/key.txt" "$out/jws/key"
# the key as scanned QR parts (shorter parts than the programs make: more of them)
# (each names its drawing by the first 8 hex digits of the key's SHA-256; the untagged form
# written before issue 15 is still read)
tag=$(sha256sum <"$work/key.txt" | cut -c1-8)
fold -w 400 "$work/key.txt" | awk -v tag="$tag" '{ printf "airreg:%d/N:%s:%s\n", NR, tag, $0 }' >"$work/parts"
n=$(wc -l <"$work/parts")
sed "s#/N:#/$n:#" "$work/parts" | sort -r >"$out/jws/key-qr-parts"
sed "s#:$tag:#:#" "$out/jws/key-qr-parts" >"$out/jws/key-qr-parts-untagged"
/usr/bin/python3 - "$work" "$out" <<'PYEOF'
import base64, sys, zlib
work, out = sys.argv[1:]
unb64 = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
for kind, name in (("token", "token.txt"), ("activation", "key.txt")):
    text = open(f"{work}/{name}", "rb").read()
    open(f"{out}/{kind}/file", "wb").write(b"\0" + text)
    # both payloads are deflated (the key's since issue 16); 1: the target deflates them again
    payload = zlib.decompress(unb64(text.decode().split(".")[1]), -15)
    open(f"{out}/{kind}/claims", "wb").write(b"\1" + payload)
    if kind == "activation":  # 2: the plain claims of a registrar before issue 16
        import json
        c = json.loads(payload)
        for k in ("hostMatch", "hostSalt", "licensed"):
            c.pop(k, None)
        c["hosts"] = [{"name": h["name"], "uuid": "00000000-0000-4000-8000-000000000001",
                       "hardwareSha256": "A" * 43} for h in c["hosts"]]
        open(f"{out}/{kind}/claims-legacy", "wb").write(b"\2" + json.dumps(c).encode())
PYEOF
# a token of format 1 (whole host records, before format 2), still read: its own seeds
/usr/bin/python3 - "$TESTDATA/token-v1.txt" "$out" <<'PYEOF'
import base64, sys, zlib
src, out = sys.argv[1:]
text = open(src, "rb").read()
p = text.decode().split(".")[1]
open(f"{out}/token/file-v1", "wb").write(b"\0" + text)
open(f"{out}/token/claims-v1", "wb").write(b"\1" + zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15))
PYEOF
cp "$hosts"/*.json "$out/host/"
# api: METHOD-BYTE PATH\n TOP\n SKIPTOKEN\n IF-MATCH\n IF-NONE-MATCH\n BODY (fuzz_api.c)
r=/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.AzureStack/registrations
printf '\000%s\n\n\n\n\n' "$r" >"$out/api/list"
printf '\000%s/east\n\n\n\n"0123456789abcdef0123456789abcdef"\n' "$r" >"$out/api/get"
printf '\001%s/seed\n\n\n\n*\n{"location":"global","properties":{"registrationToken":"%s"}}' "$r" \
	"$(cat "$work/token.txt")" >"$out/api/put"
printf '\004%s/east\n\n\n*, W/"x"\n\n{"location":"global","properties":{"registrationToken":"%s"}}' "$r" \
	"$(cat "$work/token.txt")" >"$out/api/patch"
printf '\002%s/east/getactivationkey\n\n\n\n\n{}' "$r" >"$out/api/key"
printf '\002%s/east/deactivate\n\n\n\n\n{"receipt":"%s"}' "$r" "$(cat "$work/receipt.txt")" >"$out/api/deactivate"
printf '\000%s/east/customerSubscriptions\n2\n10000000-0000-4000-8000-000000000001\n\n\n' "$r" >"$out/api/page"
printf '\001%s/east/customerSubscriptions/10000000-0000-4000-8000-00000000000A\n\n\n\n\n{"properties":{"tenantId":"0a0a0a0a-1111-4222-8333-444444444444"}}' "$r" >"$out/api/tenant"
printf '\003%s/east/customerSubscriptions/10000000-0000-4000-8000-000000000002\n\n\n\n\n' "$r" >"$out/api/untenant"
printf '\000/providers/Microsoft.AzureStack/operations\n\n\n\n\n' >"$out/api/operations"
# preconditions where review-attack found them ignored, and a list with empty elements
printf '\001%s/east/customerSubscriptions/10000000-0000-4000-8000-000000000001\n\n\n\n*\n{"properties":{"tenantId":"0a0a0a0a-1111-4222-8333-444444444444"}}' "$r" >"$out/api/tenant-create-only"
printf '\002%s/east/getactivationkey\n\n\n, W/"x", ,"0123456789abcdef0123456789abcdef",\n\n{}' "$r" >"$out/api/key-if-match"
printf '\002%s/east/products/p/getProducts\n\n\n\n\n' "$r" >"$out/api/offline"
n=0
for t in "$hw"/smbios-bin/raw-table/*.DMI "$hw"/smbios-bin/dump-bin/*.bin; do
	{ printf '\000'; cat "$t"; } > "$out/smbios/table$n"; n=$((n + 1))
done
for d in "$hw"/roots/*/sys/firmware/dmi/tables "$hw"/sysfs-dmi/*; do
	ep=$(find "$d" -name smbios_entry_point | head -1)
	dmi=$(find "$d" -name DMI | head -1)
	[ -n "$ep" ] && [ -n "$dmi" ] || continue
	len=$(wc -c < "$ep")
	{ printf "\\$(printf %o "$len")"; cat "$ep" "$dmi"; } > "$out/smbios/ep$n"; n=$((n + 1))
done
for c in "$hw"/cpuinfo/*; do cp "$c" "$out/cpuinfo/"; done
wait "$status_seeds"
