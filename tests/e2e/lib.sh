# SPDX-License-Identifier: Apache-2.0
# Helpers for the end-to-end tests: each check counts, and the script ends with
# the line "NAME: N passed, M failed".
PASSED=0
FAILED=0
PY=/usr/bin/python3 # Debian's python3, the one with python3-jwcrypto
E2E=$(cd "$(dirname "$0")/../e2e" && pwd) # this directory's helpers (blind_token.py), for every suite

ok() { PASSED=$((PASSED + 1)); }
bad() { FAILED=$((FAILED + 1)); printf 'FAIL: %s\n' "$*"; }
check() { # check "what" command...: passes when the command succeeds
	what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}

# expect_exit STATUS "what" command...: runs it, keeps stdout/stderr in $OUT/$ERR
expect_exit() {
	want=$1; what=$2; shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	OUT=$(cat "$WORK/out")
	ERR=$(cat "$WORK/err")
	if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, want $want: $ERR"; fi
}

# An error is one line on stderr.
one_line_error() {
	check "$1: one line on stderr" [ "$(wc -l <"$WORK/err")" -eq 1 ]
	case $ERR in
	*"$2"*) ok ;;
	*) bad "$1: stderr lacks '$2': $ERR" ;;
	esac
}

# The programs, the sample host records, and a scratch directory (removed at exit) that
# is the working directory and holds the stamp's state ($ST) and the registrar's data ($WS).
scratch() {
	TG=$BIN/token-gen
	RG=$BIN/registrar
	KI=$BIN/key-import
	HOSTS=$(cd "$(dirname "$0")/../../samples/hosts" && pwd)
	WORK=$(mktemp -d)
	trap 'chmod -R u+rwX "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
	trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
	cd "$WORK" || exit 1
	export AIRREG_STATE_DIR=$WORK/stamp AIRREG_DATA_DIR=$WORK/ws
	ST=$AIRREG_STATE_DIR
	WS=$AIRREG_DATA_DIR
}

# A listing of a directory (names, modes, contents' hashes) to prove nothing changed.
snapshot() {
	if [ -d "$1" ]; then
		(cd "$1" && find . -type f -exec sha256sum {} + | sort && find . -exec stat -c '%n %a' {} + | sort)
	else
		echo "absent"
	fi
}

finish() {
	printf '%s: %d passed, %d failed\n' "$1" "$PASSED" "$FAILED"
	[ "$FAILED" -eq 0 ]
}
