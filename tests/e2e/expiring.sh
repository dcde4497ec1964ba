#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The workstation sees what is coming (issue 18, part 4): registrar list --expiring-within
# DAYS around its boundary (table and JSON), and registrar show's history of the serials
# issued, on a database of schema 4 and on one an earlier registrar (schema 3) left.
# Every clock is frozen (faketime -f with a date, UTC), so each span is exact.
. "$(dirname "$0")/lib.sh"
scratch
DAY=86400
T0=$(date -u -d '2027-06-01 00:00:00' +%s)
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
clock() { t=$1; shift; env TZ=UTC faketime -f "$(at "$t")" "$@"; }
# reg NAME CLOUDID WHEN: a stamp of that CloudId, its token, registered as NAME, all at WHEN
reg() {
	clock "$3" "$TG" init --state-dir "st-$1" --cloud-id "$2" >/dev/null
	clock "$3" "$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir "st-$1" -o "$1.txt" >/dev/null
	clock "$3" "$RG" register --token "$1.txt" --name "$1" >/dev/null
}
# key NAME WHEN DAYS: a key for NAME issued at WHEN, valid DAYS
key() { clock "$2" "$RG" activation-key --name "$1" --valid-days "$3" -o "$1-$2.key" >/dev/null; }

clock $((T0 - 3 * DAY)) "$RG" init $(db_new "$WS") >/dev/null
C1=11111111-1111-4111-8111-111111111111
C2=22222222-2222-4222-8222-222222222222
C3=33333333-3333-4333-8333-333333333333
reg soon $C1 $((T0 - 3 * DAY))     # three keys; the last expires 30 days from T0: inside
key soon $((T0 - 2 * DAY)) 365
key soon $((T0 - DAY)) 365
key soon "$T0" 30
reg later $C2 "$T0"                # expires one second past 30 days from T0: outside
key later $((T0 + 1)) 30
reg lapsed $C3 $((T0 - 3 * DAY))   # expired two days before T0
key lapsed $((T0 - 3 * DAY)) 1
reg gone 44444444-4444-4444-8444-444444444444 "$T0"  # unregistered with a key expiring soon
key gone "$T0" 1
clock "$T0" "$RG" unregister --name gone >/dev/null
reg nokey 55555555-5555-4555-8555-555555555555 "$T0" # no key issued yet: not expiring

HEAD="NAME                     CLOUDID                              STATUS        BILLING      SERIAL KEY EXPIRES"
ROW_LAPSED="lapsed                   $C3 Registered    Development       1 $(iso $((T0 - 2 * DAY))) (expired 2 days ago)"
ROW_SOON="soon                     $C1 Registered    Development       3 $(iso $((T0 + 30 * DAY))) (in 30 days)"
ROW_LATER="later                    $C2 Registered    Development       1 $(iso $((T0 + 30 * DAY + 1))) (in 30 days)"

