#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The registrar's end-to-end suites and the API suite against PostgreSQL (issue 20): one
# throw-away cluster (cluster.sh), each suite run as it is with TEST_PG set to the cluster's
# socket directory (every data directory a suite makes then gets a database of its own:
# tests/e2e/lib.sh, db_new), PG_JOBS (2) at a time, each suite's output whole as it ends.
# The cluster is stopped and removed at the end, failed or killed. Exit 1 if a suite failed.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/cluster.sh"
SUITES=${PG_SUITES:-"api/run.sh e2e/registrar.sh e2e/rotation.sh e2e/revocation.sh e2e/deactivate.sh e2e/expiring.sh"}
LOGS=$(mktemp -d) || exit 1
RUNNER=
# killed: the suites (the process group of their runner, started below) ended first
trap '[ -z "$RUNNER" ] || kill -TERM -- "-$RUNNER" 2>/dev/null; pg_cluster_stop; rm -rf "$LOGS"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still stops it
start=$(date +%s)
pg_cluster_start || { echo "pg: the test cluster did not start" >&2; exit 1; }
export TEST_PG=$PG_SOCKET
# each suite: its output and its time in a log of its own, shown when it ends; xargs and the
# suites in a process group of their own (setsid; its pid is xargs's), to end them all if
# this script is killed
# shellcheck disable=SC2086
printf '%s\n' $SUITES >"$LOGS/suites"
# shellcheck disable=SC2016
setsid xargs -P "${PG_JOBS:-2}" -I{} sh -c '
	log=$2/$(echo "$1" | tr / _); t=$(date +%s)
	sh "$3/../$1" >"$log" 2>&1 </dev/null; rc=$?
	echo "pg: $1: exit $rc, $(($(date +%s) - t)) s" >>"$log"
	[ $rc -eq 0 ] || : >"$log.failed"
	flock "$2/.out" cat "$log"' _ {} "$LOGS" "$HERE" <"$LOGS/suites" &
RUNNER=$!
wait "$RUNNER"
RUNNER=
failed=
for suite in $SUITES; do
	log=$LOGS/$(echo "$suite" | tr / _)
	[ -e "$log" ] && [ ! -e "$log.failed" ] || failed="$failed $suite"
done
echo "pg: $(echo $SUITES | wc -w) suites on PostgreSQL in $(($(date +%s) - start)) s"
if [ -n "$failed" ]; then
	echo "pg: FAILED on PostgreSQL:$failed"
	exit 1
fi
