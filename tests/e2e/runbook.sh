#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The runbook's procedures (docs/runbook.md, each between <!-- procedure NAME --> and
# <!-- /procedure NAME -->), run as written: a year of one stamp's life, on a stamp, its hosts
# and a workstation of their own, each clock frozen (faketime -f with a date, UTC). The
# one-time steps 0 to 5 are run here directly; then the yearly renewal 340 days on, the
# hardware change 400 days on, the decommissioning 420 days on. Each step of a procedure is a
# bold "N. On the SIDE" line, its blocks (each run with sh -e, in that side's directory; a
# block's first line says its side, "# on the stamp|workstation" or "# on each host"; a block
# that shows a refusal says "# exits N" and holds that one command), and its
# "Carry `FILE` to the SIDE" sentences, done after its blocks through usb/.
. "$(dirname "$0")/lib.sh"
DOC=$(cd "$(dirname "$0")/../../docs" && pwd)/runbook.md
scratch
export AIRREG_STATE_DIR=$WORK/stamp-state AIRREG_DATA_DIR=$WORK/workstation-data
ST=$AIRREG_STATE_DIR
export PATH="$BIN:$PATH" # the commands as written: token-gen, key-import, registrar
export VM_UUID=3d5b2c1e-8f7a-4b6c-9d0e-1f2a3b4c5d6e # host2's, kept since step 2
mkdir stamp workstation hosts usb
DAY=86400
T0=$(date -u -d '2027-01-04 10:00:00' +%s)
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
clock() { t=$1; shift; env TZ=UTC faketime -f "$(at "$t")" "$@"; }
# carry FILE FROM TO: as an operator does, through usb/
carry() { cp "$WORK/$2/$1" "$WORK/usb/$1" && cp "$WORK/usb/$1" "$WORK/$3/$1"; }
# on SIDE WHEN CMD...: a command of the one-time steps, in SIDE's directory, at WHEN
on() { side=$1 when=$2; shift 2; (cd "$WORK/$side" && clock "$when" "$@") >"$WORK/setup.out" 2>&1 || bad "setup: $*: $(cat "$WORK/setup.out")"; }

# Steps 0 to 5, once, at T0.
on workstation "$T0" registrar init
on workstation "$T0" registrar export-issuer-key -o issuer.pub
carry issuer.pub workstation stamp
on stamp "$T0" token-gen init
on stamp "$T0" key-import trust add issuer.pub
cp "$HOSTS/node1.json" hosts/host1.json # a physical host's record (its probe reads this machine)
on hosts "$T0" token-gen probe --system-uuid "$VM_UUID" --bios-vendor SeaBIOS --bios-version 1.16 -o host2.json
carry host1.json hosts stamp
carry host2.json hosts stamp
on stamp "$T0" token-gen create --billing-model Capacity --agreement-number 1234 \
	--host host1.json --host host2.json -o RegistrationToken.txt
carry RegistrationToken.txt stamp workstation
on workstation "$T0" registrar register --token RegistrationToken.txt --name stamp-east
on workstation "$T0" registrar activation-key --name stamp-east -o ActivationKey.txt
carry ActivationKey.txt workstation stamp
on stamp "$T0" key-import import ActivationKey.txt
CLOUD=$(cat "$ST/cloud-id")
check "steps 0 to 5: the stamp is activated (serial 1)" [ "$(jq -r .serial "$ST/activation.json" 2>/dev/null)" = 1 ]

