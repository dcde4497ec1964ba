#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# libairreg's ABI is what packaging/deb/libairreg1.symbols says: the library exports those
# symbols and no other, airreg.h declares those functions and no other, the soname is
# libairreg.so.1. A function added, removed or renamed without the symbols file (and so
# without a thought for the soname) fails make check here.
# usage: abi.sh [LIBRARY]  (default: $LIBDIR_BUILD/libairreg.so.1, else build/lib's)
. "$(dirname "$0")/../e2e/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
LIB=${1:-${LIBDIR_BUILD:-$REPO/build/lib}/libairreg.so.1}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans

# abi_diff LIBRARY SYMBOLS HEADER: one line for each disagreement, nothing when they agree
abi_diff() {
	sed -n 's/^ \([^ ]*\) .*/\1/p' "$2" | LC_ALL=C sort >"$WORK/listed"
	# nm shows the version node as "AIRREG_1.0", a default version as "@@"
	nm -D --defined-only "$1" | awk '{ print $3 }' |
		sed 's/@@/@/; s/^\([^@]*\)$/\1@\1/' | LC_ALL=C sort >"$WORK/exported"
	sed -n 's/^[a-z].*[ *]\(airreg_[a-z_]*\)(.*/\1/p' "$3" | LC_ALL=C sort -u >"$WORK/declared"
	grep '^airreg_' "$WORK/listed" | sed 's/@.*//' >"$WORK/listed-functions"
	comm -13 "$WORK/listed" "$WORK/exported" | sed 's/^/exported, not in the symbols file: /'
	comm -23 "$WORK/listed" "$WORK/exported" | sed 's/^/in the symbols file, not exported: /'
	comm -23 "$WORK/declared" "$WORK/listed-functions" | sed 's/^/declared in airreg.h, not in the symbols file: /'
	comm -13 "$WORK/declared" "$WORK/listed-functions" | sed 's/^/in the symbols file, not declared in airreg.h: /'
	grep -v '^airreg_\|^AIRREG_1\.0@AIRREG_1\.0$' "$WORK/exported" | sed 's/^/exported, not airreg_: /'
	grep -vx 'AIRREG_1\.0@AIRREG_1\.0\|airreg_[a-z_]*@AIRREG_1\.0' "$WORK/listed" |
		sed 's/^/in the symbols file, not of the version node AIRREG_1.0: /'
	grep -v '^#' "$2" | head -1 | grep -qx 'libairreg.so.1 libairreg1 #MINVER#' ||
		echo "the symbols file does not begin with 'libairreg.so.1 libairreg1 #MINVER#'"
	soname=$(objdump -p "$1" | awk '/SONAME/ { print $2 }')
	[ "$soname" = libairreg.so.1 ] || echo "the soname is '$soname', not libairreg.so.1"
}

SYMBOLS=$REPO/packaging/deb/libairreg1.symbols
HEADER=$REPO/libairreg/airreg.h
check "the library is there ($LIB)" [ -f "$LIB" ]
abi_diff "$LIB" "$SYMBOLS" "$HEADER" >"$WORK/diff"
sed 's/^/abi: /' "$WORK/diff"
check "the library, airreg.h and libairreg1.symbols agree" [ ! -s "$WORK/diff" ]
check "the symbols file lists 32 functions" [ "$(grep -c '^ airreg_' "$SYMBOLS")" -eq 32 ]

# the check can fail: a symbol missing from the symbols file, a function declared that
# the library lacks, a library with another soname and a symbol not airreg_'s
grep -v '^ airreg_tenant_id@' "$SYMBOLS" >"$WORK/fewer.symbols"
abi_diff "$LIB" "$WORK/fewer.symbols" "$HEADER" >"$WORK/d1"
check "the check can fail: a symbol not listed is named" [ "$(cat "$WORK/d1")" = \
"exported, not in the symbols file: airreg_tenant_id@AIRREG_1.0
declared in airreg.h, not in the symbols file: airreg_tenant_id" ]
sed 's/^void airreg_close(/&airreg_stamp *s);\nint airreg_reopen(/' "$HEADER" >"$WORK/more.h"
abi_diff "$LIB" "$SYMBOLS" "$WORK/more.h" >"$WORK/d2"
check "the check can fail: a function declared and not listed is named" \
	[ "$(cat "$WORK/d2")" = "declared in airreg.h, not in the symbols file: airreg_reopen" ]
printf 'int airreg_version(void);\nint airreg_version(void) { return 0; }\nint helper(void);\nint helper(void) { return 1; }\n' >"$WORK/other.c"
cc -shared -fPIC -Wl,-soname,libairreg.so.2 -o "$WORK/other.so" "$WORK/other.c"
abi_diff "$WORK/other.so" "$SYMBOLS" "$HEADER" >"$WORK/d3"
for want in "exported, not airreg_: helper@helper" "the soname is 'libairreg.so.2', not libairreg.so.1" \
	"in the symbols file, not exported: airreg_check@AIRREG_1.0"; do
	check "the check can fail: $want" grep -qxF "$want" "$WORK/d3"
done
finish abi
