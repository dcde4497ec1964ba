#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# libairreg against a hostile or careless owner of the state directory (issue 21's review):
# the stamps of states.sh with files deleted, swapped for directories, symbolic links, FIFOs,
# another's files, grown past the limits, edited by hand (the key's own fields, the marks,
# the hardware verdict), read under clocks set back and far ahead. On every one the library
# must answer what key-import status --json answers at the same frozen clock (compare.py),
# never write the state directory nor print, and a copy whose signed fields differ from its
# key must not read as a licence. A thousand checks leave no descriptor open.
# BIN, TESTDATA and LIBBUILD (the build's lib/, holding libairreg.so.1) are set; STATES, if
# set, is states.sh's output already made (else it is made here).
. "$(dirname "$0")/../e2e/lib.sh"
LIB=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LIB/../.." && pwd)
scratch
unset AIRREG_STATE_DIR AIRREG_DATA_DIR
if [ -z "${STATES:-}" ]; then
	STATES=$WORK/states
	sh "$LIB/states.sh" "$STATES" || { bad "states.sh"; finish hostile; exit 1; }
fi
CC_LIB="-I$ROOT/libairreg -L$LIBBUILD -lairreg -Wl,-rpath,$LIBBUILD"
# shellcheck disable=SC2086 # CC_LIB's words are flags
check "answer.c builds" cc -std=c11 -Wall -Wextra -Werror -o "$WORK/answer" "$LIB/answer.c" $CC_LIB
# shellcheck disable=SC2086
check "fdcount.c builds" cc -std=c11 -Wall -Wextra -Werror -o "$WORK/fdcount" "$LIB/fdcount.c" $CC_LIB

/usr/bin/python3 "$LIB/hostile.py" "$STATES" "$WORK/h" "$BIN/key-import" "$WORK/answer" >"$WORK/log"
check "the library wrote no state directory" sh -c "! grep '^WROTE' '$WORK/log'"
check "the library printed nothing, exited 0" sh -c "! grep '^ANSWER' '$WORK/log'"
grep -E '^(WROTE|ANSWER)' "$WORK/log" | head -5
if /usr/bin/python3 "$LIB/compare.py" hostile "$WORK/h.answers" "$WORK/h" >"$WORK/cmp"; then
	ok
else
	bad "answers differ from key-import status: $(grep FAIL "$WORK/cmp" | head -10)"
fi
tail -1 "$WORK/cmp"
# a field the key signed, edited in activation.json, is damaged state (code 5) as an edited
# expiry is: never the key's verdict with the edited value beside it
for c in "$WORK"/h/*-signed-*/; do
	c=${c%/} n=${c##*/}
	code=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plain"]["code"])' \
		"$WORK/h.answers/$n.json")
	check "$n: not a licence (code $code)" [ "$code" = 5 ]
done
# descriptors: as many open after 1000 checks as before
check "1000 checks leave no descriptor open" env TZ=UTC faketime -f "$(cat "$STATES/capacity/clock")" \
	"$WORK/fdcount" "$STATES/capacity/stamp" 1000
check "1000 failed checks leave no descriptor open" "$WORK/fdcount" "$STATES/tampered/stamp" 1000
finish hostile
