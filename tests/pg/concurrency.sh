#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Two `registrar serve` and CLI writers on one PostgreSQL database at once (issue 20): HTTP
# clients against both servers (registrations PUT, getactivationkey, customerSubscriptions
# PUT and DELETE, GETs) and CLI writers (activation-key, tenant add, register), a few
# thousand operations (tests/pg/drive.py); then the database against what the clients got:
# each registration's serials 1..N once each, key_serial N, every key a client got recorded
# and none other, every registration once, one audit row per write that succeeded, every
# answer 2xx or 503 and every CLI exit 0 or 5. Then one name raced with three CloudIds
# (server 1, server 2, the CLI) many times, and one CloudId under three names: one wins,
# the others are refused; the database's own constraints refuse a name twice, a CloudId
# live twice, a serial twice.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib.sh"
. "$HERE/cluster.sh"
scratch
SERVERS=
cleanup() {
	pg_test_cleanup $SERVERS
}
trap cleanup EXIT
T0=$(date +%s%N)
HTTP_THREADS=${PG_CONC_HTTP_THREADS:-4} # each server
HTTP_OPS=${PG_CONC_HTTP_OPS:-250}       # each HTTP thread
CLI_THREADS=${PG_CONC_CLI_THREADS:-2}
CLI_OPS=${PG_CONC_CLI_OPS:-60}          # each CLI thread
ROUNDS=${PG_CONC_ROUNDS:-40}            # of each race

pg_cluster_start || { echo "concurrency: no PostgreSQL cluster"; exit 1; }
URL=$(pg_database conc) || exit 1
q() { pg_sql conc "$1"; }

# --- one database, two data directories: the second a copy of the first (same issuer key,
# same API secret, the URL init recorded)
expect_exit 0 "init --database URL" "$RG" init --database "$URL"
check "init recorded the URL" [ "$(cat "$WS/database")" = "$URL" ]
check "and made no SQLite file" [ ! -e "$WS/registrar.db" ]
cp -a "$WS" ws2
SECRET=$(cat "$WS/api.secret")

start_server() { # start_server DIR LOG: sets PORT; the server's pid joins $SERVERS
	: >"$2"
	"$RG" serve --data-dir "$1" --listen 127.0.0.1:0 2>>"$2" &
	SERVERS="$SERVERS $!"
	i=0
	while ! grep -q 'listening on' "$2" && kill -0 $! 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(sed -n 's/.*listening on https*:\/\/[^ ]*:\([0-9]*\) .*/\1/p' "$2")
}
start_server "$WS" serve1.log
PORT1=$PORT
start_server ws2 serve2.log
PORT2=$PORT
check "both servers listen" [ -n "$PORT1" -a -n "$PORT2" -a "$PORT1" != "$PORT2" ]

# --- stamps: six registered at the start (reg0..5), six during the load (ext0..5), three
# that race for the same names, one whose CloudId races under three names
mkstamp() { # mkstamp NAME: its state dir st-NAME, token tok-NAME.txt
	"$TG" init --state-dir "st-$1" >/dev/null &&
		"$TG" create --billing-model Development --host "$HOSTS/node1.json" --state-dir "st-$1" \
			-o "tok-$1.txt" >/dev/null 2>&1
}
for s in reg0 reg1 reg2 reg3 reg4 reg5 ext0 ext1 ext2 ext3 ext4 ext5 raceA raceB raceC raceD; do
	mkstamp $s || bad "token-gen for $s"
done
cat >plan.json <<EOF
{"regs": {"reg0": "tok-reg0.txt", "reg1": "tok-reg1.txt", "reg2": "tok-reg2.txt",
          "reg3": "tok-reg3.txt", "reg4": "tok-reg4.txt", "reg5": "tok-reg5.txt"},
 "extra": [["ext0", "tok-ext0.txt", "s1"], ["ext1", "tok-ext1.txt", "s1"],
           ["ext2", "tok-ext2.txt", "s2"], ["ext3", "tok-ext3.txt", "s2"],
           ["ext4", "tok-ext4.txt", "cli"], ["ext5", "tok-ext5.txt", "cli"]],
 "http_threads": $HTTP_THREADS, "http_ops": $HTTP_OPS, "cli_threads": $CLI_THREADS,
 "cli_ops": $CLI_OPS, "seed": 20}
EOF

