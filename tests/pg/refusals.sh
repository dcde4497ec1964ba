#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The registrar's refusals at the edge of PostgreSQL (issue 20; docs/errors.md, "The
# database on PostgreSQL"): a password in the URL, an empty $AIRREG_DATABASE, a URL libpq
# cannot read, a damaged DATA_DIR/database (exit 2 or 5, the password never printed); a
# database without the schema, one initialised already (init from a second data
# directory, and two inits at once), a schema of another version, the server down (exit
# 5, one line). Each with its exact line, and nothing written.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib.sh"
. "$HERE/cluster.sh"
scratch
cleanup() {
	pg_cluster_stop
	chmod -R u+rwX "$WORK" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
T0=$(date +%s%N)

pg_cluster_start || { echo "refusals: no PostgreSQL cluster"; exit 1; }
URL=$(pg_database ref) || exit 1
EMPTY=$(pg_database empty) || exit 1
# everything of a database, its schema and rows (pg_dump's random \restrict key aside)
dump() { "$PG_BINDIR/pg_dump" -h "$PG_SOCKET" -U "$PG_USER" "$1" | grep -v -e '^\\restrict ' -e '^\\unrestrict '; }
# exactly LINE on stderr, nothing on stdout
says() {
	check "$1: stderr is: $2 (got: $ERR)" [ "$ERR" = "$2" ]
	check "$1: nothing on stdout" [ -z "$OUT" ]
}

expect_exit 0 "init --database URL" "$RG" init --database "$URL"
"$TG" init --state-dir st >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node1.json" --state-dir st -o tok.txt >/dev/null 2>&1
expect_exit 0 "register" "$RG" register --token tok.txt --name east
dump ref >ref.sql
snapshot "$WS" >ws.snap

# --- usage: refused before anything is opened or made
PW="registrar: --database: a password in the URL is seen by every user of this machine (ps, /proc): put it in PGPASSFILE or ~/.pgpass"
for u in 'postgresql://u:secret@/db' 'postgres://u:secret@localhost/db' 'postgresql:///db?password=secret' \
	"postgresql://airreg:secret@/ref?host=$PG_SOCKET"; do
	expect_exit 2 "a password in $u" "$RG" list --database "$u"
	says "a password in $u" "$PW"
done
expect_exit 2 "init with a password in the URL" "$RG" init --data-dir new --database 'postgresql://u:secret@/db'
says "init with a password in the URL" "$PW"
check "init with a password: no data directory made" [ ! -e new ]
expect_exit 2 "a password in \$AIRREG_DATABASE" env AIRREG_DATABASE='postgresql://u:secret@/db' "$RG" list
says "a password in \$AIRREG_DATABASE" "registrar: \$AIRREG_DATABASE: a password in the URL is seen by every user of this machine (ps, /proc): put it in PGPASSFILE or ~/.pgpass"
expect_exit 2 "AIRREG_DATABASE set but empty" env AIRREG_DATABASE= "$RG" list
says "AIRREG_DATABASE set but empty" "registrar: \$AIRREG_DATABASE is set but empty (name a database, or unset it)"
expect_exit 2 "AIRREG_DATABASE empty, an init" env AIRREG_DATABASE= "$RG" init --data-dir new
says "AIRREG_DATABASE empty, an init" "registrar: \$AIRREG_DATABASE is set but empty (name a database, or unset it)"
check "AIRREG_DATABASE empty: no data directory made" [ ! -e new ]
expect_exit 2 "--database ''" "$RG" list --database ''
says "--database ''" "registrar: --database: not a postgresql:// URL or a file's path (1 to 1023 bytes, one line)"
expect_exit 2 "a URL libpq cannot read" "$RG" list --database 'postgresql://[bad'
says "a URL libpq cannot read" "registrar: --database: not a URL libpq reads: end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://[bad\""
check "the usage refusals changed nothing" [ "$(dump ref)" = "$(cat ref.sql)" ]

# --- precedence: --database over $AIRREG_DATABASE over DATA_DIR/database
NOSCHEMA="registrar: $EMPTY: no registrar schema in this database (registrar init --database URL makes it)"
expect_exit 5 "\$AIRREG_DATABASE over DATA_DIR/database" env AIRREG_DATABASE=$EMPTY "$RG" list
says "\$AIRREG_DATABASE over DATA_DIR/database" "$NOSCHEMA"
expect_exit 0 "--database over \$AIRREG_DATABASE" env AIRREG_DATABASE=$EMPTY "$RG" show east --database "$URL"

# --- a database without the schema: exit 5, nothing made there
expect_exit 5 "list on a database with no schema" "$RG" list --database "$EMPTY"
says "list on a database with no schema" "$NOSCHEMA"
expect_exit 5 "register on a database with no schema" "$RG" register --token tok.txt --name east --database "$EMPTY"
says "register on a database with no schema" "$NOSCHEMA"
check "the database without the schema still has no table" [ "$(pg_sql empty "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ]

# --- init again on an initialised database, from a second data directory
expect_exit 5 "init from a second data directory" "$RG" init --data-dir ws2 --database "$URL"
says "init from a second data directory" "registrar: ws2: the database holds a registrar that another data directory made: a second server takes a copy of that directory, never an init (docs/scaling.md)"
check "it left no issuer key, API secret or URL in ws2" [ ! -e ws2/issuer.key -a ! -e ws2/issuer.pub -a ! -e ws2/api.secret -a ! -e ws2/database ]
check "nor changed the database" [ "$(dump ref)" = "$(cat ref.sql)" ]
check "nor the first data directory" [ "$(snapshot "$WS")" = "$(cat ws.snap)" ]
# two inits at once on one new database, from two data directories: one makes it
for n in 1 2 3 4; do
	u=$(pg_database "twice$n")
	"$RG" init --data-dir "a$n" --database "$u" >a.out 2>a.err &
	pa=$!
	"$RG" init --data-dir "b$n" --database "$u" >b.out 2>b.err &
	pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	check "two inits at once ($n): one succeeds, one exit 5 (got $ra $rb)" [ "$ra$rb" = 05 -o "$ra$rb" = 50 ]
	if [ "$ra" = 0 ]; then lose=b; else lose=a; fi
	case $(cat $lose.err) in
	"registrar: $lose$n: the database holds a registrar that another data directory made: a second server takes a copy of that directory, never an init (docs/scaling.md)" | \
	"registrar: $u: registrar already initialised: the database holds a registrar schema") ok ;;
	*) bad "two inits at once ($n): the other says: $(cat $lose.err)" ;;
	esac
	check "two inits at once ($n): one init audit row, with the winner's kid" \
		grep -q "kid $(pg_sql "twice$n" "SELECT detail FROM audit WHERE action = 'init'")\$" "$([ "$ra" = 0 ] && echo a.out || echo b.out)"
	check "two inits at once ($n): no other audit row" [ "$(pg_sql "twice$n" "SELECT count(*) FROM audit")" = 1 ]
	check "two inits at once ($n): the refused one took back what it made (no key, secret or URL)" \
		[ -z "$(ls "$lose$n" 2>/dev/null)" ]
