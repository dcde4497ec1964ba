#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The registrar on PostgreSQL when the database goes away (issue 20): a connection killed
# in the middle of each kind of write transaction (pg_terminate_backend while a test-only
# trigger holds it inside, after its first writes), from the CLI (exit 5, one line,
# nothing written, no output file; then the same command succeeds) and through `serve`
# (503 ServiceUnavailable, nothing written; the next request on the same server succeeds);
# every connection of a server killed while idle, and the cluster restarted under it: the
# first request may get 503, the next ones succeed; the writer lock held by another
# session: a write waits lock_timeout (10 s) and fails, exit 5 or 503, nothing written.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib.sh"
. "$HERE/cluster.sh"
scratch
SERVERS=
LOCKER=
cleanup() {
	[ -z "$LOCKER" ] || kill "$LOCKER" 2>/dev/null
	pg_test_cleanup $SERVERS
}
trap cleanup EXIT
T0=$(date +%s%N)
TLAST=$T0 TIMES=
mark() { # mark NAME: the time since the last mark, for the summary line
	t=$(date +%s%N)
	TIMES="$TIMES $1 $((($t - TLAST) / 1000000))"
	TLAST=$t
}
SUB=11111111-2222-4333-8444-555555555555
AV="api-version=2017-06-01"
LOCK=126879297644903 # the writer lock every write transaction takes (store_pg.c)

pg_cluster_start || { echo "connloss: no PostgreSQL cluster"; exit 1; }
URL=$(pg_database loss) || exit 1
q() { pg_sql loss "$1"; }
# The database's rows as pg_dump writes them; an identity's sequence left out (an aborted
# INSERT advances it, as PostgreSQL's sequences are not transactional), and the random key
# of pg_dump's \restrict line.
dump() { "$PG_BINDIR/pg_dump" -h "$PG_SOCKET" -U "$PG_USER" --data-only loss |
	grep -v -e '^SELECT pg_catalog.setval' -e '^\\restrict ' -e '^\\unrestrict '; }
# unchanged WHAT: the rows are those of before.sql (dump >before.sql)
unchanged() {
	dump >after.sql
	check "$1: nothing written$(diff before.sql after.sql | grep '^[<>]' | head -3 | tr '\n' ' ')" cmp -s before.sql after.sql
}
restart_cluster() {
	( cd / && pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -m fast restart ) >/dev/null 2>&1
}
# poll COMMAND...: until it prints something, at most 10 s
poll() {
	i=0
	while [ -z "$("$@")" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ $i -lt 200 ]
}
# wait_pid PID: its exit status in $GOT, at most 40 s
wait_pid() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 800 ]; do sleep 0.05; i=$((i + 1)); done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
	GOT=$?
}
# A psql session kept open (reading a fifo) that holds a lock: locker_start SQL runs SQL,
# then says "locked" (in locker.out); locker_stop SQL runs SQL and ends the session.
locker_start() {
	rm -f locker.in locker.out
	mkfifo locker.in
	"$PG_BINDIR/psql" -X -q -At -h "$PG_SOCKET" -U "$PG_USER" -d loss -v ON_ERROR_STOP=1 <locker.in >locker.out 2>&1 &
	LOCKER=$!
	exec 9>locker.in
	echo "$1 SELECT 'locked';" >&9
	poll grep -x locked locker.out
}
locker_stop() {
	echo "$1" >&9
	exec 9>&-
	wait_pid $LOCKER
	LOCKER=
}
serial_of() { # serial_of FILE: the serial claim of the activation key in FILE
	cut -d. -f2 "$1" | $PY -c 'import base64,json,sys,zlib; p=sys.stdin.read().strip(); print(json.loads(zlib.decompress(base64.urlsafe_b64decode(p+"="*(-len(p)%4)),-15))["serial"])'
}

# --- a registrar on the database, one registration with a key (serial 1)
expect_exit 0 "init --database URL" "$RG" init --database "$URL"
for s in east west north south; do
	"$TG" init --state-dir "st-$s" >/dev/null
	"$TG" create --billing-model Development --host "$HOSTS/node1.json" --state-dir "st-$s" \
		-o "tok-$s.txt" >/dev/null 2>&1
