#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Go binding (bindings/go) over the installed libairreg: its tests once for each stamp of
# states.sh, under that stamp's frozen clock (faketime freezes the C library's time(), which
# libairreg judges by); the Go answer of each case into ANSWER_OUT/CASE.json, for compare.py;
# the Go example of docs/library.md, built and run as written. PREFIX (make install
# PREFIX=...), STATES (states.sh's output) and ANSWER_OUT are set. Nothing is fetched
# (GOPROXY=off: the binding needs no module); the build cache is build/go, so a second run
# compiles nothing (make clean removes it).
. "$(dirname "$0")/../e2e/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
unset AIRREG_STATE_DIR
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig LD_LIBRARY_PATH=$PREFIX/lib CGO_ENABLED=1 \
	GOCACHE=$ROOT/build/go/cache GOPATH=$ROOT/build/go/path GOMODCACHE=$ROOT/build/go/path/pkg/mod \
	GOPROXY=off GOFLAGS=-buildvcs=false GOENV=off GOWORK=off GO111MODULE=on
mkdir -p "$ANSWER_OUT"
at() { at_case=$1; shift; env TZ=UTC faketime -f "$(cat "$STATES/$at_case/clock")" "$@"; }

check "airreg.pc is the prefix's" [ "$(pkg-config --variable=libdir airreg)" = "$PREFIX/lib" ]
built() { # built WHAT DIR go ...: a build's output only when it fails
	what=$1 dir=$2; shift 2
	if (cd "$dir" && "$@") >"$WORK/build.log" 2>&1; then ok; else bad "$what: $(cat "$WORK/build.log")"; fi
}
built "the package's tests build" "$ROOT/bindings/go" go test -c -vet=off -o "$WORK/airreg.test" .
GOFMT=$(go env GOROOT)/bin/gofmt
check "gofmt has nothing to say" [ -z "$("$GOFMT" -l "$ROOT/bindings/go" "$ROOT/tests/lib/go" 2>&1)" ]
built "the answer builds" "$ROOT/tests/lib/go" go build -o "$WORK/answer" ./answer

# the package's tests: one run a case; each test passes, fails or skips (not its case)
for c in "$STATES"/*/; do
	c=${c%/} n=${c##*/}
	at "$n" "$WORK/answer" "$c" >"$ANSWER_OUT/$n.json" 2>"$WORK/err" || bad "the answer, $n: $(cat "$WORK/err")"
	CASE=$c at "$n" "$WORK/airreg.test" -test.v -test.timeout=60s >"$WORK/t.out" 2>&1
	rc=$? p=$(grep -c '^--- PASS' "$WORK/t.out") f=$(grep -c '^--- FAIL' "$WORK/t.out")
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$p" -eq 0 ]; then
		[ "$f" -ne 0 ] || bad "go test, $n: exit $rc"
		echo "go test, $n:"; grep -v '^=== RUN\|^--- SKIP\|only in case' "$WORK/t.out"
	fi
done
# the clock is the case's: the same test at the real time must fail (the expiring stamp has
# 60 days left today)
CASE=$STATES/expiring "$WORK/airreg.test" -test.run '^TestExpiring$' -test.v >"$WORK/t.out" 2>&1
check "TestExpiring fails at today's clock" grep -q '^--- FAIL: TestExpiring' "$WORK/t.out"

# docs/library.md's Go example, built and run as written
doc=$ROOT/docs/library.md
mkdir -p "$WORK/example"
/usr/bin/python3 - "$doc" "$WORK/example/main.go" <<'PY'
import re, sys
blocks = re.findall(r"^```go\n(.*?)^```$", open(sys.argv[1]).read(), re.S | re.M)
open(sys.argv[2], "w").write(blocks[0] if len(blocks) == 1 else "")
PY
printf 'module example\n\ngo 1.19\n\nrequire github.com/airreg/airreg/bindings/go v0.0.0\n\nreplace github.com/airreg/airreg/bindings/go => %s\n' \
	"$ROOT/bindings/go" >"$WORK/example/go.mod"
built "the Go example builds ($doc)" "$WORK/example" go build -o "$WORK/licence" .
example() { # example CASE STATUS: the example on CASE's stamp (its default directory), at its clock
	AIRREG_STATE_DIR=$STATES/$1/stamp expect_exit "$2" "the Go example, $1" \
		env TZ=UTC faketime -f "$(cat "$STATES/$1/clock")" "$WORK/licence"
}
example registered 0
check "the Go example, registered: its line" [ "$OUT" = "Registered: west, serial 1, 60 days left, 1 hosts" ]
example expiring 0
check "the Go example, expiring: its line" [ "$OUT" = "Registered: east, serial 1, 10 days left, 2 hosts (expiring)" ]
example revoked 1
check "the Go example, revoked: why" [ "$(echo "$OUT" | tail -1)" = "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stderr"][0])' "$STATES/revoked/expect.json")" ]
example not-compliant 1
check "the Go example, not-compliant: its line" [ "$OUT" = "Registered: east, serial 1, 60 days left, 2 hosts" ]
example missing 2
check "the Go example, missing: key-import's line" [ "$ERR" = "licence: airreg: no such directory $STATES/missing/stamp: check --state-dir and \$AIRREG_STATE_DIR (token-gen init --state-dir $STATES/missing/stamp makes a new stamp there)" ]

finish go
