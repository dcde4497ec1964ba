#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# key-import check end to end (issue 16, parts 3 and 4): host records probed from real
# captures, a Capacity token of three of them, keys under "most" and "all", then the given
# hardware checked against the imported activation: exit status, every stdout line, the one
# stderr line, and the state directory unchanged.
. "$(dirname "$0")/lib.sh"
scratch
ROOTS=$TESTDATA/hwdata/roots

# five machines that need no VALUE FLAGS (tests/bench/hosts.py): three licensed, two others
probe() { "$TG" probe --root "$ROOTS/$1" --host "$2" -o "$2.json" 2>/dev/null; }
probe uroot-Lenovo-ThinkPad-T480 node1      # 4 cores, serial and board serial
probe uroot-Lenovo-ThinkPad-T490 node2      # 4 cores
probe uroot-Asus-UX307LA node3              # 2 cores, no board serial
probe uroot-Toshiba-Satellite-Pro-L70-A node4  # 2 cores
probe uroot-Lenovo-ThinkPad-W510 node5      # 4 cores
"$TG" init >/dev/null
"$TG" create --billing-model Capacity --agreement-number 42 --host node1.json --host node2.json --host node3.json -o tok.txt >/dev/null
"$RG" init >/dev/null
"$RG" register --token tok.txt --name east >/dev/null
"$RG" activation-key --name east -o most.txt >/dev/null
"$RG" activation-key --name east --host-match all -o all.txt >/dev/null
"$RG" export-issuer-key -o issuer.pub >/dev/null
"$KI" trust add issuer.pub >/dev/null

# a record edited as a firmware update and a board replacement would change it
sed 's/"N22ET52W (1.29 )"/"N22ET60W (1.37 )"/' node1.json >node1-bios.json
sed 's/"uuid": "161674cc-2a1e-11b2-a85c-e121881d01b9"/"uuid": "161674cc-2a1e-11b2-a85c-000000000001"/' node1.json >node1-board.json
check "the edits took" sh -c '! cmp -s node1.json node1-bios.json && ! cmp -s node1.json node1-board.json'

# expect_check STATUS "what" "stdout lines" "stderr line" ARGS...
expect_check() {
	want=$1; what=$2; lines=$3; line=$4; shift 4
	before=$(snapshot "$ST")
	expect_exit "$want" "$what" "$KI" check "$@"
	check "$what: stdout" [ "$OUT" = "$lines" ]
	[ "$OUT" = "$lines" ] || printf 'got:\n%s\nwant:\n%s\n' "$OUT" "$lines"
	check "$what: stderr" [ "$ERR" = "$line" ]
	[ "$ERR" = "$line" ] || printf 'got: %s\nwant: %s\n' "$ERR" "$line"
	check "$what: nothing written" [ "$(snapshot "$ST")" = "$before" ]
}
NL='
'

expect_check 5 "nothing imported" "" "key-import: $ST: nothing activated here: import a key first (key-import import FILE)" --host node1.json
expect_exit 2 "check without --host" "$KI" check
one_line_error "check without --host" "check needs --host FILE"

