#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The hardware check's surfaces (issue 16): `import --host` given records that lie (nothing
# imported, no state file touched); `check --probe --root` at hostile captures (token-gen
# probe's refusals, said by key-import, no verdict written); a last-check.json made by hand
# (status names the file, exit 5, or says the verdict was for an earlier activation); the
# hardware-policy mark deleted or edited; `registrar config host-match` given hostile values.
# Every case: the exit status, the exact stderr line, and every file of both stamps and the
# workstation unchanged (their name, mode, size, inode and mtime; the database's dump).
. "$(dirname "$0")/lib.sh"
ROOTS=$TESTDATA/hwdata/roots
T480=$ROOTS/uroot-Lenovo-ThinkPad-T480
XEON=$TESTDATA/hwdata/cpuinfo/ghw-linux-amd64-2socket-xeon
ONE=$WORK/one
export PYTHONPATH=$HERE

# As lib.sh's, with the single-host stamp; last-check.json is compared like every file.
state() {
	find "$ST" "$WS" "$ONE" \( -name .lock -o -name 'registrar.db*' \) -prune -o \
		\( -type f -printf '%p %m %s %i %T@\n' \) -o -printf '%p %m %y\n' | sort
	sqlite3 "$WS/registrar.db" .dump
}
# hostile STATUS "LINE" PROGRAM ARGS...: attack, and stderr is exactly LINE
hostile() {
	line=$2
	attack "$@"
	check "$*: the line (got: $ERR)" [ "$ERR" = "$line" ]
}

# reads "what" ARGS...: key-import ARGS exits 0, nothing on stderr, nothing changed
reads() {
	what=$1; shift
	CASES=$((CASES + 1))
	before=$(state)
	expect_exit 0 "$what" "$KI" "$@"
	check "$what: nothing on stderr" [ -z "$ERR" ]
	check "$what: nothing changed" [ "$(state)" = "$before" ]
}

# The world: east (Capacity, node1 = ThinkPad T480 and node2 = T490, policy most) at $ST,
# imported with --host (so all five state files exist); solo (Development, node1 alone) at
# $ONE, imported with --probe of the T480's capture.
"$TG" probe --root "$T480" --host node1 -o node1.json 2>/dev/null
"$TG" probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T490" --host node2 -o node2.json 2>/dev/null
"$TG" probe --root "$ROOTS/uroot-Asus-UX307LA" --host node3 -o node3.json 2>/dev/null
"$TG" init >/dev/null && "$TG" init --state-dir "$ONE" >/dev/null &&
"$TG" create --billing-model Capacity --agreement-number 42 --host node1.json --host node2.json \
	-o tok.txt >/dev/null &&
"$TG" create --state-dir "$ONE" --billing-model Development --host node1.json -o tok1.txt \
	>/dev/null &&
"$RG" init >/dev/null && "$RG" register --token tok.txt --name east >/dev/null &&
"$RG" register --token tok1.txt --name solo >/dev/null &&
"$RG" activation-key --name east -o key1.txt >/dev/null &&
"$RG" activation-key --name east -o key2.txt >/dev/null &&
"$RG" activation-key --name solo -o solo1.txt >/dev/null &&
"$RG" export-issuer-key -o issuer.pub >/dev/null &&
"$KI" trust add issuer.pub >/dev/null && "$KI" trust add --state-dir "$ONE" issuer.pub >/dev/null &&
"$KI" import --host node1.json --host node2.json key1.txt >/dev/null &&
"$KI" import --state-dir "$ONE" --probe --root "$T480" solo1.txt >/dev/null ||
	{ echo "hwimport: cannot build the world" >&2; exit 1; }
for f in activation.json serials.json trusted-time.json hardware-policy.json last-check.json; do
	check "the world: $f" [ -f "$ST/$f" ] && check "the world: $ONE/$f" [ -f "$ONE/$f" ]
done

# ---- import --host with records that lie: exit 4 or 2, nothing imported ----
# each host once, as create takes them: a record given twice, or one host under two names,
# is refused before anything is judged, the UUID never printed (it was judged, the copy
# reported as "matched a licensed host already found")
hostile 4 "key-import: node1.json: same host UUID as node1.json: give each host's record once" \
	"$KI" import --host node1.json --host node1.json key2.txt
sed 's/"name": "node1"/"name": "node9"/' node1.json >node9.json
hostile 4 "key-import: node9.json: same host UUID as node1.json: give each host's record once" \
	"$KI" import --host node1.json --host node9.json key2.txt
set --
for i in $(seq 64); do set -- "$@" --host node1.json; done
hostile 4 "key-import: node1.json: same host UUID as node1.json: give each host's record once" \
	"$KI" import "$@" key2.txt
