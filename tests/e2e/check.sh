#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# key-import check end to end (issue 16, parts 3 and 4): host records probed from real
# captures, a Capacity token of three of them, keys under "most" and "all", then the given
# hardware checked against the imported activation: exit status, every stdout line, the one
# stderr line, and the state directory unchanged. Then a single-host stamp: check --probe
# (--root a capture) and import --host|--probe, which refuse before anything is written.
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

# verdict_kept DIR "verdict line": DIR/last-check.json holds that verdict (in or out of
# compliance, the reason), an ISO UTC time, the activation's serial and key SHA-256, and the
# mode of the state directory's other files
verdict_kept() {
	$PY - "$1" "$2" <<'PYEOF'
import json, os, re, sys
d, last = sys.argv[1], sys.argv[2]
v = json.load(open(d + "/last-check.json"))
a = json.load(open(d + "/activation.json"))
assert v["compliant"] is last.startswith("in compliance: "), (v, last)
assert v["reason"] == last.split(": ", 1)[1], (v, last)
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v["checkedAt"]), v
assert v["serial"] == a["serial"] and v["keySha256"] == a["keySha256"], v
mode = lambda f: os.stat(d + "/" + f).st_mode & 0o777
assert mode("last-check.json") == mode("activation.json"), oct(mode("last-check.json"))
PYEOF
}
# but_verdict DIR: the snapshot of DIR without last-check.json, which check writes
but_verdict() { snapshot "$1" | grep -v '^[0-9a-f]*  \./last-check\.json$\|^\./last-check\.json '; }
# expect_in DIR STATUS "what" "stdout lines" "stderr line" ARGS...: key-import ARGS on the
# stamp DIR; a check that judged (0 or 4) wrote its verdict and nothing else, any other run
# (a refused import, a failed probe, a check with no report) wrote nothing at all
expect_in() {
	dir=$1; want=$2; w=$3; lines=$4; line=$5; shift 5
	before=$(snapshot "$dir"); before_but=$(but_verdict "$dir")
	expect_exit "$want" "$w" env AIRREG_STATE_DIR="$dir" "$KI" "$@"
	check "$w: stdout" [ "$OUT" = "$lines" ]
	[ "$OUT" = "$lines" ] || printf 'got:\n%s\nwant:\n%s\n' "$OUT" "$lines"
	check "$w: stderr" [ "$ERR" = "$line" ]
	[ "$ERR" = "$line" ] || printf 'got: %s\nwant: %s\n' "$ERR" "$line"
	if [ "$1" = check ] && [ -n "$lines" ]; then
		check "$w: nothing written but the verdict" [ "$(but_verdict "$dir")" = "$before_but" ]
		case $* in *--json*) ;; *) check "$w: the verdict kept" verdict_kept "$dir" "$(printf '%s\n' "$OUT" | tail -1)" ;; esac
	else
		check "$w: nothing written" [ "$(snapshot "$dir")" = "$before" ]
	fi
}
# expect_check STATUS "what" "stdout lines" "stderr line" ARGS...: check ARGS on $ST
expect_check() { a1=$1; a2=$2; a3=$3; a4=$4; shift 4; expect_in "$ST" "$a1" "$a2" "$a3" "$a4" check "$@"; }
NL='
'

expect_check 5 "nothing imported" "" "key-import: $ST: nothing activated here: import a key first (key-import import FILE)" --host node1.json
expect_exit 2 "check without --host" "$KI" check
one_line_error "check without --host" "check needs --host FILE"

