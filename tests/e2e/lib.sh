# SPDX-License-Identifier: Apache-2.0
# Helpers for the end-to-end tests: each check counts, and the script ends with
# the line "NAME: N passed, M failed".
PASSED=0
FAILED=0
PY=/usr/bin/python3 # Debian's python3, the one with python3-jwcrypto
E2E=$(cd "$(dirname "$0")/../e2e" && pwd) # this directory's helpers (blind_token.py), for every suite

ok() { PASSED=$((PASSED + 1)); }
bad() { FAILED=$((FAILED + 1)); printf 'FAIL: %s\n' "$*"; }
check() { # check "what" command...: passes when the command succeeds
	what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}

# expect_exit STATUS "what" command...: runs it, keeps stdout/stderr in $OUT/$ERR
expect_exit() {
	want=$1; what=$2; shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	OUT=$(cat "$WORK/out")
	ERR=$(cat "$WORK/err")
	if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, want $want: $ERR"; fi
}

# An error is one line on stderr.
one_line_error() {
	check "$1: one line on stderr" [ "$(wc -l <"$WORK/err")" -eq 1 ]
	case $ERR in
	*"$2"*) ok ;;
	*) bad "$1: stderr lacks '$2': $ERR" ;;
	esac
}

# The programs, the sample host records, and a scratch directory (removed at exit) that
# is the working directory and holds the stamp's state ($ST) and the registrar's data ($WS).
scratch() {
	TG=$BIN/token-gen
	RG=$BIN/registrar
	KI=$BIN/key-import
	HOSTS=$(cd "$(dirname "$0")/../../samples/hosts" && pwd)
	WORK=$(mktemp -d)
	trap 'chmod -R u+rwX "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
	trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
	cd "$WORK" || exit 1
	export AIRREG_STATE_DIR=$WORK/stamp AIRREG_DATA_DIR=$WORK/ws
	ST=$AIRREG_STATE_DIR
	WS=$AIRREG_DATA_DIR
}

# A listing of a directory (names, modes, contents' hashes) to prove nothing changed.
snapshot() {
	if [ -d "$1" ]; then
		(cd "$1" && find . -type f -exec sha256sum {} + | sort && find . -exec stat -c '%n %a' {} + | sort)
	else
		echo "absent"
	fi
}

finish() {
	if [ -s "$WORK/db_dump.failed" ]; then bad "db_dump failed: $(sort -u "$WORK/db_dump.failed" | tr '\n' ' ')"; fi
	printf '%s: %d passed, %d failed\n' "$1" "$PASSED" "$FAILED"
	[ "$FAILED" -eq 0 ]
}

# The registrar's database, on either engine (issue 20). $TEST_PG unset: each data directory's
# DATA_DIR/registrar.db (SQLite). $TEST_PG set (tests/pg/run.sh: the test cluster's socket
# directory): each data directory has a PostgreSQL database of its own, named after the
# directory's path, which `registrar init $(db_new DIR)` makes and records in DIR/database.
#   db_new DIR          prints init's option for a fresh database of DIR's (SQLite: nothing)
#   db_copy SRC DST     cp -a SRC DST, DST with a copy of SRC's database (not the same one)
#   db_sql DIR SQL      runs SQL on DIR's database: rows one a line, columns joined by |
#   db_dump DIR         every table's rows (and the schema), in one order: "unchanged" checks
#   db_pg               true on PostgreSQL
db_pg() { [ -n "${TEST_PG:-}" ]; }
if db_pg; then
	PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
	# the URL without "?" and "&" (the socket directory in the host, percent-encoded): one
	# word that the shell neither splits nor globs
	DB_HOST=$(printf '%s' "$TEST_PG" | sed 's|/|%2F|g')
fi
db_fresh() { # the URL of a new database for a data directory: "t" and its path's digest
	case $1 in /*) _db_p=$1 ;; *) _db_p=$PWD/$1 ;; esac
	echo "postgresql://airreg@$DB_HOST/t$(printf '%s' "${_db_p%/}" | sha256sum | cut -c1-20)"
}
db_url() { # the URL a data directory records (read without a fork: dumps are many)
	if [ -f "$1/database" ]; then read -r _db_u <"$1/database"; echo "$_db_u"; else db_fresh "$1"; fi
}
db_name() { _db_u=$(db_url "$1"); echo "${_db_u##*/}"; }
db_psql() { # db_psql DATABASE [psql args]: SQL on stdin or in -c
	_db_d=$1; shift
	"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -At -h "$TEST_PG" -U airreg -d "$_db_d" "$@"
}
db_new() {
	db_pg || return 0
	_db_u=$(db_fresh "$1")
	db_psql postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS ${_db_u##*/}" \
		-c "CREATE DATABASE ${_db_u##*/}" >&2 || return 1
	echo "--database $_db_u"
}
db_copy() {
	cp -a "$1" "$2" || return 1
	db_pg || return 0
	_db_u=$(db_fresh "$2")
	db_psql postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS ${_db_u##*/}" \
		-c "CREATE DATABASE ${_db_u##*/} TEMPLATE $(db_name "$1")" >&2 || return 1
	echo "$_db_u" >"$2/database"
}
db_sql() {
	if db_pg; then
		db_psql "$(db_name "$1")" -c "$2"
	else
		sqlite3 "$1/registrar.db" "$2"
	fi
}
db_dump() {
	if db_pg; then
		# the schema's relations, columns and triggers (catalog rows: what pg_dump would
		# print costs a query per kind, each slow in a new connection), then each table's
		# rows in the order of their text (the columns are COLLATE "C", the cluster's locale
		# C); the identity sequences' values left out: PostgreSQL does not give back a
		# number a rolled-back insert took (SQLite's .dump has no counter either)
		db_psql "$(db_name "$1")" <<'SQL'
SELECT c.relkind::text || ' ' || c.relname || ' ' || coalesce(a.attname || ' '
       || a.atttypid::regtype::text || ' ' || a.attcollation || ' ' || a.attnotnull, '')
  FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'public'::regnamespace ORDER BY c.relname, a.attnum;
SELECT tgname || ' ' || tgtype FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname;
SELECT format('SELECT %L || '' '' || t::text FROM %I t ORDER BY t::text', tablename, tablename)
  FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename \gexec
SQL
	else
		[ -f "$1/registrar.db" ] && sqlite3 "$1/registrar.db" .dump
	fi || echo "$1" >>"$WORK/db_dump.failed" # a dump that failed is no "unchanged": finish fails
}
db_where() { # how the registrar's lines name DIR's database: its file, or its URL
	if db_pg; then db_url "$1"; else echo "$1/registrar.db"; fi
}
db_schema_version() { # SQLite: PRAGMA user_version; PostgreSQL: the row of airreg_schema
	if db_pg; then db_sql "$1" 'SELECT version FROM airreg_schema'; else db_sql "$1" 'PRAGMA user_version'; fi
}
db_refused() { # db_refused DIR SQL MESSAGE: the database refuses SQL, saying MESSAGE; unchanged
	_db_b=$(db_dump "$1")
	if db_sql "$1" "$2" >/dev/null 2>"$WORK/sql.err"; then return 1; fi
	grep -qF "$3" "$WORK/sql.err" && [ "$(db_dump "$1")" = "$_db_b" ]
}