# standard input holds one record (the second - read nothing: "invalid JSON ... near end of file")
hostile 2 "key-import: - (stdin) given twice for --host: standard input holds one file; give the others by name" \
	"$KI" import --host - --host - key2.txt
hostile 2 "key-import: - (stdin) given twice for --host: standard input holds one file; give the others by name" \
	"$KI" check --host - --host -
hostile 2 "key-import: import takes at most 64 host records (see key-import --help)" \
	"$KI" import "$@" --host node2.json key2.txt
$PY -c 'import json; r = json.load(open("node1.json")); r["manufacturer"] = "A" * 100000; json.dump(r, open("huge.json", "w"))'
hostile 4 "key-import: huge.json: file larger than 65536 bytes" "$KI" import --host node1.json --host huge.json key2.txt
hostile 4 "key-import: /dev/zero: file larger than 65536 bytes" "$KI" import --host node1.json --host /dev/zero key2.txt
$PY -c 'import sys; sys.stdout.buffer.write(open("node2.json", "rb").read().replace(b"LENOVO", b"LEN\xffVO", 1))' >latin.json
hostile 4 "key-import: latin.json: invalid JSON at line 6 column 22: unable to decode byte 0xff near '\"LEN'" \
	"$KI" import --host node1.json --host latin.json key2.txt
printf '\0' >nul.json
hostile 4 "key-import: nul.json: invalid JSON at line 1 column 1: '[' or '{' expected near end of file" \
	"$KI" import --host node1.json --host nul.json key2.txt
mkdir adir
hostile 4 "key-import: adir: is a directory" "$KI" import --host node1.json --host adir key2.txt
# a FIFO and a symlink are read as the record they give: a lying one is judged as it lies
mkfifo fifo.json
(timeout 60 cat node3.json >fifo.json &)
RL="1 of 2 licensed hosts found (1 same, 0 replaced board); policy most needs 2; capacity 2 of 2 hosts, 6 of 8 cores"
hostile 4 "key-import: key2.txt: out of compliance: $RL (nothing imported)" \
	"$KI" import --host node1.json --host fifo.json key2.txt
(timeout 60 cat huge.json >fifo.json &)
hostile 4 "key-import: fifo.json: file larger than 65536 bytes" "$KI" import --host node1.json --host fifo.json key2.txt
ln -s node3.json link.json
hostile 4 "key-import: key2.txt: out of compliance: $RL (nothing imported)" \
	"$KI" import --host node1.json --host link.json key2.txt
ln -s adir dirlink
hostile 4 "key-import: dirlink: is a directory" "$KI" import --host node1.json --host dirlink key2.txt
# the same key with the true records imports: the refusals above were the records'
expect_exit 0 "import --host, the true records" "$KI" import --host node1.json --host node2.json key2.txt
check "the true records: serial 2 imported" grep -q '"serial": 2,' "$ST/activation.json"

# ---- check --probe --root at hostile captures: token-gen probe's refusal, by key-import ----
cap() { # cap NAME: $WORK/NAME, a fresh copy of the T480's capture with a Xeon's /proc
	R=$WORK/$1
	cp -R "$T480" "$R" && mkdir "$R/proc" && cp "$XEON.cpuinfo" "$R/proc/cpuinfo" &&
		cp "$XEON.meminfo" "$R/proc/meminfo"
}
DMI=sys/firmware/dmi/tables/DMI
NOT_REG="not a regular file (refused)"
cap fifo-dmi && rm "$R/$DMI" && mkfifo "$R/$DMI"
hostile 4 "key-import: $R/$DMI: is a FIFO, $NOT_REG" timeout 10 "$KI" check --state-dir "$ONE" --probe --root "$R"
cap dir-dmi && rm "$R/$DMI" && mkdir "$R/$DMI"
hostile 4 "key-import: $R/$DMI: is a directory, $NOT_REG" "$KI" check --state-dir "$ONE" --probe --root "$R"
cap fifo-hostname && mkdir "$R/etc" && mkfifo "$R/etc/hostname"
hostile 4 "key-import: $R/etc/hostname: is a FIFO, $NOT_REG" timeout 10 "$KI" check --state-dir "$ONE" --probe --root "$R"
cap cores # a cpuinfo that lies: two sockets of 32769 cores
sed -i 's/^cpu cores\t: 6$/cpu cores\t: 32769/' "$R/proc/cpuinfo"
hostile 4 "key-import: $R/proc/cpuinfo: cpuCores 65538 is more than any host has (at most 65536)" \
	"$KI" check --state-dir "$ONE" --probe --root "$R"