"$KI" import most.txt >/dev/null
# the last check's verdict in status: none yet
ISO='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'
expect_exit 0 "status before any check" "$KI" status
check "status: Hardware check none" [ "$(printf '%s\n' "$OUT" | tail -1)" = "Hardware check  none" ]
expect_exit 0 "status --json before any check" "$KI" status --json
check "status --json: lastCheck null" $PY -c 'import json, sys; assert json.loads(sys.argv[1])["lastCheck"] is None' "$OUT"
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
# each host once, as token-gen create takes them (was "node1: duplicate of node1", in
# compliance, the copy counted for nothing: a clone under another name hid from capacity);
# refused before any judgement, nothing recorded, the UUID never printed
expect_check 4 "a record given twice" "" "key-import: node1.json: same host UUID as node1.json: give each host's record once" --host node1.json --host node2.json --host node1.json
sed 's/"name": "node1"/"name": "node1b"/' node1.json >node1b.json
expect_check 4 "one host under two names" "" "key-import: node1b.json: same host UUID as node1.json: give each host's record once" --host node1.json --host node2.json --host node3.json --host node1b.json
expect_check 4 "two hosts of one name" "" "key-import: node1-board.json: same host name as node1.json (node1): give each host's record once" --host node1.json --host node1-board.json

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
expect_exit 0 "status after a check" "$KI" status
check "status: the last check, in compliance" sh -c 'printf "%s\n" "$1" | tail -1 | grep -qx "Hardware check  in compliance, $2"' - "$OUT" "$ISO"
"$KI" import all.txt >/dev/null
expect_exit 0 "status after a new key" "$KI" status
check "status: the last check was for serial 1" sh -c 'printf "%s\n" "$1" | tail -1 | grep -qx "Hardware check  in compliance, $2 (for an earlier activation, serial 1)"' - "$OUT" "$ISO"
expect_exit 0 "status --json after a new key" "$KI" status --json
check "status --json: lastCheck of serial 1, not the current activation" $PY -c '
import json, re, sys
c = json.loads(sys.argv[1])["lastCheck"]
assert c["compliant"] is True and c["serial"] == 1 and c["currentActivation"] is False, c
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c["checkedAt"]) and c["reason"].startswith("3 of 3 licensed hosts found"), c' "$OUT"
RA="2 of 3 licensed hosts found (2 same, 0 replaced board); policy all needs 3; capacity 3 of 3 hosts, 10 of 10 cores"
expect_check 4 "one host replaced, under all" "node1: same${NL}node2: same${NL}node3: missing${NL}node4: new${NL}out of compliance: $RA" "key-import: check: out of compliance: $RA" --host node1.json --host node2.json --host node4.json
# --probe reads one machine: on a stamp of three hosts it is refused, nothing recorded (was
# "node1: same, node2: missing, node3: missing ... out of compliance", the verdict kept)
expect_check 2 "--probe on a stamp of three hosts" "" "key-import: --probe checks a single-host stamp: this activation licenses 3 hosts; give every host's record with --host (token-gen probe on each)" --probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T480"
# import --probe the same, of a key of three hosts (the one imported; a key not imported yet
# goes through the same check first): it was judged by one machine, "1 of 3 found"
expect_in "$ST" 2 "import --probe of a key of three hosts" "" "key-import: --probe checks a single-host stamp: this key licenses 3 hosts; give every host's record with --host (token-gen probe on each)" import --probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T480" all.txt
# the clock a day behind the trusted time: refused as import refuses it, nothing recorded
# (was a verdict dated before the key it judged was issued)
IAT=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["latestIssuedAt"])' "$ST/trusted-time.json")
before=$(snapshot "$ST")
expect_exit 5 "check, the clock set back" env TZ=UTC faketime -f "$(date -u -d "@$((IAT - 86400))" '+%Y-%m-%d %H:%M:%S')" "$KI" check --host node1.json --host node2.json --host node3.json
check "the clock set back: the line" [ "$ERR" = "key-import: check: the clock ($(date -u -d "@$((IAT - 86400))" '+%Y-%m-%dT%H:%M:%SZ')) is 1 day behind the latest time this stamp has trusted ($(date -u -d "@$IAT" '+%Y-%m-%dT%H:%M:%SZ')); set the clock right (runbook, \"The clock\")" ]
check "the clock set back: nothing on stdout" [ -z "$OUT" ]
check "the clock set back: nothing written" [ "$(snapshot "$ST")" = "$before" ]
# the wrong file on the stamp: where it goes from here (was "carry it to the stamp")
expect_check 4 "an activation key given as a host record" "" "key-import: all.txt: this is an activation key: key-import import all.txt takes it; --host takes host records (token-gen probe)" --host node1.json all.txt

