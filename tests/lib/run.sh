#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# libairreg as a product uses it (issue 21): the library, header and airreg.pc installed in a
# temporary prefix (PREFIX, by make lib); a C program built with nothing but
# `pkg-config --cflags --libs airreg`, the Python module and the Go package each answer for
# every stamp of states.sh, and each answer must be what key-import status --json said there
# (compare.py); the ABI (abi.sh); the examples of docs/library.md, compiled and run as written.
# BIN, TESTDATA, PREFIX and LIBBUILD (the build's lib/) are set.
. "$(dirname "$0")/../e2e/lib.sh"
LIB=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LIB/../.." && pwd)
scratch
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig LD_LIBRARY_PATH=$PREFIX/lib
unset AIRREG_STATE_DIR AIRREG_DATA_DIR

sh "$LIB/states.sh" "$WORK/states" || { bad "states.sh"; finish lib; exit 1; }
check "the ABI" sh "$LIB/abi.sh" "$LIBBUILD/libairreg.so.1"

# pkg-config gives the installed prefix's header and library, and nothing else
check "pkg-config --cflags" [ "$(echo $(pkg-config --cflags airreg))" = "-I$PREFIX/include" ]
check "pkg-config --libs" [ "$(echo $(pkg-config --libs airreg))" = "-L$PREFIX/lib -lairreg" ]
check "pkg-config --modversion" [ "$(pkg-config --modversion airreg)" = "1.0.0" ]
# shellcheck disable=SC2046 # pkg-config's words are flags
check "answer.c builds with pkg-config alone" cc -std=c11 -Wall -Wextra -Werror -pedantic \
	-o "$WORK/answer" "$LIB/answer.c" $(pkg-config --cflags --libs airreg)
check "airreg.h is C++ too" sh -c "printf '#include <airreg.h>\nint main(void) { return airreg_version() == 0; }\n' |
	c++ -x c++ -Wall -Wextra -Werror -I'$PREFIX/include' -o '$WORK/cxx' - -L'$PREFIX/lib' -lairreg"
check "the program needs libairreg.so.1" sh -c "readelf -d '$WORK/answer' | grep -q 'NEEDED.*\[libairreg.so.1\]'"
check "and not what the library uses" sh -c "! readelf -d '$WORK/answer' | grep -Eq 'NEEDED.*(sodium|jansson|crypto)'"

# run_answers LANG COMMAND...: COMMAND CASE_DIR for each case, at its clock
run_answers() {
	lang=$1; shift
	mkdir -p "$WORK/answers-$lang"
	for c in "$WORK"/states/*/; do
		c=${c%/}
		env TZ=UTC faketime -f "$(cat "$c/clock")" "$@" "$c" >"$WORK/answers-$lang/${c##*/}.json" \
			2>>"$WORK/answers-$lang.err" || bad "$lang answer for ${c##*/}"
	done
	# the library never prints (its warning, the clock behind, is airreg_clock_behind)
	check "$lang: nothing on stderr" [ ! -s "$WORK/answers-$lang.err" ]
	if /usr/bin/python3 "$LIB/compare.py" "$lang" "$WORK/answers-$lang" "$WORK/states" >"$WORK/cmp"; then
		ok
	else
		bad "$lang answers differ from key-import status: $(grep FAIL "$WORK/cmp" | head -20)"
	fi
	tail -1 "$WORK/cmp"
}
run_answers C "$WORK/answer"
# a hand-edited activation.json is damaged state (exit 5) to key-import and to the library,
# never a licence: compare.py alone would pass had both shown the edit
for c in tampered forged-billing forged-tenant forged-kid; do
	check "$c: key-import status exits 5" grep -q '"exit": 5' "$WORK/states/$c/expect.json"
	check "$c: the library's code is 5" grep -q '"plain": {"code": 5,' "$WORK/answers-C/$c.json"
done
# binding LANG SCRIPT: the Python module (ctypes) or the Go package (cgo): its answers, its own
# tests and docs/library.md's example (SCRIPT), then its answers held against key-import's
binding() {
	if PREFIX=$PREFIX STATES=$WORK/states ANSWER_OUT=$WORK/answers-$1 sh "$LIB/$2" \
		>"$WORK/$2.log" 2>&1; then ok; else bad "$2: $(grep FAIL "$WORK/$2.log" | head -20)"; fi
	tail -1 "$WORK/$2.log"
	if /usr/bin/python3 "$LIB/compare.py" "$1" "$WORK/answers-$1" "$WORK/states" >"$WORK/cmp"; then
		ok
	else
		bad "$1 answers differ from key-import status: $(grep FAIL "$WORK/cmp" | head -20)"
	fi
	tail -1 "$WORK/cmp"
}
binding Python python.sh
binding Go go.sh
# about 150 hostile copies of the stamps (the review's hostile.sh), the library built here
if STATES=$WORK/states sh "$LIB/hostile.sh" >"$WORK/hostile.log" 2>&1; then
	ok
