#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The registrar's end-to-end suites and the API suite against PostgreSQL (issue 20): one
# throw-away cluster (cluster.sh), each suite with TEST_PG set to its socket directory (each
# data directory a suite makes gets a database of its own: tests/e2e/lib.sh, db_new); the
# cluster stopped and removed at the end, killed or not. Exit 1 if a suite failed.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/cluster.sh"
trap 'pg_cluster_stop' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still stops it
pg_cluster_start || { echo "pg: the test cluster did not start" >&2; exit 1; }
export TEST_PG=$PG_SOCKET
failed=
for suite in ${PG_SUITES:-e2e/registrar.sh e2e/deactivate.sh e2e/revocation.sh e2e/rotation.sh e2e/expiring.sh api/run.sh}; do
	start=$(date +%s)
	sh "$HERE/../$suite" || failed="$failed $suite"
	echo "pg: $suite $(($(date +%s) - start)) s"
done
if [ -n "$failed" ]; then
	echo "pg: failed on PostgreSQL:$failed"
	exit 1
fi