# --- check --probe: this machine alone, probed as token-gen probe probes it --------------
expect_exit 2 "--probe and --host" "$KI" check --probe --host node1.json
check "--probe and --host: the line" [ "$ERR" = "key-import: check: --probe and --host are exclusive (this machine, or the records given) (see key-import --help)" ]
expect_exit 2 "--root without --probe" "$KI" check --root "$ROOTS/uroot-Lenovo-ThinkPad-W510" --host node1.json
check "--root without --probe: the line" [ "$ERR" = "key-import: check: --root applies to --probe only (see key-import --help)" ]
expect_exit 2 "check --probe FILE" "$KI" check --probe node1.json
one_line_error "check --probe FILE" "check --probe takes no argument \"node1.json\""
expect_exit 2 "import --probe and --host" "$KI" import --probe --host node1.json most.txt
one_line_error "import --probe and --host" "import: --probe and --host are exclusive"
# a single-host stamp (an appliance): its own state directory, a key for node5 (the W510)
SOLO=$WORK/solo
solo() { AIRREG_STATE_DIR=$SOLO "$@"; }
solo "$TG" init >/dev/null
solo "$TG" create --billing-model Capacity --agreement-number 43 --host node5.json -o solo-tok.txt >/dev/null
"$RG" register --token solo-tok.txt --name solo >/dev/null
"$RG" activation-key --name solo -o solo.txt >/dev/null
"$RG" activation-key --name solo -o solo2.txt >/dev/null
solo "$KI" trust add issuer.pub >/dev/null
RS1="1 of 1 licensed host found (1 same, 0 replaced board); policy most needs 1; capacity 1 of 1 hosts, 4 of 4 cores"
R0="0 of 1 licensed host found (0 same, 0 replaced board); policy most needs 1; capacity 1 of 1 hosts, 4 of 4 cores"
# expect_solo STATUS "what" "stdout lines" "stderr line" ARGS...: as expect_check, on $SOLO
expect_solo() { a1=$1; a2=$2; a3=$3; a4=$4; shift 4; expect_in "$SOLO" "$a1" "$a2" "$a3" "$a4" "$@"; }
expect_solo 5 "--probe, nothing imported" "" "key-import: $SOLO: nothing activated here: import a key first (key-import import FILE)" check --probe --root "$ROOTS/uroot-Lenovo-ThinkPad-W510"

