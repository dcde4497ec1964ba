#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Trusted time (issue 14, class 2): only what the issuer signed (the latest iat imported)
# can refuse a clock or a key. One import under a clock 3,000 days fast must not lock
# out later genuine keys; a clock set back below an imported iat is still refused; a
# key that expired at or before that iat stays expired; a state poisoned by an older
# key-import (the local clock kept as latestTrustedTime) recovers with no hand-editing.
# Every clock is frozen (faketime -f with a date, UTC): a running clock flakes when loaded.
. "$(dirname "$0")/lib.sh"
world
DAY=86400
NOW=$(date +%s)
FAST=$((NOW + 3000 * DAY))
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
clock() { t=$1; shift; env TZ=UTC faketime -f "$(at "$t")" "$@"; }
mark_is() { # mark_is WHAT JSON: trusted-time.json holds exactly this object
	check "$1" /usr/bin/python3 -c "
import json, sys
m = json.load(open('$ST/trusted-time.json'))
assert m == json.loads(sys.argv[1]), m" "$2"
}
clean_stderr() { check "$1: nothing on stderr" [ ! -s "$WORK/err" ]; }
mkdir pristine && cp -a "$ST" pristine/
restore() { rm -rf "$ST" && cp -a pristine/stamp "$ST"; }

# the issuer's keys, each signed at a frozen time: a 3,650-day key today, the next key
# a day later, then one two days later
clock $NOW "$RG" activation-key --name east --valid-days 3650 -o long.txt >/dev/null
clock $((NOW + DAY)) "$RG" activation-key --name east -o next.txt >/dev/null
clock $((NOW + 2 * DAY)) "$RG" activation-key --name east -o later.txt >/dev/null

# (1) the issue's scenario: the 3,650-day key imported under a clock 3,000 days fast
expect_exit 0 "import under a clock 3000 days fast" clock $FAST "$KI" long.txt
mark_is "the fast clock is not kept: the trusted time is the key's iat" "{\"latestIssuedAt\": $NOW}"
expect_exit 0 "status with the clock right again" clock $NOW "$KI" status
clean_stderr "status with the clock right again"
check "status: Registered, days counted from the clock" [ "$OUT" = "$(printf '%s\n' \
	"Status          Registered" "Registration    east" "CloudId         $(cat "$ST/cloud-id")" \
	"Billing model   Capacity" "Serial          4" \
	"Issuer key      $(/usr/bin/python3 -c 'from jwcrypto import jwk; print(jwk.JWK.from_pem(open("issuer.pub","rb").read()).thumbprint())')" \
	"Expires         $(iso $((NOW + 3650 * DAY))) (3650 days left)" "Tenants         0" \
	"Hardware policy most of 2 hosts" "Hardware check  none")" ]
expect_exit 0 "the next genuine key, dry run, clock right" clock $((NOW + DAY)) "$KI" --dry-run next.txt
expect_exit 0 "the next genuine key, clock right" clock $((NOW + DAY)) "$KI" next.txt
clean_stderr "the next genuine key"
mark_is "the trusted time follows the issuer" "{\"latestIssuedAt\": $((NOW + DAY))}"

# (2) a clock set back below the imported iat is still refused, by import and dry run
attack 5 "later.txt: the clock ($(iso $NOW)) is 1 day behind the latest time this stamp has trusted ($(iso $((NOW + DAY)))); set the clock right (runbook, \"The clock\")" \
	clock $NOW "$KI" later.txt
attack 5 "later.txt: the clock ($(iso $NOW)) is 1 day behind" clock $NOW "$KI" --dry-run later.txt
expect_exit 0 "status with the clock a day behind" clock $NOW "$KI" status
check "status warns of the clock" [ "$ERR" = "key-import: warning: the clock is 1 day behind the latest time this stamp has trusted ($(iso $((NOW + DAY)))); status is shown at that time; set the clock right (runbook, \"The clock\")" ]
check "status counts from the trusted time" grep -q '^Expires .* (365 days left)$' "$WORK/out"