done

# --- a schema of another version: exit 5, nothing changed
pg_sql ref "UPDATE airreg_schema SET version = 7"
dump ref >ref7.sql
NEWER="registrar: $URL: database schema 7 is newer than this registrar (6)"
expect_exit 5 "list on schema 7" "$RG" list
says "list on schema 7" "$NEWER"
expect_exit 5 "register on schema 7" "$RG" register --token tok.txt --name west
says "register on schema 7" "$NEWER"
expect_exit 5 "activation-key on schema 7" "$RG" activation-key --name east -o k.txt
says "activation-key on schema 7" "$NEWER"
check "no key file" [ ! -e k.txt ]
expect_exit 5 "serve on schema 7" "$RG" serve --listen 127.0.0.1:0
check "serve on schema 7: one line (got: $ERR)" [ "$ERR" = "$NEWER" ]
expect_exit 5 "init --force on schema 7" "$RG" init --force
says "init --force on schema 7" "$NEWER"
check "schema 7: the database unchanged" [ "$(dump ref)" = "$(cat ref7.sql)" ]
check "schema 7: the data directory unchanged (init --force's issuer key too)" [ "$(snapshot "$WS")" = "$(cat ws.snap)" ]
pg_sql ref "UPDATE airreg_schema SET version = 5"
dump ref >ref5.sql
expect_exit 5 "list on schema 5" "$RG" list
says "list on schema 5" "registrar: $URL: database schema 5: not one this registrar made (damaged)"
check "schema 5: the database unchanged" [ "$(dump ref)" = "$(cat ref5.sql)" ]
pg_sql ref "UPDATE airreg_schema SET version = 6"
expect_exit 0 "schema 6 again: list" "$RG" list

# --- DATA_DIR/database damaged
cp "$WS/database" database.good
DAMAGED="registrar: $WS/database: not one line holding a postgresql:// URL with no password, or an absolute path (damaged)"
for bad in "two lines" "a password" "a relative path" "empty"; do
	case $bad in
	"two lines") printf '%s\n%s\n' "$URL" "$URL" ;;
	"a password") echo 'postgresql://airreg:secret@/ref' ;;
	"a relative path") echo "registrar.db" ;;
	empty) : ;;
	esac >"$WS/database"
	expect_exit 5 "DATA_DIR/database with $bad" "$RG" list
	says "DATA_DIR/database with $bad" "$DAMAGED"
done
# a path recorded where there is no database: named, init not advised
gone=$(dirname "$WS")/gone.db
echo "$gone" > "$WS/database"
expect_exit 5 "DATA_DIR/database naming no file" "$RG" list
says "DATA_DIR/database naming no file" "registrar: $gone: no registrar database here: check --database, \$AIRREG_DATABASE and $WS/database"
cp database.good "$WS/database"
check "the damaged files changed nothing" [ "$(dump ref)" = "$(cat ref.sql)" ]

# --- the server down: exit 5, one line, for a read, a write, serve and init
( cd / && pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop ) >/dev/null 2>&1
DOWN="registrar: $URL: cannot connect to the database: connection to server on socket \"$PG_SOCKET/.s.PGSQL.5432\" failed: No such file or directory"
expect_exit 5 "list, the server down" "$RG" list
says "list, the server down" "$DOWN"
expect_exit 5 "activation-key, the server down" "$RG" activation-key --name east -o k.txt
says "activation-key, the server down" "$DOWN"
check "no key file" [ ! -e k.txt ]
expect_exit 5 "serve, the server down" "$RG" serve --listen 127.0.0.1:0
check "serve, the server down: one line (got: $ERR)" [ "$ERR" = "$DOWN" ]
expect_exit 5 "init --database, the server down" "$RG" init --data-dir ws3 --database "$URL"
says "init --database, the server down" "registrar: $URL: cannot connect to the database: connection to server on socket \"$PG_SOCKET/.s.PGSQL.5432\" failed: No such file or directory"
check "init, the server down: no issuer key made" [ ! -e ws3/issuer.key ]
# started again as cluster.sh starts it
( cd / && pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
	-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off \
	    -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start ) >/dev/null 2>&1
check "the server back: nothing had changed" [ "$(dump ref)" = "$(cat ref.sql)" ]
expect_exit 0 "the server back: list" "$RG" list
printf 'refusals: %d ms\n' $((($(date +%s%N) - T0) / 1000000))
finish refusals