# --- import --host|--probe: the key checked against the hardware before anything is written
expect_solo 4 "import --probe on other hardware" "node5: missing${NL}uroot-Lenovo-ThinkPad-T490: new${NL}out of compliance: $R0" "key-import: solo.txt: out of compliance: $R0 (nothing imported)" import --probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T490" solo.txt
expect_solo 4 "import --host other records" "node5: missing${NL}node1: new${NL}out of compliance: $R0" "key-import: solo.txt: out of compliance: $R0 (nothing imported)" import --host node1.json solo.txt
# a placeholder UUID (the AMI template) with no serial: a record no key could ever find
# (hostmatch never matches a placeholder), refused as a record before any key is read
sed 's/"uuid": "[^"]*"/"uuid": "03000200-0400-0500-0006-000700080009"/' node5.json | grep -v '"serial"\|"boardSerial"' >node5-placeholder.json
check "the placeholder edit took" grep -q 03000200-0400-0500-0006-000700080009 node5-placeholder.json
expect_solo 4 "import --host a placeholder UUID record" "" "key-import: node5-placeholder.json: \"uuid\" 03000200-0400-0500-0006-000700080009 is a placeholder (a firmware template value shared by many machines): it tells no machine apart; probe the host again (token-gen probe), or give its real UUID (--system-uuid)" import --host node5-placeholder.json solo.txt
expect_solo 4 "import --dry-run --host other records" "node5: missing${NL}node1: new${NL}out of compliance: $R0" "key-import: solo.txt: out of compliance: $R0 (nothing imported)" import --dry-run --host node1.json solo.txt
expect_exit 2 "import --host without a key" env AIRREG_STATE_DIR="$SOLO" "$KI" import --host node5.json
one_line_error "import --host without a key" "import takes one FILE (or -)"
expect_exit 0 "import --probe on the hardware of the key" env AIRREG_STATE_DIR="$SOLO" "$KI" import --probe --root "$ROOTS/uroot-Lenovo-ThinkPad-W510" solo.txt
check "import --probe: the report, then the import" [ "$(printf '%s\n' "$OUT" | head -2)" = "node5: same${NL}in compliance: $RS1" ]
check "import --probe: imported" [ "$(printf '%s\n' "$OUT" | sed -n 3p | cut -d: -f1-2)" = "key-import: imported solo.txt" ]
check "import --probe: activation.json written" [ -f "$SOLO/activation.json" ]
# the arguments after --host are records too (a glob), the key last
expect_solo 4 "import --host a record twice" "" "key-import: node5.json: same host UUID as node5.json: give each host's record once" import --host node5.json node5.json solo2.txt
# a host record where the key goes: the key taken as a record, the record as the key
expect_solo 4 "import KEY --host RECORD RECORD" "" "key-import: node1.json: this is a host record (token-gen probe): give it after --host" import solo2.txt --host node5.json node1.json
expect_exit 0 "import --host the records of the key" env AIRREG_STATE_DIR="$SOLO" "$KI" import --host node5.json solo2.txt
check "import --host: the record, the key last" [ "$(printf '%s\n' "$OUT" | head -2)" = "node5: same${NL}in compliance: $RS1" ]
check "import --host: serial 2 imported" grep -q '^  "serial": 2,' "$SOLO/activation.json"
check "import --host: its verdict kept" verdict_kept "$SOLO" "$(printf '%s\n' "$OUT" | sed -n 2p)"
# the key imported already, given again with --host: the hardware is judged all the same
# (was "already imported", exit 0, whatever the records, even ones that do not exist)
expect_solo 4 "import --host of the key imported, no such record" "" "key-import: nothing.json: cannot open: No such file or directory" import --host nothing.json solo2.txt
before_but=$(but_verdict "$SOLO")
expect_exit 4 "import --host of the key imported, other hardware" env AIRREG_STATE_DIR="$SOLO" "$KI" import --host node1.json solo2.txt
check "already imported, other hardware: the report" [ "$OUT" = "node5: missing${NL}node1: new${NL}out of compliance: $R0" ]
check "already imported, other hardware: the line" [ "$ERR" = "key-import: solo2.txt: already imported; out of compliance: $R0" ]
check "already imported, other hardware: the verdict kept" verdict_kept "$SOLO" "out of compliance: $R0"
check "already imported, other hardware: nothing else written" [ "$(but_verdict "$SOLO")" = "$before_but" ]
expect_exit 0 "import --host of the key imported, its hardware" env AIRREG_STATE_DIR="$SOLO" "$KI" import --host node5.json solo2.txt
check "already imported, its hardware: the report" [ "$(printf '%s\n' "$OUT" | head -3 | cut -d: -f1-3)" = "node5: same${NL}in compliance: $RS1${NL}key-import: solo2.txt: already imported, nothing changed" ]
check "already imported, its hardware: the verdict kept" verdict_kept "$SOLO" "in compliance: $RS1"
check "already imported, its hardware: nothing else written" [ "$(but_verdict "$SOLO")" = "$before_but" ]
expect_exit 0 "status after import --host" env AIRREG_STATE_DIR="$SOLO" "$KI" status
check "status: import's check, in compliance" sh -c 'printf "%s\n" "$1" | tail -1 | grep -qx "Hardware check  in compliance, $2"' - "$OUT" "$ISO"
# an activation.json copied in from another stamp's directory: its key genuine, signed by the
# trusted issuer, but for the other stamp (it was judged against the other stamp's hosts)
kid_of() { $PY -c 'from jwcrypto import jwk; import sys; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' "$1"; }
cp -p "$ST/activation.json" st-kept.json && cp -p "$SOLO/activation.json" "$ST/activation.json"
OTHER="key-import: $ST: activation.json: holds a key for another stamp (key is for another stamp: registration solo, CloudId $(cat "$SOLO/cloud-id") (stamp key $(kid_of "$SOLO/stamp.pub")); this stamp is CloudId $(cat "$ST/cloud-id") (stamp key $(kid_of "$ST/stamp.pub"))): copied in by hand; import this stamp's own key"
expect_in "$ST" 5 "check, another stamp's activation.json" "" "$OTHER" check --state-dir "$ST" --host node5.json
cp -p st-kept.json "$ST/activation.json"