# --- the load
T1=$(date +%s%N)
$PY "$HERE/drive.py" load "$WORK" "$PORT1" "$PORT2" "$SECRET" "$RG" plan.json
T2=$(date +%s%N)
OPS=$(wc -l <ops.log)
HTTP_OPS_DONE=$(grep -c '^s[12] ' ops.log)
CLI_OPS_DONE=$(grep -c '^cli ' ops.log)
N503=$(awk '$1 != "cli" && $4 == 503' ops.log | wc -l)
N5=$(awk '$1 == "cli" && $4 == 5' ops.log | wc -l)

# every answer one the operation may give, or 503 (the database busy or lost); every CLI
# exit 0 or 5
awk '
	$1 == "cli" { if ($4 != 0 && $4 != 5) print; next }
	$4 == 503 { next }
	$2 == "put-registration" { if ($4 != 200 && $4 != 201) print; next }
	$2 == "delete-absent-tenant" { if ($4 != 204) print; next }
	{ if ($4 != 200) print }
' ops.log >unexpected.txt
check "every HTTP answer the expected 2xx or 503, every CLI exit 0 or 5: $(head -5 unexpected.txt | tr '\n' ';')" \
	[ ! -s unexpected.txt ]
check "each CLI failure said one line" [ "$(wc -l <cli-errors.txt)" -eq "$N5" ]
check "both servers and the CLI did their share" \
	[ "$(grep -c '^s1 ' ops.log)" -gt 0 -a "$(grep -c '^s2 ' ops.log)" -gt 0 -a "$CLI_OPS_DONE" -gt 0 ]

# --- registrations: each once, live, with its own stamp's CloudId
for s in reg0 reg1 reg2 reg3 reg4 reg5 ext0 ext1 ext2 ext3 ext4 ext5; do
	echo "$s|$(cat "st-$s/cloud-id")|Registered"
done | LC_ALL=C sort >want-regs.txt
q "SELECT name, cloud_id, status FROM registrations ORDER BY name" >got-regs.txt
check "every registration exactly once, with its CloudId: $(diff want-regs.txt got-regs.txt | tr "\n" " ")" cmp -s want-regs.txt got-regs.txt
check "one register audit row per registration" \
	[ "$(q "SELECT registration || ' ' || count(*) FROM audit WHERE action = 'register' GROUP BY registration ORDER BY 1" | tr '\n' ' ')" = \
	  "ext0 1 ext1 1 ext2 1 ext3 1 ext4 1 ext5 1 reg0 1 reg1 1 reg2 1 reg3 1 reg4 1 reg5 1 " ]
check "of the three at once, the clients saw exactly one creation per registration" \
	grep -qx 'register|12' expect-audit.txt

# --- serials: 1..N once each, key_serial N; the keys clients got are exactly the keys table
q "SELECT r.name, r.key_serial, count(k.serial), count(DISTINCT k.serial), coalesce(min(k.serial), 0),
	coalesce(max(k.serial), 0) FROM registrations r LEFT JOIN keys k ON k.registration_id = r.id
	GROUP BY r.id, r.name, r.key_serial ORDER BY r.name" >serials.txt
check "serials 1..N, no gap, no duplicate, key_serial = N: $(tr '\n' ' ' <serials.txt)" \
	awk -F'|' '$2 != $3 || $3 != $4 || $6 != $2 || ($2 > 0 && $5 != 1) { bad = 1 } END { exit bad }' serials.txt
check "keys were issued to every registration of the load" \
	[ "$(awk -F'|' '$1 ~ /^reg/ && $2 > 0' serials.txt | wc -l)" -eq 6 ]
$PY "$HERE/decode_keys.py" "$WS/issuer.pub" <keys.txt | LC_ALL=C sort -k1,1 -k2,2n >got-keys.txt
check "every key a client got verifies with the shared issuer key" [ "$(grep -c '^BADSIG' got-keys.txt)" -eq 0 ]
check "every key a client got names the registration asked for" [ "$(grep -c '^MISMATCH' got-keys.txt)" -eq 0 ]
check "no serial handed out twice" [ -z "$(awk '{ print $1, $2 }' got-keys.txt | uniq -d)" ]
q "SELECT r.name || ' ' || k.serial || ' ' || k.sha256 FROM keys k JOIN registrations r ON r.id = k.registration_id" |
	LC_ALL=C sort -k1,1 -k2,2n >db-keys.txt
check "the keys clients got are the keys table's, serial and SHA-256 ($(wc -l <db-keys.txt) keys)" \
	sh -c 'awk "{ print \$1, \$2, \$4 }" got-keys.txt | cmp -s - db-keys.txt'