# the T490's capture whose SMBIOS table links to the licensed T480's, outside the root: the
# link is followed inside the capture only (there is nothing there), never to the T480's
mkdir outside && cp "$T480/$DMI" outside/DMI
cp -R "$ROOTS/uroot-Lenovo-ThinkPad-T490" "$WORK/lnk" && rm "$WORK/lnk/$DMI"
ln -s "$WORK/outside/DMI" "$WORK/lnk/$DMI"
MISS="system UUID (no SMBIOS tables ($WORK/lnk/$DMI: cannot open: No such file or directory) and no usable /sys/class/dmi/id/product_uuid; give --system-uuid), BIOS vendor (not found; give --bios-vendor), BIOS version (not found; give --bios-version), CPU model (not found; give --cpu-model); key-import takes no VALUE FLAGS: write the record with token-gen probe and its VALUE FLAGS, then give it with --host"
hostile 3 "key-import: Could not retrieve mandatory hardware info for lnk: $MISS" \
	"$KI" check --state-dir "$ONE" --probe --root "$WORK/lnk"
rm "$WORK/lnk/$DMI" && ln -s ../../../../../outside/DMI "$WORK/lnk/$DMI"
hostile 3 "key-import: Could not retrieve mandatory hardware info for lnk: $MISS" \
	"$KI" check --state-dir "$ONE" --probe --root "$WORK/lnk"
# import --probe at the same capture: refused before anything is written
"$RG" activation-key --name solo -o solo2.txt >/dev/null
hostile 4 "key-import: $WORK/cores/proc/cpuinfo: cpuCores 65538 is more than any host has (at most 65536)" \
	"$KI" import --state-dir "$ONE" --probe --root "$WORK/cores" solo2.txt

# ---- last-check.json made by hand: unsigned local state ----
cp "$ST/last-check.json" verdict.json
# lastcheck PYTHON: last-check.json rewritten from the genuine one (v) by the statements
lastcheck() {
	rm -rf "$ST/last-check.json"
	$PY - verdict.json "$ST/last-check.json" "$1" <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))
exec(sys.argv[3])
open(sys.argv[2], "w").write(json.dumps(v) if not isinstance(v, str) else v)
PYEOF
}
WHEN=$(sed -n 's/^  "checkedAt": "\(.*\)",$/\1/p' verdict.json)
# status reads, never writes: each case is an attack (nothing changed)
lastcheck 'v["serial"] = 7'
reads "status, a verdict for serial 7" status
check "a verdict for serial 7: not the current one's" [ "$(echo "$OUT" | tail -1)" = "Hardware check  in compliance, $WHEN (for an earlier activation, serial 7)" ]
lastcheck 'v["keySha256"] = "0" * 64'
reads "status, a verdict for another key" status
check "a verdict for another key of serial 2: not the current one's" [ "$(echo "$OUT" | tail -1)" = "Hardware check  in compliance, $WHEN (for an earlier activation, serial 2)" ]
reads "status --json, a verdict for another key" status --json
check "status --json: currentActivation false" $PY -c 'import json, sys; assert json.loads(sys.argv[1])["lastCheck"]["currentActivation"] is False' "$OUT"
NOTV="not a verdict key-import wrote (damaged state: delete it, then run key-import check)"
LC=$ST/last-check.json
for edit in 'v["compliant"] = "true"' 'v["serial"] = "2"' 'v["serial"] = -1' 'del v["serial"]' \
	'v["reason"] = 5' 'v["checkedAt"] = ["x"]' 'v["checkedAt"] = "yesterday"' \
	'del v["keySha256"]' 'v["keySha256"] = v["keySha256"].upper()' 'v["reason"] = "r" * 600' \
	'v["currentActivation"] = True' 'v = "{}"'; do
	lastcheck "$edit"
	hostile 5 "key-import: $LC: $NOTV" "$KI" status
	hostile 5 "key-import: $LC: $NOTV" "$KI" status --json