expect_solo 0 "--probe, the capture the key was issued for" "node5: same${NL}in compliance: $RS1" "" check --probe --root "$ROOTS/uroot-Lenovo-ThinkPad-W510"
expect_exit 0 "--probe --json" env AIRREG_STATE_DIR="$SOLO" "$KI" check --probe --json --root "$ROOTS/uroot-Lenovo-ThinkPad-W510"
printf '%s\n' "$OUT" >report.json
check "--probe --json read back by python" $PY - <<'PYEOF'
import json
r = json.load(open("report.json"))
w = "uroot-Lenovo-ThinkPad-W510"  # probe names the host after its root
assert r["compliant"] is True and r["needs"] == 1, r
assert [(h["name"], h["result"], h["given"]) for h in r["licensed"]] == [("node5", "same", w)], r
assert [(g["name"], g["result"]) for g in r["given"]] == [(w, "matched")], r
PYEOF
# issue 16 part 6: the stamp's state directory copied to other hardware
cp -Rp "$SOLO" "$WORK/copied"
SOLO=$WORK/copied
expect_exit 0 "status of the copied state directory" env AIRREG_STATE_DIR="$SOLO" "$KI" status --json
check "status --json: lastCheck in compliance, the current activation" $PY -c '
import json, sys
c = json.loads(sys.argv[1])["lastCheck"]
assert c["compliant"] is True and c["serial"] == 2 and c["currentActivation"] is True, c' "$OUT"
expect_solo 4 "the state directory copied to other hardware" "node5: missing${NL}uroot-Lenovo-ThinkPad-T490: new${NL}out of compliance: $R0" "key-import: check: out of compliance: $R0" check --probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T490"
expect_exit 0 "status: out of compliance" env AIRREG_STATE_DIR="$SOLO" "$KI" status
check "status: the last check, out of compliance, and why" sh -c 'printf "%s\n" "$1" | tail -1 | grep -qx "Hardware check  out of compliance, $2: $3"' - "$OUT" "$ISO" "$R0"
# a verdict that cannot be kept: printed, then exit 5 naming the file, the old one kept
mv "$SOLO/last-check.json" kept.json && mkdir "$SOLO/last-check.json"
before=$(but_verdict "$SOLO")
expect_exit 5 "check, the verdict not writable" env AIRREG_STATE_DIR="$SOLO" "$KI" check --probe --root "$ROOTS/uroot-Lenovo-ThinkPad-W510"
check "not writable: the verdict printed" [ "$OUT" = "node5: same${NL}in compliance: $RS1" ]
check "not writable: the line names the file" [ "$ERR" = "key-import: $SOLO/last-check.json: not a regular file" ]
check "not writable: nothing else written" [ "$(but_verdict "$SOLO")" = "$before" ]
rmdir "$SOLO/last-check.json" && mv kept.json "$SOLO/last-check.json"
# a capture whose UUID is the AMI template: probe's own refusal, said by key-import
"$TG" probe --root "$ROOTS/uroot-Synology-RS3614xsp" -o tg-refused.json 2>tg.err
check "token-gen wrote no record of the placeholder capture" [ ! -e tg-refused.json ]
check "token-gen refuses the placeholder capture" grep -q "^token-gen: Could not retrieve mandatory hardware info for uroot-Synology-RS3614xsp: system UUID" tg.err
# token-gen's advice ("give --system-uuid") is a flag key-import does not take: said so
VF="; key-import takes no VALUE FLAGS: write the record with token-gen probe and its VALUE FLAGS, then give it with --host"
check "token-gen's line names a VALUE FLAG" grep -q "give --system-uuid" tg.err
expect_solo 3 "--probe of a placeholder UUID capture" "" "$(sed 's/^token-gen:/key-import:/' tg.err)$VF" check --probe --root "$ROOTS/uroot-Synology-RS3614xsp"
# a capture that lies (a core count no machine has): exit 4 as token-gen probe
cp -R "$ROOTS/uroot-Lenovo-ThinkPad-W510" liar && mkdir liar/proc &&
	printf 'processor\t: 0\nphysical id\t: 0\ncpu cores\t: 2147483647\nmodel name\t: X\n' >liar/proc/cpuinfo