"$KI" import most.txt >/dev/null
CAP3="capacity 3 of 3 hosts, 10 of 10 cores"
expect_check 0 "the same three hosts" "node1: same${NL}node2: same${NL}node3: same${NL}in compliance: 3 of 3 licensed hosts found (3 same, 0 replaced board); policy most needs 2; $CAP3" "" --host node1.json --host node2.json --host node3.json
expect_check 0 "files after --host" "node1: same${NL}node2: same${NL}node3: same${NL}in compliance: 3 of 3 licensed hosts found (3 same, 0 replaced board); policy most needs 2; $CAP3" "" --host node3.json node2.json node1.json
expect_check 0 "a firmware update" "node1: same, firmware changed (BIOS N22ET52W (1.29 ) → N22ET60W (1.37 ))${NL}node2: same${NL}node3: same${NL}in compliance: 3 of 3 licensed hosts found (3 same, 0 replaced board); policy most needs 2; $CAP3" "" --host node1-bios.json --host node2.json --host node3.json
expect_check 0 "a board replaced in place" "node1: replaced board (now node1)${NL}node2: same${NL}node3: same${NL}in compliance: 3 of 3 licensed hosts found (2 same, 1 replaced board); policy most needs 2; $CAP3" "" --host node1-board.json --host node2.json --host node3.json
expect_check 0 "one host replaced, under most" "node1: same${NL}node2: same${NL}node3: missing${NL}node4: new${NL}in compliance: 2 of 3 licensed hosts found (2 same, 0 replaced board); policy most needs 2; $CAP3" "" --host node1.json --host node2.json --host node4.json
R2="1 of 3 licensed hosts found (1 same, 0 replaced board); policy most needs 2; capacity 3 of 3 hosts, 10 of 10 cores"
expect_check 4 "two of three replaced, under most" "node1: same${NL}node2: missing${NL}node3: missing${NL}node4: new${NL}node5: new${NL}out of compliance: $R2" "key-import: check: out of compliance: $R2" --host node1.json --host node4.json --host node5.json
R4="3 of 3 licensed hosts found (3 same, 0 replaced board); policy most needs 2; capacity exceeded: 4 hosts given, 3 licensed and 12 cores given, 10 licensed"
expect_check 4 "a fourth host on a Capacity stamp licensed for 3" "node1: same${NL}node2: same${NL}node3: same${NL}node4: new${NL}out of compliance: $R4" "key-import: check: out of compliance: $R4" --host node1.json --host node2.json --host node3.json --host node4.json
RD="2 of 3 licensed hosts found (2 same, 0 replaced board); policy most needs 2; 1 given host matched a licensed host already found; capacity 2 of 3 hosts, 8 of 10 cores"
expect_check 0 "a record given twice" "node1: same${NL}node2: same${NL}node3: missing${NL}node1: duplicate of node1${NL}in compliance: $RD" "" --host node1.json --host node2.json --host node1.json

# the JSON report, read back
expect_exit 4 "--json out of compliance" "$KI" check --json --host node1.json --host node2.json --host node3.json --host node4.json
check "--json: the one stderr line" [ "$ERR" = "key-import: check: out of compliance: $R4" ]
printf '%s\n' "$OUT" >report.json
check "--json read back by python" $PY - <<PYEOF
import json
r = json.load(open("report.json"))
assert r["compliant"] is False and r["policy"] == "most" and r["needs"] == 2, r
assert [(h["name"], h["result"], h["given"]) for h in r["licensed"]] == [
    ("node1", "same", "node1"), ("node2", "same", "node2"), ("node3", "same", "node3")], r
assert [(g["name"], g["result"], g["licensed"]) for g in r["given"]] == [
    ("node1", "matched", "node1"), ("node2", "matched", "node2"), ("node3", "matched", "node3"),
    ("node4", "new", None)], r
assert r["capacity"] == {"hosts": {"given": 4, "licensed": 3},
                         "cpuCores": {"given": 12, "licensed": 10}}, r
assert r["reason"] == "$R4", r
PYEOF
expect_exit 0 "--json firmware drift" "$KI" check --json --host node1-bios.json --host node2.json --host node3.json
printf '%s\n' "$OUT" >report.json
check "--json drift read back by python" $PY - <<'PYEOF'
import json
r = json.load(open("report.json"))
assert r["compliant"] is True, r
assert r["licensed"][0]["firmware"] == {"biosVersion": {"was": "N22ET52W (1.29 )", "now": "N22ET60W (1.37 )"}}, r
assert r["licensed"][0]["inventory"] is None and r["licensed"][1]["firmware"] is None, r
PYEOF

# under "all", one host replaced is out of compliance
"$KI" import all.txt >/dev/null
RA="2 of 3 licensed hosts found (2 same, 0 replaced board); policy all needs 3; capacity 3 of 3 hosts, 10 of 10 cores"
expect_check 4 "one host replaced, under all" "node1: same${NL}node2: same${NL}node3: missing${NL}node4: new${NL}out of compliance: $RA" "key-import: check: out of compliance: $RA" --host node1.json --host node2.json --host node4.json