expect_exit 0 "list --expiring-within 30" clock "$T0" "$RG" list --expiring-within 30
check "within 30 days: the expired key and the one at exactly 30 days, soonest first" [ "$OUT" = "$HEAD
$ROW_LAPSED
$ROW_SOON" ]
check "within 30 days: nothing on stderr" [ ! -s "$WORK/err" ]
expect_exit 0 "list --expiring-within 31" clock "$T0" "$RG" list --expiring-within 31
check "within 31 days: the one a second past 30 days too, last" [ "$OUT" = "$HEAD
$ROW_LAPSED
$ROW_SOON
$ROW_LATER" ]
expect_exit 0 "list --expiring-within 0" clock "$T0" "$RG" list --expiring-within 0
check "within 0 days: the expired key alone" [ "$OUT" = "$HEAD
$ROW_LAPSED" ]
# a second later, the 30-day key is inside 30 days less a second: at its expiry, expired
expect_exit 0 "list at the second soon expires" clock $((T0 + 30 * DAY)) "$RG" list --expiring-within 0
check "at its expiry a key is expired (as the stamp judges it)" [ "$OUT" = "$HEAD
$(printf '%s' "$ROW_LAPSED" | sed 's/2 days ago/32 days ago/')
soon                     $C1 Registered    Development       3 $(iso $((T0 + 30 * DAY))) (expired less than a minute ago)" ]

expect_exit 0 "list --json --expiring-within 31" clock "$T0" "$RG" list --json --expiring-within 31
echo "$OUT" >exp.json
clock "$T0" "$RG" list --json >all.json
check "--json: list's members plus daysLeft and expired, soonest first, live keys only" $PY -c '
import json, sys
t0 = int(sys.argv[1])
got = json.load(open("exp.json"))
every = {r["name"]: r for r in json.load(open("all.json"))["value"]}
assert list(got) == ["value"], got
want = [("lapsed", t0 - 2 * 86400, -2, True), ("soon", t0 + 30 * 86400, 30, False),
        ("later", t0 + 30 * 86400 + 1, 30, False)]
assert [r["name"] for r in got["value"]] == [w[0] for w in want], got
for r, (name, exp, days, expired) in zip(got["value"], want):
    assert r["lastKeyExpires"] == exp and r["daysLeft"] == days and r["expired"] is expired, r
    assert r == dict(every[name], daysLeft=days, expired=expired), (r, every[name])
' "$T0"

# show: the last key's expiry, then every serial issued with its issue time and expiry
expect_exit 0 "show soon" clock "$T0" "$RG" show soon
check "show: the last key, then the three serials" sh -c "printf '%s\n' \"\$1\" | grep -A3 '^Last key serial' | diff - \"\$2\"" _ "$OUT" "$(printf '%s\n' \
"Last key serial     3, expires $(iso $((T0 + 30 * DAY))) (in 30 days)" \
"Keys issued         serial 1, issued $(iso $((T0 - 2 * DAY))), expires $(iso $((T0 + 363 * DAY))) (in 363 days)" \
"                    serial 2, issued $(iso $((T0 - DAY))), expires $(iso $((T0 + 364 * DAY))) (in 364 days)" \
"                    serial 3, issued $(iso "$T0"), expires $(iso $((T0 + 30 * DAY))) (in 30 days)" >want.show; echo want.show)"
expect_exit 0 "show soon --json" clock "$T0" "$RG" show soon --json
echo "$OUT" >show.json
check "show --json: keys, by serial" $PY -c '
import json, sys
t0, d = int(sys.argv[1]), 86400
keys = json.load(open("show.json"))["keys"]
assert keys == [{"serial": 1, "issuedAt": t0 - 2 * d, "expiresAt": t0 + 363 * d},
                {"serial": 2, "issuedAt": t0 - d, "expiresAt": t0 + 364 * d},
                {"serial": 3, "issuedAt": t0, "expiresAt": t0 + 30 * d}], keys
' "$T0"
expect_exit 0 "show nokey" clock "$T0" "$RG" show nokey --json
check "show --json with no key: keys is []" [ "$($PY -c 'import json, sys; print(json.loads(sys.argv[1])["keys"])' "$OUT")" = "[]" ]

# a database an earlier registrar left (schema 3: no keys table): opened, migrated, and
# show gives what it kept: each serial and when (the audit), the last one's expiry alone
# (SQLite alone: PostgreSQL starts at schema 6)
if ! db_pg; then
	cp -a "$WS" old
	sqlite3 old/registrar.db 'DROP TABLE receipts; DROP TABLE keys; DROP TABLE issuer_keys; DROP TABLE revoked_issuer_keys; DROP TABLE revoked_activations; DROP TABLE revocation_lists; PRAGMA user_version = 3'
	expect_exit 0 "show, a schema-3 database" clock "$T0" "$RG" show soon --data-dir "$WORK/old"
	check "schema 3: the serials from the audit, earlier expiries not recorded" sh -c "printf '%s\n' \"\$1\" | grep -A3 '^Last key serial' | diff - \"\$2\"" _ "$OUT" "$(printf '%s\n' \
"Last key serial     3, expires $(iso $((T0 + 30 * DAY))) (in 30 days)" \
"Keys issued         serial 1, issued $(iso $((T0 - 2 * DAY))), expires (not recorded)" \
"                    serial 2, issued $(iso $((T0 - DAY))), expires (not recorded)" \
"                    serial 3, issued $(iso "$T0"), expires $(iso $((T0 + 30 * DAY))) (in 30 days)" >want.old; echo want.old)"
	check "schema 3 migrated to 6" [ "$(sqlite3 old/registrar.db 'PRAGMA user_version')" = 6 ]
	expect_exit 0 "a key after the migration" clock $((T0 + DAY)) "$RG" activation-key --name soon --valid-days 365 --data-dir "$WORK/old" -o old4.key
	check "the next key joins the migrated history" [ "$(sqlite3 old/registrar.db "SELECT group_concat(serial || ':' || ifnull(expires_at, '-')) FROM (SELECT serial, expires_at FROM keys k JOIN registrations r ON r.id = k.registration_id WHERE r.name = 'soon' ORDER BY serial)")" = "1:-,2:-,3:$((T0 + 30 * DAY)),4:$((T0 + 366 * DAY))" ]
fi

# DAYS: 0 to 3650, once, for list alone
for bad in -1 3651 abc 1.5 ""; do
	before=$(db_dump "$WS")
	expect_exit 2 "--expiring-within '$bad'" "$RG" list --expiring-within "$bad"
	check "--expiring-within '$bad': the line" [ "$ERR" = "registrar: --expiring-within must be 0 to 3650" ]
	check "--expiring-within '$bad': nothing on stdout" [ -z "$OUT" ]
done
check "a refused DAYS changed nothing" [ "$(db_dump "$WS")" = "$before" ]
expect_exit 2 "--expiring-within twice" "$RG" list --expiring-within 3 --expiring-within 30
check "--expiring-within twice: the line" [ "$ERR" = "registrar: --expiring-within given twice (see registrar --help)" ]
expect_exit 2 "--expiring-within on show" "$RG" show soon --expiring-within 3
check "--expiring-within on show: the line" [ "$ERR" = "registrar: an option given does not apply to show (see registrar --help)" ]
expect_exit 0 "--expiring-within 3650" clock "$T0" "$RG" list --expiring-within 3650
check "--expiring-within 3650: the three live keys" [ "$(printf '%s\n' "$OUT" | wc -l)" = 4 ]

finish expiring