# plan NAME: the procedure's steps as lines "run N SIDE WANT" (its block in $P/N.sh) and
# "carry FILE FROM TO", in $P/plan; a procedure not well formed is a failed check.
plan() {
	P=$WORK/proc-$1
	mkdir "$P"
	"$PY" - "$DOC" "$1" "$P" <<'EOF' || bad "procedure $1: $(cat "$P/why" 2>/dev/null)"
import re, sys
doc, name, out = sys.argv[1:]
lines = open(doc, encoding="utf-8").read().split("\n")
try:
    a = lines.index(f"<!-- procedure {name} -->"); b = lines.index(f"<!-- /procedure {name} -->", a)
except ValueError:
    open(f"{out}/why", "w").write("no such procedure in the runbook"); sys.exit(1)
SIDES = {"the stamp": "stamp", "the workstation": "workstation", "each host": "hosts"}
plan, blocks, text, step, side, cur, why = [], [], [], 0, None, None, []
def end_block():
    global cur
    if cur:
        blocks.append(cur); n = len(blocks)
        m = re.match(r"# on (the stamp|the workstation|each host)\b", cur[0])
        if not m or SIDES[m.group(1)] != side:
            why.append(f"block {n} does not say on its first line that it runs on {side}")
        w = re.search(r"# exits (\d+)", "\n".join(cur))
        open(f"{out}/{n}.sh", "w").write("\n".join(cur) + "\n")
        plan.append(f"run {n} {side} {w.group(1) if w else 0}")
    cur = None
def end_step():
    end_block()
    for f, to in re.findall(r"Carry\s+`([^`]+)`\s+to\s+the\s+(stamp|workstation)\b", " ".join(text)):
        plan.append(f"carry {f} {side} {to}")
    text.clear()
for l in lines[a + 1:b]:
    h = re.match(r"\*\*(\d+)\. On (the stamp|the workstation|each host)\b", l)
    if h:
        end_step(); step += 1; side = SIDES[h.group(2)]
        if int(h.group(1)) != step:
            why.append(f"step {h.group(1)} where step {step} was due")
    if l.startswith("    ") and step:
        if cur is None:
            cur = []
        cur.append(l[4:])
        continue
    if l.strip():
        end_block()
        text.append(l)
end_step()
if not blocks:
    why.append("no command in it")
if why:
    open(f"{out}/why", "w").write("; ".join(why)); sys.exit(1)
open(f"{out}/plan", "w").write("\n".join(plan) + "\n")
EOF
}

# procedure NAME WHEN: runs the plan of NAME at WHEN; stops at the first step that fails.
# Each block's output is kept in $P/N.out and $P/N.err.
procedure() {
	P=$WORK/proc-$1
	[ -f "$P/plan" ] || return 1
	while read -r what a b c; do
		case $what in
		run)
			(cd "$WORK/$b" && clock "$2" sh -e "$P/$a.sh") <"/dev/null" >"$P/$a.out" 2>"$P/$a.err"
			got=$?
			if [ "$got" -ne "$c" ]; then
				bad "procedure $1, block $a (on $b): exit $got, want $c: $(tail -n 3 "$P/$a.err")"
				return 1
			fi
			ok ;;
		carry)
			if [ ! -f "$WORK/$b/$a" ]; then
				bad "procedure $1: carry $a from $b: no such file there"
				return 1
			fi
			carry "$a" "$b" "$c"; ok ;;
		esac
	done <"$P/plan"
}
has() { grep -qxF -- "$2" "$1" || { echo "$1 lacks: $2" >&2; false; }; }
starts() { grep -q "^$(printf '%s' "$2" | sed 's/[].[*^$\\/]/\\&/g')" "$1" || { echo "$1 lacks a line starting: $2" >&2; false; }; }