else
	bad "hostile.sh: $(grep FAIL "$WORK/hostile.log" | head -10)"
fi
tail -1 "$WORK/hostile.log"
check "the C answer's version" grep -q '"version": "1.0.0"' "$WORK/answers-C/registered.json"

# a relative state directory names the stamp it named when it opened, whatever chdir follows
PY_PATH=$PREFIX/lib/python3/dist-packages
check "a relative directory, then chdir: the same stamp" [ "$(cd "$WORK/states/capacity" &&
	env TZ=UTC faketime -f "$(cat clock)" env PYTHONPATH="$PY_PATH" PYTHONDONTWRITEBYTECODE=1 \
	/usr/bin/python3 -c 'import airreg, os
s = airreg.Stamp("stamp"); os.chdir("/"); print(s.check().state_name, s.dir)')" = \
	"Registered $WORK/states/capacity/stamp" ]

# a compare that cannot fail proves nothing: a changed answer must fail it
cp -r "$WORK/answers-C" "$WORK/answers-bad"
sed -i 's/"serial": 1,/"serial": 2,/' "$WORK/answers-bad/capacity.json"
check "compare.py refuses a wrong serial" sh -c "! /usr/bin/python3 '$LIB/compare.py' bad '$WORK/answers-bad' '$WORK/states' >/dev/null"
cp "$WORK/answers-C/revoked.json" "$WORK/answers-bad/capacity.json"
check "compare.py refuses another case's answer" sh -c "! /usr/bin/python3 '$LIB/compare.py' bad '$WORK/answers-bad' '$WORK/states' >/dev/null"

# the C examples of docs/library.md and README.md, compiled and run as written
c_example() { # c_example DOC OUT: DOC's one C block
	/usr/bin/python3 - "$1" "$2" <<'PY'
import re, sys
blocks = re.findall(r"^```c\n(.*?)^```$", open(sys.argv[1]).read(), re.S | re.M)
open(sys.argv[2], "w").write(blocks[0] if len(blocks) == 1 else "")
PY
}
c_example "$ROOT/docs/library.md" "$WORK/example.c"
c_example "$ROOT/README.md" "$WORK/readme.c"
# shellcheck disable=SC2046
check "the README's example builds" cc -std=c11 -Wall -Wextra -Werror -o "$WORK/readme" "$WORK/readme.c" \
	$(pkg-config --cflags --libs airreg)
AIRREG_STATE_DIR=$WORK/states/capacity/stamp expect_exit 0 "the README's example, registered" \
	env TZ=UTC faketime -f "$(cat "$WORK/states/capacity/clock")" "$WORK/readme"
check "the README's example, registered: its line" [ "$OUT" = Registered ]
AIRREG_STATE_DIR=$WORK/states/expired/stamp expect_exit 1 "the README's example, expired" \
	env TZ=UTC faketime -f "$(cat "$WORK/states/expired/clock")" "$WORK/readme"
check "the README's example, expired: its line" [ "$OUT" = Expired ]
AIRREG_STATE_DIR=$WORK/states/no-identity/stamp expect_exit 1 "the README's example, no identity" "$WORK/readme"
check "the README's example, no identity: key-import's line" [ "$ERR" = "no stamp identity in $WORK/states/no-identity/stamp (run token-gen init)" ]
# shellcheck disable=SC2046
check "the C example builds" cc -std=c11 -Wall -Wextra -Werror -o "$WORK/example" "$WORK/example.c" \
	$(pkg-config --cflags --libs airreg)
example() { # example CASE: the example on CASE's stamp (its default directory), at its clock
	AIRREG_STATE_DIR=$WORK/states/$1/stamp expect_exit "$2" "the C example, $1" \
		env TZ=UTC faketime -f "$(cat "$WORK/states/$1/clock")" "$WORK/example"
}
example registered 0
check "the C example, registered: its line" [ "$OUT" = "Registered: west, serial 1, 60 days left, 1 hosts" ]
example expiring 0
check "the C example, expiring: its line" [ "$OUT" = "Registered: east, serial 1, 10 days left, 2 hosts (expiring)" ]
example revoked 1
check "the C example, revoked: why" [ "$(echo "$OUT" | tail -1)" = "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stderr"][0])' "$WORK/states/revoked/expect.json")" ]
example not-compliant 1
example missing 2
check "the C example, missing: key-import's line" [ "$ERR" = "licence: no such directory $WORK/states/missing/stamp: check --state-dir and \$AIRREG_STATE_DIR (token-gen init --state-dir $WORK/states/missing/stamp makes a new stamp there)" ]

finish lib
