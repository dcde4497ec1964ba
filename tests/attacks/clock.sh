#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Freeze and clock: expired and not-yet-valid keys; a clock set back behind the latest
# time the stamp has trusted (the latest iat imported) is refused, within the skew it is
# not. trusted_time.sh has the clock set forward.
. "$(dirname "$0")/lib.sh"
world
forge
attack 4 "ago); issue a new key on the workstation: registrar activation-key --name east" "$KI" expired.txt
one_line_error "expired key: when" "expired.txt: key expired 20"
attack 4 "notyet.txt: key not valid before" "$KI" notyet.txt
attack 4 " behind the workstation's, or the workstation's is ahead; set the wrong one right" "$KI" future-iat.txt
one_line_error "future key: when" "future-iat.txt: key issued 20"
# a stamp that has imported nothing trusts its clock (TUF: the first root is trusted)
expect_exit 0 "import at today's time" "$KI" key1.txt
check "the trusted time is the key's iat, not the clock" /usr/bin/python3 -c "
import json
m = json.load(open('$ST/trusted-time.json')); r = json.load(open('$ST/activation.json'))
assert m == {'latestIssuedAt': r['issuedAt']}, m"
attack 5 "key2.txt: the clock (" faketime -f -2d "$KI" key2.txt
one_line_error "clock set back" "behind the latest time this stamp has trusted"
attack 5 "set the clock right" faketime -f -1h "$KI" --dry-run key2.txt
# the expired key, with the clock set back to when it was valid
attack 5 "expired.txt: the clock (" faketime -f -2h "$KI" expired.txt
expect_exit 0 "a clock 4 minutes slow is within the skew" faketime -f -240s "$KI" --dry-run key2.txt
# status shows the activation at the trusted time, not at the clock's
expect_exit 0 "status with the clock set back" faketime -f -2d "$KI" status
check "status warns of the clock" grep -q "^key-import: warning: the clock is 2 days behind the latest time this stamp has trusted (20.*); status is shown at that time; set the clock right (runbook, \"The clock\")$" "$WORK/err"
# a key that expires while imported; then a newer key imported under a clock two days
# fast: the fast clock is not kept (issue 14, class 2), the clock set right again is not
# refused and status counts from it
"$RG" activation-key --name east --valid-days 1 -o short.txt >/dev/null
"$RG" activation-key --name east -o later.txt >/dev/null
expect_exit 0 "import a one-day key" "$KI" short.txt
expect_exit 0 "two days later: Expired" faketime -f +2d "$KI" status
check "Expired after two days" grep -q '^Status          Expired' "$WORK/out"
expect_exit 0 "import under a clock two days fast" faketime -f +2d "$KI" later.txt
expect_exit 0 "status with the clock right again" "$KI" status
check "no warning of the clock" [ ! -s "$WORK/err" ]
check "days left counted from the clock" grep -q '(36[45] days left)' "$WORK/out"
attack 5 "set the clock right" faketime -f -2d "$KI" --dry-run later.txt
# the edge of validity: good the second before exp, expired at exp (clocks frozen: -f and
# a date without @; UTC)
T=$(($(date +%s) + 10 * 86400))
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
TZ=UTC faketime -f "$(at $T)" "$RG" activation-key --name east --valid-days 1 -o edge.txt >/dev/null
expect_exit 0 "the second before exp: valid" env TZ=UTC faketime -f "$(at $((T + 86399)))" "$KI" --dry-run edge.txt
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
attack 4 "edge.txt: key expired $(iso $((T + 86400))) (less than a minute ago); issue a new key on the workstation: registrar activation-key --name east" env TZ=UTC faketime -f "$(at $((T + 86400)))" "$KI" --dry-run edge.txt
done_attacks clock
