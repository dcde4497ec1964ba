#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A database that cannot be closed says so. The shim (tests/fault/shim.c,
# FAULT_SQLITE_CLOSE) leaves a statement of the connection unfinalized before SQLite's
# own close, which then refuses with SQLITE_BUSY, as it did when serve's statement cache
# lost a statement: a verb and `registrar serve` print the one line and exit 5, and
# serve's log does not say "database closed".
. "$(dirname "$0")/../e2e/lib.sh"
scratch

"$TG" init >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node1.json" -o tok.txt >/dev/null
"$RG" init >/dev/null
"$RG" register --token tok.txt --name east >/dev/null
busy="registrar: $WS/registrar.db: database: close: unable to close due to unfinalized statements or unfinished backups"
# The connection SQLite would not close stays open until exit, as it would: under ASan
# (make sanitize) that is a leak by design, not one to report.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS
leak() { FAULT_SQLITE_CLOSE=1 LD_PRELOAD=$SHIM "$@"; }

expect_exit 0 "list under the shim, no fault asked" env LD_PRELOAD="$SHIM" "$RG" list
expect_exit 5 "list whose close fails" leak "$RG" list
check "list: the close failure is the one line on stderr: $ERR" [ "$ERR" = "$busy" ]
expect_exit 5 "tenant add whose close fails" leak "$RG" tenant add --registration east \
	--subscription 10000000-0000-4000-8000-000000000001 --tenant 0a0a0a0a-1111-4222-8333-444444444444
check "tenant add: the close failure is the one line on stderr: $ERR" [ "$ERR" = "$busy" ]

# serve: its first pool connection cannot be closed when it stops
: >serve.log
FAULT_SQLITE_CLOSE=1 LD_PRELOAD=$SHIM "$RG" serve --listen 127.0.0.1:0 2>>serve.log &
pid=$!
i=0
while ! grep -q 'listening on' serve.log && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
port=$(sed -n 's/.*listening on http:\/\/[^ ]*:\([0-9]*\) .*/\1/p' serve.log)
got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$WS/api.secret")" \
	"http://127.0.0.1:$port/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations?api-version=2017-06-01")
check "serve answers before it stops: $got" [ "$got" = 200 ]
kill -TERM $pid
wait $pid
rc=$?
check "serve whose close fails exits 5 (exit $rc)" [ $rc -eq 5 ]
check "serve prints the close failure" grep -qxF "$busy" serve.log
check "serve does not say the database was closed" sh -c "! grep -q 'database closed' serve.log"
finish close