q "SELECT registration || ' ' || detail FROM audit WHERE action = 'activation-key'" |
	sed 's/^\([^ ]*\) serial \([0-9]*\), jti \(.*\)$/\1 \2 \3/' | LC_ALL=C sort -k1,1 -k2,2n >audit-keys.txt
check "one activation-key audit row per key, its serial and jti" \
	sh -c 'awk "{ print \$1, \$2, \$3 }" got-keys.txt | cmp -s - audit-keys.txt'

# --- tenants: what is mapped is what the clients added less what they removed
awk '($2 == "put-tenant" && $4 == 200) || ($2 == "tenant-add" && $4 == 0) { n[$3]++ }
	$2 == "delete-tenant" && $4 == 200 { n[$3]-- }
	END { for (r in n) if (n[r]) print r "|" n[r] }' ops.log | LC_ALL=C sort >want-tenants.txt
q "SELECT r.name, count(*) FROM tenants t JOIN registrations r ON r.id = t.registration_id GROUP BY r.name ORDER BY r.name" >got-tenants.txt
check "the tenants mapped are those added less those removed" cmp -s want-tenants.txt got-tenants.txt

# --- the audit: one row per write that succeeded, by action
{ echo 'init|1'; cat expect-audit.txt; } | LC_ALL=C sort >want-audit.txt
q "SELECT action || '|' || count(*) FROM audit GROUP BY action ORDER BY action" >got-audit.txt
check "the audit holds one row per successful write: $(tr '\n' ' ' <got-audit.txt), want $(tr '\n' ' ' <want-audit.txt)" \
	cmp -s want-audit.txt got-audit.txt

# --- races, ROUNDS times each: one name for three CloudIds at the same instant (server 1,
# server 2, the CLI), then one CloudId under three names. One wins with its own; the others
# are refused (409, exit 4) and write nothing; the winner is then unregistered (200).
T3=$(date +%s%N)
$PY "$HERE/drive.py" name "$WORK" "$PORT1" "$PORT2" "$SECRET" "$RG" "$ROUNDS" \
	tok-raceA.txt tok-raceB.txt tok-raceC.txt
$PY "$HERE/drive.py" cloud "$WORK" "$PORT1" "$PORT2" "$SECRET" "$RG" "$ROUNDS" \
	tok-raceD.txt tok-raceD.txt tok-raceD.txt
T4=$(date +%s%N)
A=$(cat st-raceA/cloud-id) B=$(cat st-raceB/cloud-id) C=$(cat st-raceC/cloud-id) D=$(cat st-raceD/cloud-id)
# race_rounds KIND CLOUD_S1 CLOUD_S2 CLOUD_CLI HTTP_CODE CLI_WORDS: the rounds that went
# wrong, on stdout; the winners' tally in KIND-winners.txt
race_rounds() {
	awk -v kind="$1" -v c1="$2" -v c2="$3" -v c3="$4" -v code="$5" -v words="$6" '
	{
		split($2, s1, ":"); split($3, s2, ":"); split($4, cl, ":")
		w = (s1[1] == 201) + (s2[1] == 201) + (cl[1] == 0)
		ok = w == 1 && $7 == 200
		if (s1[1] == 201) ok = ok && s1[2] == c1 && $5 == "s1" && $6 == c1
		else ok = ok && s1[1] == 409 && s1[2] == code
		if (s2[1] == 201) ok = ok && s2[2] == c2 && $5 == "s2" && $6 == c2
		else ok = ok && s2[1] == 409 && s2[2] == code
		if (cl[1] == 0) ok = ok && cl[2] == c3 && $5 == "cli" && $6 == c3
		else ok = ok && cl[1] == 4 && index($4, words) > 0
		if (!ok) print
		else won[$5]++
	}
	END { printf "%s race: s1 %d, s2 %d, cli %d", kind, won["s1"], won["s2"], won["cli"] > (kind "-winners.txt") }
	' "$1-race.log"
}
check "a name race every round" [ "$(wc -l <name-race.log)" -eq "$ROUNDS" ]
race_rounds name "$A" "$B" "$C" RegistrationNameConflict "_is_already_associated_with_another_cloud_identifier_(" >race-bad.txt
check "each name race: one winner, the others 409 RegistrationNameConflict / exit 4: $(head -3 race-bad.txt | tr '\n' ';')" [ ! -s race-bad.txt ]
awk '{ print "race-" $1 "|" $6 "|Unregistered" }' name-race.log | LC_ALL=C sort -t"|" -k1,1 >want-race.txt
q "SELECT name, cloud_id, status FROM registrations WHERE name LIKE 'race-%' ORDER BY name" >got-race.txt
check "each raced name bound to its winner's CloudId only" cmp -s want-race.txt got-race.txt
check "a CloudId race every round" [ "$(wc -l <cloud-race.log)" -eq "$ROUNDS" ]
race_rounds cloud "$D" "$D" "$D" CloudIdAlreadyRegistered "_is_already_registered_(as_cloud-" >race-bad.txt
check "each CloudId race: one winner, the others 409 CloudIdAlreadyRegistered / exit 4: $(head -3 race-bad.txt | tr '\n' ';')" [ ! -s race-bad.txt ]
awk '{ print "cloud-" $1 "-" $5 "|" $6 "|Unregistered" }' cloud-race.log | LC_ALL=C sort -t"|" -k1,1 >want-race.txt
q "SELECT name, cloud_id, status FROM registrations WHERE name LIKE 'cloud-%'" | LC_ALL=C sort -t"|" -k1,1 >got-race.txt
check "each raced CloudId registered under its winner's name only" cmp -s want-race.txt got-race.txt
check "one register and one unregister audit row per race" \
	[ "$(q "SELECT count(*) FROM audit WHERE (registration LIKE 'race-%' OR registration LIKE 'cloud-%') AND action = 'register'") $(q "SELECT count(*) FROM audit WHERE (registration LIKE 'race-%' OR registration LIKE 'cloud-%') AND action = 'unregister'")" = "$((2 * ROUNDS)) $((2 * ROUNDS))" ]