# (a) The yearly renewal, 340 days on: 25 days left.
T1=$((T0 + 340 * DAY))
plan renewal
check "renewal: 3 steps, 3 blocks, 1 carry" [ "$(cut -d' ' -f1 "$WORK/proc-renewal/plan" | tr '\n' ' ')" = "run run carry run " ]
P=$WORK/proc-renewal
cd stamp && expect_exit 6 "renewal: before it, status --warn-days 30 warns" clock "$T1" key-import status --warn-days 30; cd "$WORK"
check "renewal: before it, status says why" has "$WORK/out" "Warning         expires within 30 days"
procedure renewal "$T1"
HEAD="NAME                     CLOUDID                              STATUS        BILLING      SERIAL KEY EXPIRES"
check "renewal step 1: the workstation lists stamp-east, 25 days left" [ "$(cat "$P/1.out")" = "$HEAD
stamp-east               $CLOUD Registered    Capacity          1 $(iso $((T0 + 365 * DAY))) (in 25 days)" ]
K2=$(iso $((T1 + 365 * DAY)))
check "renewal step 2: serial 2 issued" starts "$P/2.out" "registrar: wrote ActivationKey.txt: activation key for stamp-east, serial 2, valid 365 days (until $K2), "
check "renewal step 3: serial 2 imported" has "$P/3.out" "key-import: imported ActivationKey.txt: registration stamp-east, serial 2, expires $K2 (in 365 days)"
check "renewal: the key's SHA-256 is the same on both sides" [ "$(grep ' ActivationKey.txt$' "$P/2.out")" = "$(grep ' ActivationKey.txt$' "$P/3.out")" ]
check "renewal step 3: status shows the new expiry" has "$P/3.out" "Expires         $K2 (365 days left)"
check "renewal step 3: and no warning" [ "$(grep -c '^Warning' "$P/3.out")" = 0 ]
check "renewal: the stamp holds serial 2" [ "$(jq -r .serial "$ST/activation.json")" = 2 ]

# (b) The hardware change, 400 days on: host2's BIOS updated, host3 added.
T2=$((T0 + 400 * DAY))
plan hardware
P=$WORK/proc-hardware
check "hardware: 5 steps, carries of host2, host3, the token, the key" [ "$(tr '\n' ' ' <"$P/plan")" = "run 1 hosts 0 carry host2.json hosts stamp carry host3.json hosts stamp run 2 stamp 4 run 3 stamp 0 carry RegistrationToken.txt stamp workstation run 4 workstation 0 carry ActivationKey.txt workstation stamp run 5 stamp 0 " ]
cp stamp/host1.json host1.before
procedure hardware "$T2"
H2=$(jq -r .name hosts/host2.json)
check "hardware step 2: host2 is the same, its firmware changed" has "$P/2.out" "$H2: same, firmware changed (BIOS 1.16 → 1.17)"
check "hardware step 2: host3 is new" has "$P/2.out" "host3: new"
check "hardware step 2: out of compliance, capacity exceeded" grep -q "capacity exceeded: 3 hosts given, 2 licensed" "$P/2.err"
check "hardware step 4: the registration renewed with 3 hosts" starts "$P/4.out" "registrar: renewed stamp-east: CloudId $CLOUD, 3 hosts, Capacity "
check "hardware step 4: serial 3 issued" starts "$P/4.out" "registrar: wrote ActivationKey.txt: activation key for stamp-east, serial 3, "
check "hardware step 5: the new key is in compliance" starts "$P/5.out" "in compliance: 3 of 3 licensed hosts found"
check "hardware step 5: serial 3 imported" starts "$P/5.out" "key-import: imported ActivationKey.txt: registration stamp-east, serial 3, "
check "hardware step 5: status keeps the verdict" has "$P/5.out" "Hardware check  in compliance, $(iso "$T2")"
check "hardware step 5: status shows 3 hosts" has "$P/5.out" "Hardware policy most of 3 hosts"
check "hardware: host1's record is untouched" cmp -s host1.before stamp/host1.json

# (b2) The issuer key replaced, 410 days on: the stamp that trusts the first key takes the
# chain and then trusts the new one; a key of the new issuer imports (not in the procedure:
# the decommissioning after it removes serial 3).
T25=$((T0 + 410 * DAY))
plan rotation
P=$WORK/proc-rotation
check "rotation: 2 steps, the chain carried" [ "$(tr '\n' ' ' <"$P/plan")" = "run 1 workstation 0 carry issuer-chain.json workstation stamp run 2 stamp 0 " ]
procedure rotation "$T25"
NEWKID=$(sed -n 's/^registrar: rotated the issuer key: version 2, kid \([^ ]*\) (was .*/\1/p' "$P/1.out")
check "rotation step 1: rotated to version 2" [ -n "$NEWKID" ]
check "rotation step 1: the chain written" starts "$P/1.out" "registrar: wrote issuer-chain.json: issuer chain, versions 2 to 2, current kid $NEWKID"
check "rotation step 2: accepted" starts "$P/2.out" "key-import: issuer-chain.json: accepted issuer key rotation version 2: kid $NEWKID (replaces "
check "rotation step 2: trust list marks the new key current" grep -q "^$NEWKID  rotation version 2, replaces .*  (current issuer key)$" "$P/2.out"
check "rotation: the chain's SHA-256 is the same on both sides" [ "$(grep ' issuer-chain.json$' "$P/1.out")" = "$(cd stamp && sha256sum issuer-chain.json)" ]

# (c) The decommissioning, 420 days on. Its commands come with issue 18 parts 1 and 2: until
# key-import remove takes -o, the procedure is only read, not run.
T3=$((T0 + 420 * DAY))
plan decommission
P=$WORK/proc-decommission
check "decommission: 2 steps, the receipt carried" [ "$(tr '\n' ' ' <"$P/plan")" = "run 1 stamp 0 carry RemovalReceipt.txt stamp workstation run 2 workstation 0 " ]
if ! "$BIN/key-import" remove --help 2>&1 | grep -q '^ *key-import remove .*-o'; then
	echo "skip: decommissioning needs key-import remove -o"
else
	procedure decommission "$T3"
	check "decommission step 1: the receipt written" starts "$P/1.out" "key-import: wrote RemovalReceipt.txt: removal receipt, "
	check "decommission step 1: for serial 3" grep -q "serial 3 of stamp-east" "$P/1.out"
	check "decommission step 1: the activation is gone" [ ! -e "$ST/activation.json" ]
	check "decommission step 2: deactivated" starts "$P/2.out" "registrar: deactivated stamp-east (CloudId $CLOUD): the stamp removed serial 3 at "
	check "decommission: the receipt's SHA-256 is the same on both sides" [ "$(grep '^[0-9a-f]\{64\}  RemovalReceipt.txt$' "$P/1.out")" = "$(grep '^[0-9a-f]\{64\}  RemovalReceipt.txt$' "$P/2.out")" ]
	check "decommission step 2: show says Deactivated" grep -Eqx 'Status +Deactivated' "$P/2.out"
	(cd workstation && clock "$T3" registrar list --json) >list.json
	check "decommission: list --json says Deactivated" [ "$(jq -r '.value[] | select(.name == "stamp-east") | .status' list.json)" = Deactivated ]
	cd stamp && expect_exit 4 "decommission: the stamp has nothing activated" clock "$T3" key-import status --warn-days 30; cd "$WORK"
	cd workstation && expect_exit 0 "decommission: the same receipt again" clock "$T3" registrar unregister --receipt RemovalReceipt.txt; cd "$WORK"
	check "decommission: the same receipt again changes nothing" has "$WORK/out" "registrar: stamp-east: already deactivated by this receipt, nothing changed"
fi
# (d) A stolen stamp, 430 days on: stamp-west, a second stamp activated for it, is stolen; the
# procedure revokes its keys, and the stamp, found again, takes the list.
T4=$((T0 + 430 * DAY))
export AIRREG_STATE_DIR=$WORK/stamp-west-state
cp "$HOSTS/node3.json" stamp/west-host.json
on stamp "$T4" token-gen init
on stamp "$T4" key-import trust add issuer.pub
on stamp "$T4" token-gen create --billing-model Development --host west-host.json -o RegistrationToken-west.txt
carry RegistrationToken-west.txt stamp workstation
on workstation "$T4" registrar register --token RegistrationToken-west.txt --name stamp-west
on workstation "$T4" registrar activation-key --name stamp-west -o ActivationKey-west.txt
carry ActivationKey-west.txt workstation stamp
on stamp "$T4" key-import import ActivationKey-west.txt
plan stolen
P=$WORK/proc-stolen
check "stolen: 2 steps, the list carried" [ "$(tr '\n' ' ' <"$P/plan")" = "run 1 workstation 0 carry revocation-list.txt workstation stamp run 2 stamp 0 run 3 stamp 7 " ]
procedure stolen "$T4"
check "stolen step 1: revoked" has "$P/1.out" "registrar: revoked registration stamp-west: keys up to serial 1 (revocation list version 1)"
check "stolen step 2: the list taken" starts "$P/2.out" "key-import: accepted revocation list version 1 (issuer key "
check "stolen: the list's SHA-256 is the same on both sides" [ "$(grep ' revocation-list.txt$' "$P/1.out")" = "$(grep ' revocation-list.txt$' "$P/2.out")" ]
check "stolen step 2: status Revoked" has "$P/3.out" "Status          Revoked"
check "stolen step 2: the line names the list" has "$P/3.err" "key-import: activation.json: revoked: registration stamp-west's keys up to serial 1 are revoked (revocation list version 1); this is serial 1"
(cd workstation && clock "$T4" registrar list --json) >list.json
check "stolen: list --json says Unregistered" [ "$(jq -r '.value[] | select(.name == "stamp-west") | .status' list.json)" = Unregistered ]
finish "runbook procedures"