done
expect_exit 0 "register east" "$RG" register --token tok-east.txt --name east
expect_exit 0 "activation key 1" "$RG" activation-key --name east -o k1.txt

# A test-only trigger: an audit row of ACTION waits 30 s before it is written, the last
# write of every verb's transaction, so the registrar's backend is found there, its other
# writes made, and terminated.
stall_on() {
	q "CREATE OR REPLACE FUNCTION test_stall() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN PERFORM pg_sleep(30); RETURN NEW; END \$\$;
	   CREATE TRIGGER test_stall BEFORE INSERT ON audit FOR EACH ROW
		WHEN (NEW.action = '$1') EXECUTE FUNCTION test_stall()"
}
stall_off() { q "DROP TRIGGER test_stall ON audit"; }
stalled() { q "SELECT pid FROM pg_stat_activity WHERE application_name = 'airreg-registrar' AND wait_event = 'PgSleep' AND query LIKE 'INSERT INTO audit %'"; }
# kill_stalled WHAT: waits for a registrar's backend in the trigger, terminates it
kill_stalled() {
	if poll stalled; then
		check "$1: its backend terminated" [ "$(q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'airreg-registrar' AND wait_event = 'PgSleep'")" = t ]
	else
		bad "$1: no registrar backend stalled in the trigger within 10 s"
	fi
}
# cli_killed WHAT ACTION COMMAND...: COMMAND killed in its transaction at ACTION's audit
# row: exit 5, one line naming the database and the lost connection, the rows unchanged
cli_killed() {
	label=$1 action=$2
	shift 2
	stall_on "$action"
	dump >before.sql
	"$@" >out.txt 2>err.txt &
	pid=$!
	kill_stalled "$label"
	wait_pid $pid
	check "$label: exit 5 (got $GOT)" [ "$GOT" -eq 5 ]
	check "$label: one line on stderr" [ "$(wc -l <err.txt)" -eq 1 ]
	case $(cat err.txt) in
	"registrar: $URL: database: write: "*"terminating connection due to administrator command") ok ;;
	*) bad "$label: stderr: $(cat err.txt)" ;;
	esac
	check "$label: nothing on stdout" [ ! -s out.txt ]
	unchanged "$label"
	stall_off
}

mark setup
# --- the CLI, killed in each kind of write
cli_killed "activation-key killed" activation-key "$RG" activation-key --name east -o k2.txt
check "activation-key killed: no keys row, key_serial still 1" \
	[ "$(q "SELECT count(*) || ' ' || max(key_serial) FROM keys, registrations")" = "1 1" ]
check "activation-key killed: no key file left" [ ! -e k2.txt ]
check "activation-key killed: nothing left beside it" [ -z "$(find . -maxdepth 1 -name 'k2.txt*')" ]
expect_exit 0 "activation-key again: it succeeds" "$RG" activation-key --name east -o k2.txt
check "with the next serial, 2" [ "$(serial_of k2.txt)" = 2 ]
check "key_serial 2, two keys, two audit rows" \
	[ "$(q "SELECT (SELECT key_serial FROM registrations WHERE name = 'east') || ' ' || (SELECT count(*) FROM keys) || ' ' || (SELECT count(*) FROM audit WHERE action = 'activation-key')")" = "2 2 2" ]

cli_killed "register killed" register "$RG" register --token tok-west.txt --name west
check "register killed: no registration" [ "$(q "SELECT count(*) FROM registrations WHERE name = 'west'")" = 0 ]
expect_exit 0 "register again: it succeeds" "$RG" register --token tok-west.txt --name west
check "registered once" [ "$(q "SELECT count(*) FROM audit WHERE action = 'register' AND registration = 'west'")" = 1 ]

T1=0a0a0a0a-1111-4222-8333-444444444444
S1=10000000-0000-4000-8000-000000000001
cli_killed "tenant add killed" "tenant add" "$RG" tenant add --registration east --subscription $S1 --tenant $T1
expect_exit 0 "tenant add again: it succeeds" "$RG" tenant add --registration east --subscription $S1 --tenant $T1
check "one tenant, one audit row" \
	[ "$(q "SELECT (SELECT count(*) FROM tenants) || ' ' || (SELECT count(*) FROM audit WHERE action = 'tenant add')")" = "1 1" ]