done
lastcheck 'v = []'
hostile 5 "key-import: $LC: JSON is not an object" "$KI" status
lastcheck 'v["reason"] = "a\u001b[2Jb"'
hostile 5 "key-import: $LC: field \"reason\" holds a control character" "$KI" status
lastcheck 'v = "{" + " " * 1048577 + "}"'
hostile 5 "key-import: $LC: file larger than 1048576 bytes" "$KI" status
rm "$LC" && ln -s "$WORK/verdict.json" "$LC"
hostile 5 "key-import: $LC: is a symbolic link (refused)" "$KI" status
rm "$LC" && mkfifo "$LC"
hostile 5 "key-import: $LC: not a regular file" timeout 10 "$KI" status
# check replaces what it finds with its own verdict, never writing through a link; a FIFO
# it cannot replace: the verdict is printed, then exit 5 naming the file
expect_exit 5 "check, last-check.json a FIFO" timeout 10 "$KI" check --host node1.json --host node2.json
check "check, a FIFO: the line" [ "$ERR" = "key-import: $LC: not a regular file" ]
check "check, a FIFO: the verdict printed" [ "$(echo "$OUT" | tail -1)" = "in compliance: 2 of 2 licensed hosts found (2 same, 0 replaced board); policy most needs 2; capacity 2 of 2 hosts, 8 of 8 cores" ]
check "check, a FIFO: left as it was" [ -p "$LC" ]
rm "$LC" && ln -s "$WORK/verdict.json" "$LC" && cp verdict.json verdict.copy
expect_exit 0 "check, last-check.json a symlink" "$KI" check --host node1.json --host node2.json
check "check, a symlink: replaced by a file" sh -c '[ -f "$1" ] && [ ! -L "$1" ]' - "$LC"
check "check, a symlink: its target not written" cmp -s verdict.json verdict.copy
lastcheck 'v["reason"] = 5'
expect_exit 0 "check, last-check.json malformed" "$KI" check --host node1.json --host node2.json
expect_exit 0 "status after check replaced a malformed verdict" "$KI" status
check "the check's verdict, current" sh -c 'echo "$1" | tail -1 | grep -q "^Hardware check  in compliance, [^(]*$"' - "$OUT"

# ---- the hardware-policy mark deleted or edited by hand ----
# a key as a registrar before hardware policies signed it (no zip, no policy), newer serial
$PY - <<'PYEOF'
import json
from jwcrypto import jwk, jws
from jose import key_claims
issuer = jwk.JWK.from_pem(open("ws/issuer.key", "rb").read())
c = key_claims(open("key2.txt").read())
c["serial"] = 45
c["hosts"] = [{"name": h["name"], "uuid": "00000000-0000-0000-0000-0cc47a1338%02d" % i,
               "hardwareSha256": "A" * 43} for i, h in enumerate(c["hosts"])]
for k in ("hostMatch", "hostSalt", "licensed"):
    del c[k]
s = jws.JWS(json.dumps(c, separators=(",", ":")))
s.add_signature(issuer, None, json.dumps({"alg": "EdDSA", "typ": "airreg-activation-key",
                                          "kid": issuer.thumbprint()}, separators=(",", ":")))
open("legacy.txt", "w").write(s.serialize(compact=True))
PYEOF
MARK=$ST/hardware-policy.json
TAKE="the key carries no hardware policy (a registrar before hardware policies issued it), and this stamp has had one since registration east"
FROM="it would take the policy away; issue the key from an upgraded registrar: registrar activation-key --name east"
hostile 4 "key-import: legacy.txt: $TAKE, serial 1: $FROM" "$KI" import legacy.txt
cp "$MARK" mark.json
rm "$MARK" # the activation's own policy still counts as the mark
hostile 4 "key-import: legacy.txt: $TAKE, serial 2: $FROM" "$KI" import legacy.txt
echo '{"registration": "east", "serial": "1"}' >"$MARK"
hostile 5 "key-import: $MARK: field \"serial\" must be an integer" "$KI" import legacy.txt
echo '{}' >"$MARK"
hostile 5 "key-import: $MARK: missing field \"serial\"" "$KI" import legacy.txt
rm "$MARK" && ln -s "$WORK/mark.json" "$MARK"
hostile 5 "key-import: $MARK: is a symbolic link (refused)" "$KI" import legacy.txt
# the limit (docs/security.md): root who deletes the mark and the activation both takes the
# policy away; the mark is local state, as serials.json is
rm "$MARK" && "$KI" remove >/dev/null
expect_exit 0 "the mark and the activation deleted by root: the old key imports" "$KI" import legacy.txt

# ---- registrar config host-match: hostile values, exit 2, the database unchanged ----
HM="registrar: host-match must be all, most, any or a count 1 to 64, not"
for v in "most " "2 " " 2" 0 65 "" "+2" "0x10" "1e1" "99999999999999999999" "MOST" "２" "müst"; do
	hostile 2 "$HM \"$v\"" "$RG" config host-match "$v"
done
hostile 2 "$HM \"11111111111111111111\"" "$RG" config host-match "$(printf '%0100000d' 0 | tr 0 1)"
hostile 2 "registrar: unknown option or missing value: -1 (see registrar --help)" "$RG" config host-match -1
hostile 2 "registrar: an argument holds a control character" "$RG" config host-match "$(printf '2\033[2J')"
hostile 2 "registrar: an argument is not valid UTF-8" "$RG" config host-match "$(printf '\377')"
# a value put in the table by hand is no policy: activation-key refuses to issue from it
sqlite3 "$WS/registrar.db" "INSERT OR REPLACE INTO settings (name, value) VALUES ('host-match', '65')"
hostile 5 "registrar: the settings table holds host-match \"65\", no policy (registrar config host-match POLICY sets one)" \
	"$RG" activation-key --name east -o refused.txt

done_attacks hwimport