# (3) expired means exp at or before the trusted time: a key signed after next.txt (serial
# 7) by an issuer clock set back, valid one day until 100 s before next.txt's iat; with the
# clock set back into its validity: the clock is refused; with a clock 200 s behind the
# trusted time (within the skew) the key is expired all the same
clock $((NOW - 100)) "$RG" activation-key --name east --valid-days 1 -o stale.txt >/dev/null
attack 5 "stale.txt: the clock ($(iso $((NOW + 3600)))) is 23 hours behind" clock $((NOW + 3600)) "$KI" stale.txt
attack 4 "stale.txt: key expired $(iso $((NOW + DAY - 100))), before the latest time this stamp has trusted ($(iso $((NOW + DAY)))); issue a new key on the workstation: registrar activation-key --name east" \
	clock $((NOW + DAY - 200)) "$KI" stale.txt
attack 4 "stale.txt: key expired $(iso $((NOW + DAY - 100))), before" clock $((NOW + DAY - 200)) "$KI" --dry-run stale.txt

# (4) a state poisoned by the older key-import: it kept the clock of the fast import as
# latestTrustedTime (the file below is byte for byte what it wrote). The new key-import
# reads only latestIssuedAt; status and a dry run change nothing; the next import
# rewrites the file without the clock.
restore
expect_exit 0 "import under a fast clock (setting up the old state)" clock $FAST "$KI" long.txt
printf '{\n  "latestTrustedTime": %s,\n  "latestIssuedAt": %s\n}\n' $FAST $NOW > "$ST/trusted-time.json"
old=$(cat "$ST/trusted-time.json")
expect_exit 0 "old state: status with the clock right" clock $((NOW + DAY)) "$KI" status
clean_stderr "old state: status"
check "old state: status Registered, 3649 days left" grep -q '^Expires .* (3649 days left)$' "$WORK/out"
expect_exit 0 "old state: dry run of the next key" clock $((NOW + DAY)) "$KI" --dry-run next.txt
check "old state: the dry run writes nothing" [ "$(cat "$ST/trusted-time.json")" = "$old" ]
expect_exit 0 "old state: the next key imported" clock $((NOW + DAY)) "$KI" next.txt
mark_is "old state: rewritten without the clock" "{\"latestIssuedAt\": $((NOW + DAY))}"
attack 5 "later.txt: the clock ($(iso $NOW)) is 1 day behind" clock $NOW "$KI" later.txt

# (5) a clock set forward at import and then set right: later keys still import
expect_exit 0 "a fast clock again" clock $((NOW + 9 * DAY)) "$KI" later.txt
mark_is "the fast clock is not kept" "{\"latestIssuedAt\": $((NOW + 2 * DAY))}"
clock $((NOW + 3 * DAY)) "$RG" activation-key --name east -o third.txt >/dev/null
expect_exit 0 "the clock right: the next key" clock $((NOW + 3 * DAY)) "$KI" third.txt

# (6) a mark of another type (a string, a float, a negative number) would read as 0 and drop
# the clock check: the stamp's own file is damaged, exit 5, nothing changed
good=$(cat "$ST/trusted-time.json")
for bad in '"1900000000"' '1.9e9' '-5'; do
	printf '{"latestIssuedAt": %s}\n' "$bad" > "$ST/trusted-time.json"
	attack 5 "trusted-time.json: field \"latestIssuedAt\" " clock $((NOW + 3 * DAY)) "$KI" status
done
printf '%s\n' "$good" > "$ST/trusted-time.json"
printf '{"%s": "2"}\n' "$(sed -n 's/.*"registration": "\([^"]*\)".*/\1/p' "$ST/activation.json")" > "$ST/serials.json"
attack 5 "serials.json: field " clock $((NOW + 3 * DAY)) "$KI" --dry-run third.txt
done_attacks trusted_time