mark cli-kills
# --- killed while it reads: another session locks the registrations table, so that the
# registrar's SELECT of it waits (inside its transaction, after BEGIN and the writer lock),
# and its backend is terminated there. A read that failed is not a row that is not there:
# exit 5 (503), not "RegistrationNotFound" (4, 404).
waiting_read() { q "SELECT pid FROM pg_stat_activity WHERE application_name = 'airreg-registrar' AND wait_event_type = 'Lock' AND query LIKE 'SELECT %'"; }
kill_reading() {
	if poll waiting_read; then
		check "$1: its backend terminated" [ "$(q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'airreg-registrar' AND wait_event_type = 'Lock'")" = t ]
	else
		bad "$1: no registrar backend waiting on the table within 10 s"
	fi
}
dump >before.sql
locker_start "BEGIN; LOCK TABLE registrations IN ACCESS EXCLUSIVE MODE;"
"$RG" activation-key --name east -o k-read.txt >out.txt 2>err.txt &
pid=$!
kill_reading "activation-key killed reading"
wait_pid $pid
rc=$GOT
locker_stop "ROLLBACK;"
check "activation-key killed reading: exit 5 (got $rc: $(cat err.txt))" [ "$rc" -eq 5 ]
check "activation-key killed reading: one line on stderr" [ "$(wc -l <err.txt)" -eq 1 ]
check "activation-key killed reading: the lost connection named" grep -q 'terminating connection due to administrator command$' err.txt
check "activation-key killed reading: no key file" [ ! -e k-read.txt ]
unchanged "activation-key killed reading"

mark cli-read-kill
# --- serve: a request killed in its transaction; the next request on the same server
start_server() { # the server of $WS: $PID, $PORT, $BASE; its log serve.log
	: >serve.log
	"$RG" serve --listen 127.0.0.1:0 2>>serve.log &
	PID=$!
	SERVERS="$SERVERS $PID"
	i=0
	while ! grep -q 'listening on' serve.log && kill -0 $PID 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(sed -n 's/.*listening on https*:\/\/[^ ]*:\([0-9]*\) .*/\1/p' serve.log)
	BASE="http://127.0.0.1:$PORT/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations"
}
start_server
check "serve prints its port" [ -n "$PORT" ]
SECRET=$(cat "$WS/api.secret")
# call METHOD PATH [curl args...]: STATUS, body in body.json >/dev/null
call() {
	m=$1 u=$2
	shift 2
	rm -f body.json >/dev/null
	STATUS=$(curl -s -o body.json -w '%{http_code}' -X "$m" -H "Authorization: Bearer $SECRET" "$@" "$BASE$u")
}
jqok() { jq -e "$1" body.json >/dev/null; } # jqok EXPR: the last answer's body holds it
newkey() { # POST getactivationkey for east: STATUS; the key in key.txt on 200
	call POST "/east/getactivationkey?$AV"
	[ "$STATUS" != 200 ] || jq -r .activationKey body.json >key.txt
}
serial_now() { q "SELECT key_serial FROM registrations WHERE name = 'east'"; }
# http_killed WHAT ACTION METHOD PATH [curl args...]: the request killed in its transaction
# at ACTION's audit row: 503 ServiceUnavailable naming the lost connection, nothing written
http_killed() {
	label=$1 action=$2
	shift 2
	stall_on "$action"
	dump >before.sql
	( call "$@"; echo "$STATUS" >status.txt ) &
	pid=$!
	kill_stalled "$label"
	wait_pid $pid
	check "$label: 503 (got $(cat status.txt))" [ "$(cat status.txt)" = 503 ]
	check "$label: ServiceUnavailable, told to retry" \
		jqok '.error.code == "ServiceUnavailable" and .error.message == "the registrar cannot answer now: try again (its log says why)"'
	check "$label: the log says why" sh -c 'tail -n 2 serve.log | grep -q "^registrar: serve: .*: database: .*: terminating connection due to administrator command$"'
	unchanged "$label"
	stall_off
}
newkey
check "serve issues key 3 (got $STATUS)" [ "$STATUS" = 200 -a "$(serial_of key.txt 2>/dev/null)" = 3 ]
http_killed "getactivationkey killed" activation-key POST "/east/getactivationkey?$AV"
check "getactivationkey killed: key_serial still 3" [ "$(serial_now)" = 3 ]
newkey
check "the next request on the same server: 200 (got $STATUS)" [ "$STATUS" = 200 ]
check "with the next serial, 4" [ "$(serial_of key.txt)" = 4 ]
jq -n --rawfile t tok-north.txt '{properties:{registrationToken:$t}}' >put-north.json
http_killed "PUT registration killed" register PUT "/north?$AV" --data-binary @put-north.json
check "PUT registration killed: no registration" [ "$(q "SELECT count(*) FROM registrations WHERE name = 'north'")" = 0 ]
call PUT "/north?$AV" --data-binary @put-north.json
check "PUT registration again: 201 (got $STATUS)" [ "$STATUS" = 201 ]
S2=10000000-0000-4000-8000-000000000002
http_killed "PUT customerSubscription killed" "tenant add" PUT "/east/customerSubscriptions/$S2?$AV" \
	--data '{"properties":{"tenantId":"0b0b0b0b-1111-4222-8333-444444444444"}}'