# a key from a registrar before hardware policies: nothing to check against
$PY - <<'PYEOF'
import base64, json, zlib
from jwcrypto import jws, jwk
issuer = jwk.JWK.from_pem(open("ws/issuer.key", "rb").read())
p = open("all.txt").read().split(".")[1]
c = json.loads(zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15))
for k in ("hostMatch", "hostSalt", "licensed"):
    del c[k]
c["serial"] = 3
c["hosts"] = [{"name": h["name"], "uuid": "00000000-0000-0000-0000-0cc47a1338%02d" % i,
               "hardwareSha256": "A" * 43} for i, h in enumerate(c["hosts"])]
s = jws.JWS(json.dumps(c, separators=(",", ":")))
s.add_signature(issuer, None, json.dumps({"alg": "EdDSA", "typ": "airreg-activation-key",
                                          "kid": issuer.thumbprint()}, separators=(",", ":")))
open("legacy.txt", "w").write(s.serialize(compact=True))
PYEOF
expect_exit 0 "a key before hardware policies imports" "$KI" import legacy.txt
expect_check 5 "a key without a hardware policy" "" "key-import: $ST: the activation's key carries no hardware policy (a registrar before hardware policies issued it): issue a new key on the workstation: registrar activation-key --name east" --host node1.json

# the token's format 2 (issue 16 part 5): its hosts cross the gap as the stamp's digests, and
# the key carries them copied (the token's salt); check then matches as above
check "the token is format 2 and the key copied its salt and digests" $PY - <<'PYEOF'
import base64, json, zlib
def claims(f):
    p = open(f).read().split(".")[1]
    return json.loads(zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15))
t, k = claims("tok.txt"), claims("most.txt")
assert t["version"] == 2 and t["hostSalt"] == k["hostSalt"], (t.get("hostSalt"), k["hostSalt"])
assert [h["uuid"] for h in t["hosts"]] == [h["uuid"] for h in k["hosts"]]
assert json.load(open("node1.json"))["uuid"] not in open("tok.txt").read()
PYEOF
# a format-1 token (tests/data/token-v1.txt: samples/, before format 2) still makes a key the
# stamp's own records satisfy, and another capture's do not: the registrar digests them
mkdir -m 700 stamp-v1 ws-v1
cp "$HOSTS/../TEST-ONLY-stamp.key" stamp-v1/stamp.key && chmod 600 stamp-v1/stamp.key
openssl pkey -in stamp-v1/stamp.key -pubout -out stamp-v1/stamp.pub
echo 5a3b1e00-aaaa-4bbb-8ccc-000000000001 > stamp-v1/cloud-id
V1="env TZ=UTC faketime 2026-12-01T22:49:49 env AIRREG_DATA_DIR=$WORK/ws-v1"
$V1 "$RG" init >/dev/null
$V1 "$RG" register --token "$TESTDATA/token-v1.txt" --name old >/dev/null
$V1 "$RG" activation-key --name old --valid-days 3650 -o v1key.txt >/dev/null
$V1 "$RG" export-issuer-key -o issuer-v1.pub >/dev/null
ST=$WORK/stamp-v1
"$KI" trust add issuer-v1.pub --state-dir "$ST" >/dev/null
expect_exit 0 "a key of a format-1 token imports" "$KI" import v1key.txt --state-dir "$ST"
OK1="node1: same${NL}node2: same${NL}node3: same${NL}in compliance: 3 of 3 licensed hosts found (3 same, 0 replaced board); policy most needs 2; capacity 3 of 3 hosts, 40 of 40 cores"
expect_check 0 "format 1: the stamp's own records" "$OK1" "" --state-dir "$ST" --host "$HOSTS/node1.json" --host "$HOSTS/node2.json" --host "$HOSTS/node3.json"
R1="1 of 3 licensed hosts found (1 same, 0 replaced board); policy most needs 2; capacity 3 of 3 hosts, 10 of 40 cores"
expect_check 4 "format 1: two hosts of another capture" "node1: same${NL}node2: missing${NL}node3: missing${NL}node4: new${NL}node5: new${NL}out of compliance: $R1" "key-import: check: out of compliance: $R1" --state-dir "$ST" --host "$HOSTS/node1.json" --host node4.json --host node5.json

finish check
