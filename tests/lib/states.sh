#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The stamps libairreg is asked about (issue 21): `sh states.sh OUT` makes OUT/CASE/ for each
# case, each with `stamp/` (the state directory), `clock` (the frozen time it is read at,
# for faketime -f) and what `key-import status --json` said there, plain and with
# --warn-days 30 (expect.json, expect-warn.json: {"exit", "stderr", "status"}). The C, Python
# and Go answers are compared with these by compare.py. Every clock is frozen: the library
# and key-import judge at the same second. BIN and TESTDATA are set.
set -u
OUT=$1
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TG=$BIN/token-gen RG=$BIN/registrar KI=$BIN/key-import
HOSTS=$(cd "$(dirname "$0")/../../samples/hosts" && pwd)
WORLD=$OUT/.world
DAY=86400
NOW=$(( $(date +%s) / DAY * DAY + 12 * 3600 ))   # noon today: whole days are exact
EXP=$((NOW + 60 * DAY))
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
clock() { t=$1; shift; env TZ=UTC faketime -f "$(at "$t")" "$@"; }
die() { echo "states: $*" >&2; exit 1; }

mkdir -p "$WORLD" && cd "$WORLD" || die "no world directory"
export AIRREG_DATA_DIR=$WORLD/ws
SUB=11111111-2222-3333-4444-555555555555 TEN=66666666-7777-8888-9999-aaaaaaaaaaaa

# stamp DIR: a stamp identity trusting the registrar's issuer key
stamp() { "$TG" init --state-dir "$1" >/dev/null && "$KI" --state-dir "$1" trust add issuer.pub >/dev/null; }
# key NAME FILE [activation-key flags]: a key issued at NOW for 60 days
key() { n=$1 f=$2; shift 2; clock $NOW "$RG" activation-key --name "$n" --valid-days 60 -o "$f" "$@" >/dev/null; }
ki() { d=$1; shift; clock $NOW "$KI" --state-dir "$d" "$@" >/dev/null 2>&1; }

"$RG" init >/dev/null && "$RG" export-issuer-key -o issuer.pub >/dev/null || die "registrar init"
# a Capacity stamp (licensed hosts and cores) with a tenant
stamp cap && "$TG" create --state-dir cap --billing-model Capacity --agreement-number 42 \
	--host "$HOSTS/node1.json" --host "$HOSTS/node2.json" -o cap.txt >/dev/null &&
	"$RG" register --token cap.txt --name east >/dev/null &&
	"$RG" tenant add --registration east --subscription $SUB --tenant $TEN >/dev/null &&
	key east east.txt && ki cap import east.txt || die "the Capacity stamp"
# a Development stamp (no cores licensed), its second key kept for later
stamp dev && "$TG" create --state-dir dev --billing-model Development --host "$HOSTS/node1.json" \
	-o dev.txt >/dev/null && "$RG" register --token dev.txt --name west >/dev/null &&
	key west west1.txt && ki dev import west1.txt && key west west2.txt || die "the Development stamp"

# case NAME FROM TIME: OUT/NAME/stamp a copy of FROM (a stamp of the world), read at TIME
case_from() {
	mkdir -p "$OUT/$1" && cp -a "$2" "$OUT/$1/stamp" && at "$3" >"$OUT/$1/clock"
}
case_from registered dev $NOW
case_from capacity cap $NOW
case_from expiring cap $((EXP - 10 * DAY))
case_from expired cap $((EXP + DAY))
case_from at-expiry cap $EXP
case_from clock-back cap $((NOW - 2 * DAY))
stamp blank && case_from not-registered blank $NOW
case_from removed cap $NOW && ki "$OUT/removed/stamp" remove -o "$WORLD/removal-receipt.txt"
case_from untrusted cap $NOW &&
	ki "$OUT/untrusted/stamp" trust remove --force "$(cat "$WORLD/cap/activation.json" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["issuerKid"])')"
clock $NOW "$RG" revoke --name east -o revoked.txt >/dev/null 2>&1 || die "revoke"
case_from revoked cap $NOW && ki "$OUT/revoked/stamp" trust update "$WORLD/revoked.txt"
case_from tampered cap $NOW && /usr/bin/python3 - "$OUT/tampered/stamp/activation.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["expiresAt"] += 86400 * 365
open(p, "w").write(json.dumps(d))
EOF
# activation.json edited where only the verified key may speak: what status shows as the
# licence (the billing model, the tenants, the issuer's kid) must be the key's too
forge() { # forge CASE PYTHON: CASE a copy of the Capacity stamp, its activation.json edited
	case_from "$1" cap $NOW && /usr/bin/python3 -c "import json, sys
p = sys.argv[1]; d = json.load(open(p)); $2
open(p, 'w').write(json.dumps(d))" "$OUT/$1/stamp/activation.json"
}
forge forged-billing 'd["billingModel"] = "Development"'
forge forged-tenant 'd["tenants"].append({"subscriptionId": "'$SUB'", "tenantId": "'$SUB'"})'
forge forged-kid 'd["issuerKid"] = "A" * 43'
case_from checked dev $NOW && ki "$OUT/checked/stamp" check --host "$HOSTS/node1.json"
case_from not-compliant cap $NOW && ki "$OUT/not-compliant/stamp" check --host "$HOSTS/node3.json"
case_from earlier-check dev $NOW && ki "$OUT/earlier-check/stamp" check --host "$HOSTS/node1.json" &&
	ki "$OUT/earlier-check/stamp" import "$WORLD/west2.txt"
case_from damaged-check dev $NOW && printf '{"compliant": 1}\n' >"$OUT/damaged-check/stamp/last-check.json"
mkdir -p "$OUT/no-identity/stamp" && chmod 700 "$OUT/no-identity/stamp" && at $NOW >"$OUT/no-identity/clock"
mkdir -p "$OUT/missing" && at $NOW >"$OUT/missing/clock"
case_from not-a-dir blank $NOW && rm -rf "$OUT/not-a-dir/stamp" && echo x >"$OUT/not-a-dir/stamp"

# what key-import status --json says at each case's clock
for c in "$OUT"/*/; do
	c=${c%/}
	for w in "" 30; do
		env TZ=UTC faketime -f "$(cat "$c/clock")" "$KI" --state-dir "$c/stamp" status --json \
			${w:+--warn-days $w} >"$c/.out" 2>"$c/.err"
		echo $? >"$c/.exit"
		/usr/bin/python3 - "$c" "${w:+-warn}" <<'EOF' || die "expectation of $c"
import json, sys
c, suffix = sys.argv[1], sys.argv[2]
out = open(c + "/.out").read()
err = [l.removeprefix("key-import: ") for l in open(c + "/.err").read().splitlines()]
json.dump({"exit": int(open(c + "/.exit").read()), "stderr": err,
           "status": json.loads(out) if out.strip() else None},
          open(c + "/expect" + suffix + ".json", "w"), indent=1)
EOF
		rm -f "$c/.out" "$c/.err" "$c/.exit"
	done
done
rm -rf "$WORLD"