call PUT "/east/customerSubscriptions/$S2?$AV" --data '{"properties":{"tenantId":"0b0b0b0b-1111-4222-8333-444444444444"}}'
check "PUT customerSubscription again: 200 (got $STATUS)" [ "$STATUS" = 200 ]
http_killed "DELETE customerSubscription killed" "tenant remove" DELETE "/east/customerSubscriptions/$S2?$AV"
call DELETE "/east/customerSubscriptions/$S2?$AV"
check "DELETE customerSubscription again: 200 (got $STATUS)" [ "$STATUS" = 200 ]

mark http-kills
# a request killed while it reads (the table locked, as above), the lock then released: a
# write (inside its transaction) is 503 with nothing written; a read (no transaction) is run
# again on a new connection, 200. Then the next succeeds. The same request first, so that
# the server's connection holds its statements prepared: the SELECT that waits is then
# their execution (a statement to prepare waits in its PREPARE, as the CLI's above did).
for req in "POST /east/getactivationkey" "GET /east" "GET /east/customerSubscriptions"; do
	call ${req% *} "${req#* }?$AV"
	check "$req: 200 (got $STATUS)" [ "$STATUS" = 200 ]
	dump >before.sql
	locker_start "BEGIN; LOCK TABLE registrations IN ACCESS EXCLUSIVE MODE;"
	( call ${req% *} "${req#* }?$AV"; echo "$STATUS" >status.txt ) &
	pid=$!
	kill_reading "$req killed reading"
	locker_stop "ROLLBACK;"
	wait_pid $pid
	case $req in POST*) want=503 ;; *) want=200 ;; esac
	check "$req killed reading: $want, not $(cat status.txt) $(jq -c .error.code body.json 2>/dev/null)" [ "$(cat status.txt)" = $want ]
	unchanged "$req killed reading"
	call ${req% *} "${req#* }?$AV"
	check "$req: the next request succeeds (got $STATUS)" [ "$STATUS" = 200 ]
done