"$TG" probe --root liar -o tg-refused.json 2>tg.err
check "token-gen wrote no record of the lying capture" [ ! -e tg-refused.json ]
check "token-gen refuses the lying capture" grep -q "is more than any host has" tg.err
expect_solo 4 "--probe of a capture that lies" "" "$(sed 's/^token-gen:/key-import:/' tg.err)" check --probe --root liar

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
# here, where keys with a policy were imported, it would take the policy away: refused
expect_in "$ST" 4 "a key before hardware policies, after keys with one" "" "key-import: legacy.txt: the key carries no hardware policy (a registrar before hardware policies issued it), and this stamp has had one since registration east, serial 1: it would take the policy away; issue the key from an upgraded registrar: registrar activation-key --name east" import legacy.txt
expect_in "$ST" 4 "import --host of a key before hardware policies" "" "key-import: legacy.txt: the key carries no hardware policy (a registrar before hardware policies issued it), and this stamp has had one since registration east, serial 1: it would take the policy away; issue the key from an upgraded registrar: registrar activation-key --name east" import --host node1.json legacy.txt
# a stamp that never had one (the same identity, nothing imported) takes it, and check says
# there is nothing to check against; import --host of it is refused, nothing written
OLD=$WORK/older
mkdir -m 700 "$OLD" && cp -Rp "$ST/cloud-id" "$ST/stamp.key" "$ST/stamp.pub" "$ST/trusted" "$OLD/"
expect_in "$OLD" 4 "import --host of a key before hardware policies, on a stamp without one" "" "key-import: legacy.txt: the key carries no hardware policy to check the hardware given against (a registrar before hardware policies issued it): import it without --host" import --host node1.json legacy.txt
expect_exit 0 "a key before hardware policies imports" env AIRREG_STATE_DIR="$OLD" "$KI" import legacy.txt
expect_in "$OLD" 5 "a key without a hardware policy" "" "key-import: $OLD: the activation's key carries no hardware policy (a registrar before hardware policies issued it): issue a new key on the workstation: registrar activation-key --name east" check --host node1.json

