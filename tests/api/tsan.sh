#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The API test (tests/api/run.sh, with its burst of concurrent GETs, PUTs and DELETEs)
# against programs built with -fsanitize=thread (`make tsan`). Any ThreadSanitizer report
# fails it: the report stops the program (halt_on_error, exit 66), so the test's own checks
# fail, and the reports, written to files, fail this script even when the program that
# stopped was one whose exit status the test does not read.
# libmicrohttpd and SQLite are not instrumented: TSan sees only their pthread calls, which
# is what orders our threads' work; no suppression was needed, and our code gets none.
set -u
here=$(cd "$(dirname "$0")" && pwd)
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 log_path=$reports/tsan" \
	sh "$here/run.sh"
rc=$?
n=$(find "$reports" -type f | wc -l)
for f in $(find "$reports" -type f | head -3); do
	echo "== $f"; head -60 "$f"
done
printf 'tsan: %d ThreadSanitizer report(s)\n' "$n"
[ "$rc" -eq 0 ] && [ "$n" -eq 0 ]