mark http-read-kills
# after_loss WHAT: the first request may get 503; the next five, writes and reads, succeed,
# each key the next serial
after_loss() {
	s=$(serial_now)
	newkey
	first=$STATUS
	case $first in 200 | 503) ok ;; *) bad "$1: the first key request: $first" ;; esac
	[ "$first" != 200 ] || s=$((s + 1))
	n=0
	for i in 1 2 3 4 5; do
		newkey
		[ "$STATUS" = 200 ] && [ "$(serial_of key.txt)" = $((s + 1)) ] && n=$((n + 1)) && s=$((s + 1))
	done
	check "$1: after the first ($first), five keys in a row, each the next serial ($n)" [ $n -eq 5 ]
	call GET "/east?$AV"
	first=$STATUS
	case $first in 200 | 503) ok ;; *) bad "$1: the first read: $first" ;; esac
	n=0
	for i in 1 2 3 4 5; do call GET "/east?$AV"; [ "$STATUS" != 200 ] || n=$((n + 1)); done
	check "$1: after the first read ($first), five in a row" [ $n -eq 5 ]
	check "$1: key_serial = keys = audit rows" \
		[ "$(q "SELECT count(*) FROM keys k JOIN registrations r ON r.id = k.registration_id WHERE r.name = 'east'") $(q "SELECT count(*) FROM audit WHERE action = 'activation-key' AND registration = 'east'")" = "$(serial_now) $(serial_now)" ]
}
backends() { q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'airreg-registrar'"; }
five() { [ "$(backends)" != 5 ] || echo 5; }
poll five
check "the server holds its connections (5; got $(backends))" [ "$(backends)" = 5 ]
check "every connection of the server terminated while idle" \
	[ "$(q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'airreg-registrar'")" = 5 ]
after_loss "idle connections killed"
check "idle connections killed: reads first this time" \
	[ "$(q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'airreg-registrar'")" -ge 1 ]
call GET "/east?$AV"
case $STATUS in 200 | 503) ok ;; *) bad "the first read after: $STATUS" ;; esac
call GET "/east?$AV"
check "the read after it: 200 (got $STATUS)" [ "$STATUS" = 200 ]
mark idle-kills
check "the cluster restarts" restart_cluster
after_loss "cluster restarted"
check "the server still runs" kill -0 "$PID"

mark restart
# --- the writer lock held by another session: a write waits 10 s (lock_timeout) and
# fails, exit 5 and one line, or 503; nothing written. Once, the CLI and a request at once.
locker_start "SELECT pg_advisory_lock($LOCK);"
check "another session holds the writer lock" grep -qx locked locker.out
dump >before.sql
s=$(serial_now)
t=$(date +%s%N)
"$RG" activation-key --name east -o k-locked.txt >out.txt 2>err.txt &
cli=$!
( call POST "/east/getactivationkey?$AV"; echo "$STATUS" >status.txt ) &
http=$!
wait_pid $cli
cli_rc=$GOT
cli_ms=$((($(date +%s%N) - t) / 1000000))
wait_pid $http
check "the CLI waited for the lock and failed: exit 5 (got $cli_rc)" [ "$cli_rc" -eq 5 ]
check "after about 10 s ($cli_ms ms)" [ "$cli_ms" -ge 9500 -a "$cli_ms" -lt 20000 ]
check "one line on stderr" [ "$(wc -l <err.txt)" -eq 1 ]
check "naming the lock's timeout: $(cat err.txt)" [ "$(cat err.txt)" = "registrar: $URL: database: take the writer lock: canceling statement due to lock timeout" ]
check "no key file" [ ! -e k-locked.txt ]
check "the request waited and got 503 (got $(cat status.txt))" [ "$(cat status.txt)" = 503 ]
check "ServiceUnavailable" jqok '.error.code == "ServiceUnavailable" and .error.message == "the registrar cannot answer now: try again (its log says why)"'
check "the log says why" grep -q "^registrar: serve: .*: database: take the writer lock: canceling statement due to lock timeout$" serve.log
unchanged "the lock held"
locker_stop "SELECT pg_advisory_unlock($LOCK);"
expect_exit 0 "the lock released: activation-key succeeds" "$RG" activation-key --name east -o k-locked.txt
check "with the next serial" [ "$(serial_of k-locked.txt)" = $((s + 1)) ]
newkey
check "and the server: 200 (got $STATUS)" [ "$STATUS" = 200 ]
check "the next serial again" [ "$(serial_of key.txt)" = $((s + 2)) ]

mark lock
# --- the server stops cleanly after all this
kill -TERM "$PID"
wait_pid "$PID"
SERVERS=
check "serve exits 0 on SIGTERM (got $GOT)" [ "$GOT" -eq 0 ]
check "serve says it stopped and closed the database" grep -q 'stopped after .* requests; database closed' serve.log
mark stop
printf 'connloss: %d ms (ms by part:%s)\n' $((($(date +%s%N) - T0) / 1000000)) "$TIMES"
finish connloss