# serials two licensed hosts share prove neither (the review's case): node2 and node2d (node2's
# record with a new UUID and name) licensed under "all"; node2 and a third record with the same
# serials and another new UUID were "node2: same, node2d: replaced board (now node2e)", in
# compliance with one machine's serials
TWIN=$WORK/twin
sed 's/"uuid": "[^"]*"/"uuid": "0a0b0c0d-0000-4000-8000-00000000002d"/; s/"name": "node2"/"name": "node2d"/' node2.json >node2d.json
sed 's/"uuid": "[^"]*"/"uuid": "0a0b0c0d-0000-4000-8000-00000000002e"/; s/"name": "node2"/"name": "node2e"/' node2.json >node2e.json
check "the twin edits took" sh -c 'grep -q 2d\" node2d.json && grep -q 2e\" node2e.json'
AIRREG_STATE_DIR=$TWIN "$TG" init >/dev/null
AIRREG_STATE_DIR=$TWIN "$TG" create --billing-model Capacity --agreement-number 44 --host node2.json --host node2d.json -o twin-tok.txt >/dev/null
"$RG" register --token twin-tok.txt --name twin >/dev/null
"$RG" activation-key --name twin --host-match all -o twin.txt >/dev/null
AIRREG_STATE_DIR=$TWIN "$KI" trust add issuer.pub >/dev/null
AIRREG_STATE_DIR=$TWIN "$KI" import twin.txt >/dev/null
RW="1 of 2 licensed hosts found (1 same, 0 replaced board); policy all needs 2; capacity 2 of 2 hosts, 8 of 8 cores"
expect_in "$TWIN" 4 "shared serials decide no replaced board" "node2: same${NL}node2d: missing${NL}node2e: new${NL}out of compliance: $RW" "key-import: check: out of compliance: $RW" check --host node2.json --host node2e.json
expect_in "$TWIN" 4 "node2's record under another name" "" "key-import: n2copy.json: same host UUID as node2.json: give each host's record once" check --host node2.json --host "$(sed 's/"name": "node2"/"name": "n2copy"/' node2.json >n2copy.json && echo n2copy.json)"

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


# issue 16's review of last-check.json and status (on the format-1 stamp above, key serial 1).
# 1. check judges outside the lock: an import of a newer key with its own verdict (import
# --host) that commits meanwhile is the current activation's verdict, which the slower check
# must not overwrite. The check is stopped as it opens the lock file (tests/fault/shim.c,
# FAULT_STALL_OPEN: no timing), the import runs, then the check ends: its report printed,
# exit 5, the state the import left.
# each a minute after the one before: a clock started at the same second in each process made
# key 3's issue time fall before key 2's when key 2's process was slow (two suites at once)
env TZ=UTC faketime 2026-12-01T22:50:49 env AIRREG_DATA_DIR="$WORK/ws-v1" \
	"$RG" activation-key --name old --valid-days 3650 -o v1key2.txt >/dev/null
env TZ=UTC faketime 2026-12-01T22:51:49 env AIRREG_DATA_DIR="$WORK/ws-v1" \
	"$RG" activation-key --name old --valid-days 3650 -o v1key3.txt >/dev/null
LC1=$ST/last-check.json
H3="--host $HOSTS/node1.json --host $HOSTS/node2.json --host $HOSTS/node3.json"
if [ -n "${SHIM:-}" ]; then
	rm -f stalled release
	# shellcheck disable=SC2086 # H3: three flags
	FAULT_STALL_OPEN=.lock:1 FAULT_STALLED=$WORK/stalled FAULT_RELEASE=$WORK/release \
		LD_PRELOAD=$SHIM "$KI" check --state-dir "$ST" $H3 >race.out 2>race.err &
	pid=$!
	while [ ! -e stalled ] && kill -0 $pid 2>/dev/null; do sleep 0.02; done
	check "race: the check stopped before the lock" [ -e stalled ]
	# shellcheck disable=SC2086
	expect_exit 0 "race: the newer key imported with its verdict meanwhile" "$KI" import --state-dir "$ST" $H3 v1key2.txt
	imported=$(snapshot "$ST" | grep -v '/\.lock')
	touch release; wait $pid; rc=$?
	check "race: the check ends exit 5, got $rc" [ $rc -eq 5 ]
	check "race: its report printed" [ "$(cat race.out)" = "$OK1" ]
	check "race: the line: $(cat race.err)" [ "$(cat race.err)" = "key-import: $LC1: not kept: a newer activation (serial 2) was imported while the check ran; run key-import check again" ]
	check "race: the import's verdict and state kept" [ "$(snapshot "$ST" | grep -v '/\.lock')" = "$imported" ]
	check "race: the verdict is serial 2's" $PY -c 'import json, sys; assert json.load(open(sys.argv[1]))["serial"] == 2' "$LC1"