check "no other audit row for the races" \
	[ "$(q "SELECT count(*) FROM audit WHERE (registration LIKE 'race-%' OR registration LIKE 'cloud-%') AND action NOT IN ('register', 'unregister')")" = 0 ]
check "no name ever bound to two CloudIds, no CloudId live twice" \
	[ "$(q "SELECT (SELECT count(*) FROM (SELECT name FROM registrations GROUP BY name HAVING count(DISTINCT cloud_id) > 1) n)
		+ (SELECT count(*) FROM (SELECT cloud_id FROM registrations WHERE status = 'Registered' GROUP BY cloud_id HAVING count(*) > 1) c)")" = 0 ]
# the constraints are the database's: a second row for a name, or a second live row for a
# CloudId, is refused by PostgreSQL itself whatever a program checks
check "the database refuses a second row for a name" sh -c "! pg_sql conc \"INSERT INTO registrations (name, cloud_id, stamp_kid, status, billing_model, usage_reporting, marketplace_syndication, token, token_sha256, token_issued_at, claims, registered_at, updated_at) SELECT name, '$C', stamp_kid, 'Unregistered', billing_model, 0, 0, token, token_sha256, token_issued_at, claims, 0, 0 FROM registrations WHERE name = 'reg0'\" 2>/dev/null"
check "the database refuses a second live row for a CloudId" sh -c "! pg_sql conc \"INSERT INTO registrations (name, cloud_id, stamp_kid, status, billing_model, usage_reporting, marketplace_syndication, token, token_sha256, token_issued_at, claims, registered_at, updated_at) SELECT 'other', cloud_id, stamp_kid, 'Registered', billing_model, 0, 0, token, token_sha256, token_issued_at, claims, 0, 0 FROM registrations WHERE name = 'reg0'\" 2>/dev/null"
check "the database refuses a serial twice" sh -c "! pg_sql conc \"INSERT INTO keys (registration_id, serial) SELECT registration_id, serial FROM keys LIMIT 1\" 2>/dev/null"

# --- both servers still serve, and stop cleanly
for p in $SERVERS; do kill -TERM "$p"; done
for p in $SERVERS; do
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
done
check "server 1 stopped and closed the database" grep -q 'stopped after .* requests; database closed' serve1.log
check "server 2 stopped and closed the database" grep -q 'stopped after .* requests; database closed' serve2.log
SERVERS=
T5=$(date +%s%N)
ms() { echo $((($2 - $1) / 1000000)); }
printf 'concurrency: load %d operations (HTTP %d on two servers, CLI %d) in %d ms: %d answered 503, %d CLI exit 5; %d keys; races 2 x %d rounds in %d ms (winners: %s; %s); all %d ms\n' \
	"$OPS" "$HTTP_OPS_DONE" "$CLI_OPS_DONE" "$(ms "$T1" "$T2")" "$N503" "$N5" "$(wc -l <db-keys.txt)" \
	"$ROUNDS" "$(ms "$T3" "$T4")" "$(cat name-winners.txt)" "$(cat cloud-winners.txt)" "$(ms "$T0" "$T5")"
finish concurrency
