#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# libairreg's "thread-safe, no global state" (issue 21, part 4): threads.c, built with
# ThreadSanitizer against the library of the TSan build (make tsan: build/tsan/lib), on a
# registered, a revoked, an out-of-compliance and a damaged stamp; any race report fails it, and so
# does any thread whose answer differs from the first. The clock is the machine's (faketime's
# preload and TSan's interceptors do not mix): states.sh's stamps are valid for 60 days, so
# their answers hold all day. BIN, TESTDATA and LIBBUILD (the TSan build's lib/) are set;
# STATES, if set, is states.sh's output already made.
. "$(dirname "$0")/../e2e/lib.sh"
LIB=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LIB/../.." && pwd)
scratch
unset AIRREG_STATE_DIR AIRREG_DATA_DIR
if [ -z "${STATES:-}" ]; then
	STATES=$WORK/states
	sh "$LIB/states.sh" "$STATES" || { bad "states.sh"; finish lib-tsan; exit 1; }
fi
check "threads.c builds under TSan" cc -std=c11 -O1 -g -fsanitize=thread -pthread -Wall -Wextra \
	-Werror -I"$ROOT/libairreg" -o "$WORK/threads" "$LIB/threads.c" -L"$LIBBUILD" -lairreg \
	-Wl,-rpath,"$LIBBUILD"
# the library under test is TSan's: a plain build would see no race at all
check "the library is instrumented" sh -c "nm -D '$LIBBUILD/libairreg.so.1' | grep -q __tsan_"
for c in capacity revoked tampered not-compliant; do
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" expect_exit 0 "$c: many threads" \
		"$WORK/threads" "$STATES/$c/stamp"
	check "$c: no race reported" [ ! -s "$WORK/err" ]
	printf '%s: %s\n' "$c" "$OUT"
done
finish lib-tsan