else
	echo "check: SHIM unset (make e2e builds it): the race case skipped"
	# shellcheck disable=SC2086
	"$KI" import --state-dir "$ST" $H3 v1key2.txt >/dev/null
fi
# the same key again: no race, the verdict kept
# shellcheck disable=SC2086
expect_check 0 "check after the race" "$OK1" "" --state-dir "$ST" $H3

# 2. status after remove: remove keeps the verdict, --json shows it, and the text too
"$KI" remove --state-dir "$ST" >/dev/null
AT=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["checkedAt"])' "$LC1")
expect_exit 0 "status after remove" "$KI" status --state-dir "$ST"
check "status after remove: the verdict for an earlier activation" [ "$OUT" = "Status          Not registered${NL}Hardware check  in compliance, $AT (for an earlier activation, serial 2)" ]
expect_exit 0 "status --json after remove" "$KI" status --json --state-dir "$ST"
check "status --json after remove: lastCheck" $PY -c 'import json, sys; l = json.loads(sys.argv[1])["lastCheck"]; assert l["currentActivation"] is False and l["serial"] == 2, l' "$OUT"

# 3. a policy edited by hand in activation.json: status shows only what the verified key says,
# so it refuses the edit with check's line (exit 5, nothing changed) rather than show it
expect_exit 0 "a newer key after remove" "$KI" import --state-dir "$ST" v1key3.txt
expect_exit 0 "status, the key's policy" "$KI" status --state-dir "$ST"
check "status: the key's policy" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hardware policy most of 3 hosts'" _ "$OUT"
cp -p "$ST/activation.json" act-kept.json
$PY - "$ST/activation.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1])); r["hostMatch"] = "any"
json.dump(r, open(sys.argv[1], "w"), indent=2)
PYEOF
EDITED="key-import: $ST: activation.json: \"hostMatch\" is not what the key it holds says (changed by hand or damaged): issue a new key on the workstation (registrar activation-key --name old) and import it"
expect_in "$ST" 5 "status, hostMatch edited to any" "" "$EDITED" status --state-dir "$ST"
expect_in "$ST" 5 "status --json, hostMatch edited to any" "" "$EDITED" status --json --state-dir "$ST"
# shellcheck disable=SC2086
expect_in "$ST" 5 "check, hostMatch edited to any" "" "$EDITED" check --state-dir "$ST" $H3
cp -p act-kept.json "$ST/activation.json"
cp -p act-kept.json "$ST/activation.json"
# a key that does not verify here (its issuer key removed by trust remove --force): status
# still answers, Untrusted (exit 4, naming why), the policy marked unverified (check refuses
# it, naming why)
removed_kid=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["issuerKid"])' "$ST/activation.json")
env AIRREG_STATE_DIR="$ST" "$KI" trust remove --force "$removed_kid" >/dev/null 2>&1
expect_exit 4 "status, the issuer key removed" "$KI" status --state-dir "$ST"
check "status, the issuer key removed: Untrusted" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Status          Untrusted'" _ "$OUT"
check "status, the issuer key removed: the line" [ "$ERR" = "key-import: activation.json: untrusted: the key it holds does not verify here: issuer key $removed_kid is not trusted here (key-import trust add)" ]
check "status: the policy unverified" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hardware policy most of 3 hosts (unverified: the key activation.json holds does not verify here; key-import check says why)'" _ "$OUT"


finish check
