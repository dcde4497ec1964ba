#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Python binding as a product has it (issue 21): the module and libairreg.so.1 from an
# installed prefix only (PREFIX, made by `make install PREFIX=...`), found through PYTHONPATH
# and the dynamic loader. Writes the module's answer for each stamp of states.sh (STATES) as
# ANSWER_OUT/CASE.json, which run.sh holds to key-import status with compare.py; runs the
# module's own tests (test_airreg.py) and the example of the docs, as written.
. "$(dirname "$0")/../e2e/lib.sh"
LIB=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LIB/../.." && pwd)
STATES=$(cd "$STATES" && pwd)
scratch
# and no byte code written into the prefix
export PYTHONPATH="$PREFIX/lib/python3/dist-packages" LD_LIBRARY_PATH="$PREFIX/lib" \
	PYTHONDONTWRITEBYTECODE=1
unset AIRREG_STATE_DIR AIRREG_DATA_DIR AIRREG_LIBRARY
mkdir -p "$ANSWER_OUT"

# at CASE CMD...: CMD at the case's frozen clock
at() { c=$1; shift; env TZ=UTC faketime -f "$(cat "$STATES/$c/clock")" "$@"; }

# the prefix's module and library, nothing else
expect_exit 0 "import airreg" "$PY" -c 'import airreg, sys
print(airreg.__file__)
print(*sorted({l.split()[-1] for l in open("/proc/self/maps") if "libairreg" in l}))'
check "the module is the prefix's" [ "$OUT" = "$PREFIX/lib/python3/dist-packages/airreg/__init__.py
$PREFIX/lib/libairreg.so.1.0.0" ]
expect_exit 1 "a library that is not there" \
	env AIRREG_LIBRARY="$WORK/none.so" "$PY" -c 'import airreg'
check "ImportError names it" grep -q "^ImportError: airreg: cannot use $WORK/none.so" "$WORK/err"
expect_exit 0 "\$AIRREG_LIBRARY" env LD_LIBRARY_PATH= AIRREG_LIBRARY="$PREFIX/lib/libairreg.so.1" \
	"$PY" -c 'import airreg; print(airreg.version())'
check "\$AIRREG_LIBRARY loads it" [ "$OUT" = 1.0.0 ]

# the answers, each at its case's clock
n=0
for c in "$STATES"/*/; do
	c=${c%/} && c=${c##*/}
	n=$((n + 1))
	if at "$c" "$PY" "$LIB/answer.py" "$STATES/$c" >"$ANSWER_OUT/$c.json" 2>"$WORK/err"; then
		ok
	else
		bad "the answer for $c: $(cat "$WORK/err")"
	fi
done
check "answers for every case" [ "$n" -ge 18 ]
check "each answer one JSON object" "$PY" -c 'import json, sys
for f in sys.argv[1:]:
    assert set(json.load(open(f))) == {"version", "plain", "warn"}, f' "$ANSWER_OUT"/*.json

# the module's own tests: their counts join this suite's
STATES=$STATES AIRREG_HEADER=$ROOT/libairreg/airreg.h \
	"$PY" "$LIB/test_airreg.py" >"$WORK/t" 2>"$WORK/t.err"
if counts=$(sed -n 's/^test_airreg: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$WORK/t") &&
	[ -n "$counts" ]; then
	PASSED=$((PASSED + ${counts% *})) FAILED=$((FAILED + ${counts#* }))
	[ "${counts#* }" -eq 0 ] || { cat "$WORK/t"; cat "$WORK/t.err"; }
else
	bad "test_airreg.py ended without its counts: $(cat "$WORK/t" "$WORK/t.err")"
fi

# the example of docs/library.md, as written
DOC=$ROOT/docs/library.md
awk '/^```/ { if (inb) { inb = 0; n++ } else if ($0 == "```python") inb = 1; next }
	inb { print > (out "." (n + 0)) }' out="$WORK/example" "$DOC"
set -- "$WORK"/example.*
[ -f "$1" ] || set --
check "one python block in ${DOC##*/}" [ $# -eq 1 ]
cp "$WORK/example.0" "$WORK/example.py" 2>/dev/null
# example CASE STATUS "stdout" "stderr": run at CASE, on its stamp through $AIRREG_STATE_DIR
example() {
	expect_exit "$2" "the example on $1" at "$1" env AIRREG_STATE_DIR="$STATES/$1/stamp" \
		"$PY" "$WORK/example.py"
	check "the example on $1: stdout" [ "$OUT" = "$3" ]
	check "the example on $1: stderr" [ "$ERR" = "$4" ]
}
example registered 0 "Registered: west, serial 1, 60 days left, 1 hosts" ""
example expiring 0 "Registered: east, serial 1, 10 days left, 2 hosts (expiring)" ""
example revoked 1 "Revoked: east, serial 1, 60 days left, 2 hosts
$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["stderr"][0])' \
	"$STATES/revoked/expect.json")" ""
example not-compliant 1 "Registered: east, serial 1, 60 days left, 2 hosts" ""
example missing 2 "" "licence: no such directory $STATES/missing/stamp: check --state-dir and \$AIRREG_STATE_DIR (token-gen init --state-dir $STATES/missing/stamp makes a new stamp there)"

finish python
