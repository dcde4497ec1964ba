# SPDX-License-Identifier: Apache-2.0
# Sourced: a throw-away PostgreSQL 15 cluster for the registrar's tests (issue 20). Debian's
# postgresql-15: initdb in a temporary directory, run as an unprivileged user (root's
# tests run it as nobody: initdb refuses root), listening on a Unix socket in that directory
# only (no TCP port, nothing another test or the machine's own cluster could meet), stopped
# and removed by pg_cluster_stop. Nothing of the machine's (its services, /etc, /var) is read
# or changed.
#   pg_cluster_start       starts one in a directory of its own (mktemp, owned by the
#                          server's user); sets PG_DIR, PG_SOCKET, PG_USER
#   pg_database NAME       creates database NAME; prints its URL
#   pg_sql NAME SQL        runs SQL in database NAME (psql, unaligned, tuples only)
#   pg_cluster_stop        stops it and removes DIR
#   pg_test_cleanup PID... a test's EXIT trap: the servers stopped (TERM, then KILL after
#                          10 s), the cluster stopped, $WORK removed
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
PG_USER=airreg

pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

pg_cluster_start() {
	PG_DIR=$(mktemp -d) || return 1
	if [ "$(id -u)" -eq 0 ]; then chown nobody "$PG_DIR" || return 1; fi
	PG_SOCKET=$PG_DIR
	# fsync off: the cluster lives as long as a test; C collation, as the schema's columns
	( cd "$PG_DIR" && pg_as_owner "$PG_BINDIR/initdb" -D "$PG_DIR/data" -A trust -U "$PG_USER" \
		--locale=C -E UTF8 ) > "$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
	( cd "$PG_DIR" && pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off \
		    -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start ) \
		> /dev/null 2>&1 || { cat "$PG_DIR/server.log" >&2; return 1; }
	export PG_SOCKET PG_USER PG_DIR
}

pg_url() {
	echo "postgresql:///$1?host=$PG_SOCKET&user=$PG_USER"
}

pg_database() {
	"$PG_BINDIR/createdb" -h "$PG_SOCKET" -U "$PG_USER" "$1" || return 1
	pg_url "$1"
}

pg_sql() {
	"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -At -h "$PG_SOCKET" -U "$PG_USER" -d "$1" -c "$2"
}

pg_cluster_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	( cd / && pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop ) \
		> /dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}

pg_test_cleanup() {
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	for p in "$@"; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		kill -KILL "$p" 2>/dev/null
	done
	pg_cluster_stop
	chmod -R u+rwX "$WORK" 2>/dev/null
	rm -rf "$WORK"
}
