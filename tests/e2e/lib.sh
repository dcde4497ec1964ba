# Helpers for the end-to-end tests: each check counts, and the script ends with
# the line "NAME: N passed, M failed".
PASSED=0
FAILED=0
PY=/usr/bin/python3 # Debian's python3, the one with python3-jwcrypto

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
