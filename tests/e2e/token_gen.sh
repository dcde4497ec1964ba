#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# token-gen create/show end to end: real captures in, a token that peers
# nobody here wrote (python3-jwcrypto, openssl pkeyutl) verify; every bad
# flag refused with its exit status and nothing written.
. "$(dirname "$0")/lib.sh"
TG=$BIN/token-gen
BENCH=$(cd "$(dirname "$0")/../bench" && pwd) # hosts.py: the 16 different real hosts
ROOTS=$TESTDATA/hwdata/roots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
cd "$WORK" || exit 1
ST=$WORK/state
export AIRREG_STATE_DIR="$WORK/env-state-never-used"

expect_exit 0 "probe T480" "$TG" probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T480" --host node1 -o a.json
expect_exit 0 "probe Dell" "$TG" probe --root "$ROOTS/jcreekmore-Dell-PowerEdge-anonymized" --host node2 -o b.json
expect_exit 0 "probe X9DBL" "$TG" probe --root "$ROOTS/uroot-SuperMicro-X9DBL" --host node3 -o c.json
cp a.json a-again.json

# --- init: the identity is made on purpose, and says what it made -------------------
expect_exit 0 "init" "$TG" init --state-dir "$ST"
thumb() { $PY -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' "$1"; }
check "init names the CloudId, the stamp key and the files" [ "$OUT" = "token-gen: new stamp identity in $ST: CloudId $(cat "$ST/cloud-id"), stamp key $(thumb "$ST/stamp.pub") (stamp.key, stamp.pub, cloud-id)" ]
check "init: nothing on stderr" [ -z "$ERR" ]

# --- create and show ---------------------------------------------------------
expect_exit 0 "create" "$TG" create --billing-model Capacity --agreement-number 1234 \
	--usage-reporting --host a.json --host b.json --state-dir "$ST" -o RegistrationToken.txt
one_line_error "Capacity + usage reporting" "warning: billing model Capacity: usage reporting switched off"
sha=$(sha256sum RegistrationToken.txt | cut -d' ' -f1)
check "create prints the file's SHA-256 as sha256sum does" \
	sh -c "printf '%s\n' \"\$1\" | grep -qx '$sha  RegistrationToken.txt'" _ "$OUT"
# a name with a backslash: the line is in sha256sum's escaped form, which sha256sum -c reads
expect_exit 0 "create to a name with a backslash" "$TG" create --billing-model Development \
	--host a.json --state-dir "$ST" -o 'tok\en.txt'
check "sha256sum -c reads the SHA-256 line back" \
	sh -c "printf '%s\n' \"\$1\" | tail -n 1 | sha256sum -c --status" _ "$OUT"
rm -f 'tok\en.txt'
cloud=$(cat "$ST/cloud-id")
check "create reports the CloudId" sh -c "printf '%s' \"\$1\" | grep -q 'CloudId $cloud'" _ "$OUT"
check "stamp key is 0600" [ "$(stat -c %a "$ST/stamp.key")" = 600 ]
check "state dir is 0700" [ "$(stat -c %a "$ST")" = 700 ]
check "openssl reads the stamp key" openssl pkey -in "$ST/stamp.key" -noout
check "token has no trailing newline" [ "$(tail -c 1 RegistrationToken.txt | od -An -c | tr -d ' ')" != '\n' ]
check "env state dir not used when --state-dir is given" [ ! -e "$AIRREG_STATE_DIR" ]

expect_exit 0 "show" "$TG" show RegistrationToken.txt
check "show: SHA-256" sh -c "printf '%s' \"\$1\" | grep -q \"SHA-256 *$sha\"" _ "$OUT"
check "show: CloudId" sh -c "printf '%s' \"\$1\" | grep -q \"CloudId *$cloud\"" _ "$OUT"
check "show: usage reporting off" sh -c "printf '%s' \"\$1\" | grep -q 'Usage reporting *off'" _ "$OUT"
# format 2: the identities cross the gap as keyed digests, the model and inventory in clear
check "show: the format" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Format  *2 (host identities as keyed digests)'" _ "$OUT"
check "show: the system, without its serials" sh -c "printf '%s\n' \"\$1\" | grep -qx '    System  *LENOVO 20L8S07A14'" _ "$OUT"
check "show: the digests" sh -c "[ \"\$(printf '%s\n' \"\$1\" | grep -cx '    \(UUID\|Serial\|Board\) digest  *[A-Za-z0-9_-]\{11\}')\" = 5 ]" _ "$OUT"
check "show: no serial nor UUID in clear (nor in the file)" sh -c "! printf '%s' \"\$1\" | grep -q 'PC131TBF\\|L1HF9380025\\|161674cc' && ! grep -q 161674cc RegistrationToken.txt" _ "$OUT"
check "show: totals" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hosts  *2 (32 cores, 155648 MiB)'" _ "$OUT"
# format 1 (a token-gen before the digests) is shown as before
expect_exit 0 "show a format-1 token" "$TG" show "$TESTDATA/token-v1.txt"
check "show format 1: the serials in clear, as before" sh -c "printf '%s\n' \"\$1\" | grep -qx '    System  *LENOVO 20L8S07A14, serial PC131TBF, board serial L1HF9380025'" _ "$OUT"
check "show format 1: totals as before" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hosts  *3 (5 sockets, 40 cores, 72 threads, 204800 MiB)'" _ "$OUT"
# one QR code (2,331 bytes) holds the token of 16 different real hosts (issue 16), the
# records made as make bench-sizes makes them
mkdir sixteen
$PY "$BENCH/hosts.py" "$BIN" "$TESTDATA/hwdata" "$WORK/sixteen" 16 >/dev/null
expect_exit 0 "create: 16 different real hosts" sh -c 'tg=$1; st=$2; shift 2; "$tg" create --billing-model Development $(for i in $(seq 16); do printf -- "--host sixteen/node%d.json " "$i"; done) --state-dir "$st" -o sixteen.txt' _ "$TG" "$ST"
size16=$(wc -c < sixteen.txt)
check "16 different real hosts fit one QR code: $size16 <= 2331 bytes" [ "$size16" -le 2331 ]
expect_exit 0 "show --json from stdin" sh -c "'$TG' show --json - < RegistrationToken.txt"
check "show --json: claims" sh -c "printf '%s' \"\$1\" | $PY -c '
import json,sys; d=json.load(sys.stdin); c=d[\"claims\"]
assert d[\"sha256\"]==\"$sha\" and c[\"cloudId\"]==\"$cloud\" and c[\"billingModel\"]==\"Capacity\"
assert c[\"agreementNumber\"]==\"1234\" and c[\"usageReporting\"] is False and len(c[\"hosts\"])==2
assert [h[\"name\"] for h in c[\"hosts\"]]==[\"node1\",\"node2\"]'" _ "$OUT"

# --- peers verify it ------------------------------------------------------------
check "python3-jwcrypto verifies the token with the header's key, and inflates it" $PY - <<PYEOF
import json, zlib
from jwcrypto import jws, jwk
t = jws.JWS(); t.deserialize(open("RegistrationToken.txt").read())
h = t.jose_header
assert h["alg"] == "EdDSA" and h["zip"] == "DEF" and h["typ"] == "airreg-registration-token"
k = jwk.JWK(**h["jwk"]); t.verify(k)
pub = jwk.JWK.from_pem(open("$ST/stamp.pub", "rb").read())
assert pub.thumbprint() == k.thumbprint()
c = json.loads(zlib.decompress(t.payload, -15))
assert c["cloudId"] == "$cloud" and c["totals"]["hosts"] == 2
assert c["version"] == 2 and len(c["hostSalt"]) == 22 and set(c["totals"]) == {"hosts", "cpuCores", "memoryMiB"}
rec = json.load(open("a.json")); h = c["hosts"][0]
assert len(h["uuid"]) == 11 and h["uuid"] != rec["uuid"] and h["product"] == rec["product"], h
assert not {"uuidSource", "biosVendor", "biosDate", "cpuSockets", "cpuThreads", "version"} & set(h), h
PYEOF
h=$(cut -d. -f1 RegistrationToken.txt); p=$(cut -d. -f2 RegistrationToken.txt); s=$(cut -d. -f3 RegistrationToken.txt)
printf '%s.%s' "$h" "$p" > signing-input
printf '%s==' "$s" | tr '_-' '/+' | base64 -d > sig 2>/dev/null
check "openssl pkeyutl verifies the signature with stamp.pub" \
	sh -c "openssl pkeyutl -verify -pubin -inkey '$ST/stamp.pub' -rawin -in signing-input -sigfile sig >/dev/null"
printf 'x' >> signing-input
check "openssl pkeyutl refuses a changed signing input" \
	sh -c "! openssl pkeyutl -verify -pubin -inkey '$ST/stamp.pub' -rawin -in signing-input -sigfile sig >/dev/null 2>&1"

# --- what a USB round trip does is accepted, with the same SHA-256 ----------------
{ printf '\357\273\277'; fold -w 64 RegistrationToken.txt | sed 's/$/\r/'; printf '  \r\n'; } > mangled.txt
expect_exit 0 "show a BOM/CRLF/wrapped copy" "$TG" show mangled.txt
check "mangled copy: same SHA-256" sh -c "printf '%s' \"\$1\" | grep -q \"SHA-256 *$sha\"" _ "$OUT"

# --- the identity is made once and kept ---------------------------------------------
kid=$(openssl pkey -in "$ST/stamp.key" -pubout | sha256sum)
expect_exit 0 "second create to stdout" sh -c "'$TG' create --billing-model Development --host c.json --state-dir '$ST' -o - > second.txt"
check "report goes to stderr when the token goes to stdout" sh -c "printf '%s' \"\$1\" | grep -q 'wrote (stdout)'" _ "$ERR"
check "same stamp key" [ "$(openssl pkey -in "$ST/stamp.key" -pubout | sha256sum)" = "$kid" ]
check "same CloudId" [ "$(cat "$ST/cloud-id")" = "$cloud" ]
expect_exit 0 "show second" "$TG" show second.txt
# init again never replaces it, with or without --cloud-id (the same or another)
kept=$(snapshot "$ST")
for again in "" "--cloud-id $cloud" "--cloud-id 5c0ffee0-1111-4222-8333-444455556666"; do
	# shellcheck disable=SC2086
	expect_exit 5 "init again $again" "$TG" init --state-dir "$ST" $again
	check "init again $again: the line names the CloudId" [ "$ERR" = "token-gen: $ST: stamp identity already made: CloudId $cloud (never replaced; to start a new stamp, give another --state-dir)" ]
	check "init again $again: nothing on stdout" [ -z "$OUT" ]
	check "init again $again: identity unchanged" [ "$(snapshot "$ST")" = "$kept" ]
done
ST2=$WORK/state2
expect_exit 0 "init --cloud-id sets it" "$TG" init --state-dir "$ST2" --cloud-id 5C0FFEE0-1111-4222-8333-444455556666
check "--cloud-id stored lowercase" [ "$(cat "$ST2/cloud-id")" = 5c0ffee0-1111-4222-8333-444455556666 ]
expect_exit 0 "create after init --cloud-id" "$TG" create --billing-model Custom --asset-tag T-1 --host c.json --state-dir "$ST2" -o fourth.txt
check "the token carries the CloudId init was given" sh -c "'$TG' show fourth.txt | grep -q 'CloudId *5c0ffee0-1111-4222-8333-444455556666'"
expect_exit 0 "AIRREG_STATE_DIR is the default (init)" env AIRREG_STATE_DIR="$WORK/envstate" "$TG" init
check "AIRREG_STATE_DIR used" [ -f "$WORK/envstate/cloud-id" ]
expect_exit 0 "AIRREG_STATE_DIR is the default (create)" env AIRREG_STATE_DIR="$WORK/envstate" "$TG" create --billing-model Development --host c.json -o fifth.txt

# --- refusals: exit status, one line, nothing written ---------------------------------
before=$(snapshot "$ST")
refuse() { # refuse STATUS "message part" args...
	want=$1; msg=$2; shift 2
	rm -f refused.txt
	expect_exit "$want" "$*" "$TG" "$@"
	one_line_error "$*" "$msg"
	check "$*: no output file" [ ! -e refused.txt ]
	check "$*: state unchanged" [ "$(snapshot "$ST")" = "$before" ]
	check "$*: no new state dir" [ ! -e "$WORK/fresh" ]
}
refuse 2 "create needs --billing-model" create --host a.json --state-dir "$WORK/fresh" -o refused.txt
refuse 2 'must be Capacity, Development or Custom' create --billing-model PayAsYouUse --host a.json --state-dir "$WORK/fresh" -o refused.txt
refuse 2 "Capacity needs --agreement-number" create --billing-model Capacity --host a.json --state-dir "$WORK/fresh" -o refused.txt
refuse 2 "Custom needs --asset-tag" create --billing-model Custom --host a.json --state-dir "$WORK/fresh" -o refused.txt
refuse 2 "is not a UUID" init --cloud-id nope --state-dir "$WORK/fresh"
refuse 2 "token-gen: --cloud-id is given to init (token-gen init --cloud-id UUID); create signs with the stamp's own (see token-gen --help)" create --billing-model Development --host a.json --cloud-id "$cloud" --state-dir "$ST" -o refused.txt
refuse 2 "init takes no argument" init "$WORK/fresh"
refuse 2 "does not apply to init" init --state-dir "$WORK/fresh" -o refused.txt
# a mistyped --state-dir: refused, naming it; no directory, no lock, no identity made
refuse 5 "token-gen: no such directory $WORK/fresh: check --state-dir and \$AIRREG_STATE_DIR (token-gen init --state-dir $WORK/fresh makes a new stamp there)" create --billing-model Development --host a.json --state-dir "$WORK/fresh" -o refused.txt
refuse 2 "create needs -o" create --billing-model Development --host a.json --state-dir "$WORK/fresh"
# the UUID is not printed: the files name it (it was, in parentheses)
refuse 4 "token-gen: a-again.json: same host UUID as a.json: give each host's record once" create --billing-model Development --host a.json --host a-again.json --state-dir "$WORK/fresh" -o refused.txt
check "a repeated UUID: not printed" sh -c "! printf '%s' \"\$1\" | grep -qi \"\$2\"" _ "$ERR" "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"])' a.json)"
# standard input holds one record: a second - read nothing ("invalid JSON ... near end of file")
refuse 2 "token-gen: - (stdin) given twice for --host: standard input holds one file; give the others by name" create --billing-model Development --host - --host - --state-dir "$WORK/fresh" -o refused.txt
printf '{"version":1,' > broken.json
refuse 4 "broken.json: invalid JSON" create --billing-model Development --host broken.json --state-dir "$WORK/fresh" -o refused.txt
refuse 4 "missing.json: cannot open" create --billing-model Development --host missing.json --state-dir "$WORK/fresh" -o refused.txt
sed 's/"cpuCores": 4/"cpuCores": "4"/' a.json > wrongtype.json
refuse 4 'field "cpuCores" must be an integer' create --billing-model Development --host wrongtype.json --state-dir "$WORK/fresh" -o refused.txt
set --
i=0
while [ $i -lt 65 ]; do set -- "$@" --host a.json; i=$((i + 1)); done
refuse 2 "at most 64 hosts" create --billing-model Development "$@" --state-dir "$WORK/fresh" -o refused.txt
refuse 2 "unknown option" create --billing-modle Capacity -o refused.txt
refuse 2 "does not apply to create" create --json --billing-model Development --host a.json -o refused.txt
refuse 2 "unknown verb" register -o refused.txt
refuse 2 "missing verb" -o refused.txt
refuse 3 "Could not retrieve mandatory hardware info for msi: system UUID" probe --root "$ROOTS/uroot-MSI-MS-7816" --host msi -o refused.txt
refuse 2 "is all-zero" probe --root "$ROOTS/uroot-MSI-MS-7816" --system-uuid 00000000-0000-0000-0000-000000000000 -o refused.txt
refuse 2 "is not usable" probe --root "$ROOTS/uroot-MSI-MS-7816" --host 'bad name' -o refused.txt
refuse 2 "--cpu-cores" probe --root "$ROOTS/uroot-MSI-MS-7816" --cpu-cores 0 -o refused.txt
# Capacity licenses physical cores: every host states its count (issue 16). This capture's
# probe reads none (no SMBIOS type 4 core count): fine for Development, refused for Capacity
expect_exit 0 "probe a host whose cores cannot be read" "$TG" probe --root "$ROOTS/uroot-Gigabyte-GA-MA74GMT-S2" --host node7 -o nocores.json
check "its record has no cpuCores" $PY -c 'import json; assert "cpuCores" not in json.load(open("nocores.json"))'
refuse 4 'token-gen: nocores.json: no "cpuCores": a Capacity token licenses physical cores: probe the host again with --cpu-cores N' create --billing-model Capacity --agreement-number 1234 --host a.json --host nocores.json --state-dir "$ST" -o refused.txt
refuse 3 "token-gen: Could not retrieve mandatory hardware info for uroot-Gigabyte-GA-MA74GMT-S2: CPU cores (not found; give --cpu-cores)" create --billing-model Capacity --agreement-number 1234 --root "$ROOTS/uroot-Gigabyte-GA-MA74GMT-S2" --state-dir "$ST" -o refused.txt
expect_exit 0 "Development takes a host without cores" "$TG" create --billing-model Development --host a.json --host nocores.json --state-dir "$ST" -o dev-nocores.txt
# show says a count is unknown, and that the total leaves it out (was "0 cores", and a total
# with no hint)
expect_exit 0 "show a host without cores" "$TG" show dev-nocores.txt
check "show: cores unknown" sh -c "printf '%s\n' \"\$1\" | grep -q '^    CPU  .*; cores unknown\$'" _ "$OUT"
check "show: the total says some are not counted" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hosts  *2 ([0-9]* cores, [0-9]* MiB); some hosts state no cores or memory: not counted'" _ "$OUT"
expect_exit 0 "Capacity probing this machine with --cpu-cores" "$TG" create --billing-model Capacity --agreement-number 1234 --root "$ROOTS/uroot-Gigabyte-GA-MA74GMT-S2" --cpu-cores 4 --state-dir "$ST" -o cap-cores.txt
expect_exit 0 "show it" "$TG" show cap-cores.txt
check "show: the cores given" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hosts  *1 (4 cores, [0-9]* MiB)'" _ "$OUT"
# a stamp re-signing its own Capacity token with every cpuCores removed: show refuses it
$PY - <<'PYEOF'
import base64, json, zlib
from jwcrypto import jws, jwk
key = jwk.JWK.from_pem(open("state/stamp.key", "rb").read())
p = open("RegistrationToken.txt").read().split(".")[1]
claims = json.loads(zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15))
for h in claims["hosts"]:
    del h["cpuCores"]
del claims["totals"]["cpuCores"]
hdr = {"alg": "EdDSA", "typ": "airreg-registration-token", "zip": "DEF",
       "jwk": json.loads(key.export_public())}
s = jws.JWS(zlib.compress(json.dumps(claims, separators=(",", ":")).encode())[2:-4])
s.add_signature(key, None, json.dumps(hdr, separators=(",", ":")))
open("coreless.txt", "w").write(s.serialize(compact=True))
PYEOF
refuse 4 'token-gen: coreless.txt: host 1 (node1) has no "cpuCores": a Capacity token licenses physical cores: probe the host again with --cpu-cores N and make a new token' show coreless.txt
# the board serial (SMBIOS type 2): read from the tables, dropped when a placeholder, given by hand
check "probe: the T480's board serial" $PY -c 'import json; assert json.load(open("a.json"))["boardSerial"] == "L1HF9380025"'
expect_exit 0 "probe Toshiba" "$TG" probe --root "$ROOTS/uroot-Toshiba-Satellite-Pro-L70-A" --host tosh -o tosh.json
check "probe: a template board serial is left out" $PY -c 'import json; h = json.load(open("tosh.json")); assert "boardSerial" not in h and h["serial"] == "XD198915C"'
expect_exit 0 "probe --board-serial" "$TG" probe --root "$ROOTS/uroot-MSI-MS-7816" --host msi \
	--system-uuid 5c0ffee0-1111-4222-8333-444455556666 --board-serial ' MB-0042 ' -o msi.json
check "--board-serial is the record's, marked operator-supplied" $PY -c 'import json; h = json.load(open("msi.json")); assert h["boardSerial"] == "MB-0042" and h["operatorSupplied"] == ["uuid", "boardSerial"], h'
refuse 2 '--board-serial "Base Board Serial Number" is empty, too long or a placeholder' probe --root "$ROOTS/uroot-MSI-MS-7816" --system-uuid 5c0ffee0-1111-4222-8333-444455556666 --board-serial "Base Board Serial Number" -o refused.txt

# hostile tokens for show
cut -c1-200 RegistrationToken.txt > truncated.txt
refuse 4 "truncated.txt: not a JWS compact serialization" show truncated.txt
$PY -c '
import sys; t = open("RegistrationToken.txt").read(); i = t.index(".") + 40
sys.stdout.write(t[:i] + ("B" if t[i] == "A" else "A") + t[i + 1:])' > tampered.txt
expect_exit 4 "show tampered" "$TG" show tampered.txt
one_line_error "show tampered" "tampered.txt:"
head -c 70000 /dev/zero | tr '\0' A > huge.txt
refuse 4 "huge.txt: file larger than 65536 bytes" show huge.txt
printf 'eyJhbGciOiJub25lIn0.e30.' > none.txt
refuse 4 "none.txt: JWS" show none.txt

# a loose state directory or key is refused (exit 5), not used
chmod 0640 "$ST/stamp.key"
expect_exit 5 "group-readable stamp key" "$TG" create --billing-model Development --host a.json --state-dir "$ST" -o refused.txt
one_line_error "group-readable stamp key" "stamp.key: private key is accessible by group or others (mode 0640)"
chmod 0600 "$ST/stamp.key"
chmod 0770 "$ST"
expect_exit 5 "group-writable state dir" "$TG" create --billing-model Development --host a.json --state-dir "$ST" -o refused.txt
one_line_error "group-writable state dir" "directory is writable by group or others"
chmod 0700 "$ST"
# an output in the state directory would replace the stamp's own files with the token
RST=$(cd "$ST" && pwd -P)
refuse 2 "$ST/stamp.key: is in the stamp's state directory $RST: write it elsewhere (nothing changed)" create --billing-model Development --host a.json --state-dir "$ST" -o "$ST/stamp.key"
refuse 2 "$ST/cloud-id: is in the stamp's state directory $RST: write it elsewhere (nothing changed)" create --billing-model Development --host a.json --state-dir "$ST" -o refused.txt --qr "$ST/cloud-id"
check "refused creates wrote nothing" [ ! -e refused.txt ]

# --- --help, --version --------------------------------------------------------------
expect_exit 0 "--help" "$TG" --help
check "--help names every verb" sh -c "printf '%s' \"\$1\" | grep -q 'token-gen show FILE'" _ "$OUT"
expect_exit 0 "--version" "$TG" --version
check "--version" [ "$OUT" = "token-gen 0.1.0" ]

finish token-gen
