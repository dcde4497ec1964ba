#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The licence is said everywhere it must be: LICENSE holds the Apache License 2.0, and every
# source file, script and man page carries the SPDX line in its first three lines (the test
# data keeps its own terms, and samples/ is output: tests/data/SOURCES.md).
. "$(dirname "$0")/../e2e/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
TAG="SPDX-License-Identifier: Apache-2.0"

sources() { # every file of the kinds that carry the line
	(cd "$REPO" && find . -path ./build -prune -o -path ./.git -prune -o -path ./tests/data -prune \
		-o -path ./samples -prune -o -path ./tests/fuzz/regressions -prune -o -type f \
		\( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' -o -name '*.go' -o -name go.mod -o -name '*.[13]' -o -name '*.map' -o -name '*.pc.in' -o -name Makefile \
		-o -path './completions/*' -o -path './.ci/*' \) -print) | sed 's#^\./##' | sort
}
untagged() { # the files of $1 (a list) whose first three lines lack the tag
	while read -r f; do
		head -n 3 "$REPO/$f" | grep -qF "$TAG" || echo "$f"
	done <"$1"
}

check "LICENSE is the Apache License 2.0" grep -q 'Apache License' "$REPO/LICENSE"
check "LICENSE is the whole text" grep -q 'END OF TERMS AND CONDITIONS' "$REPO/LICENSE"
sources >"$WORK/files"
count=$(wc -l <"$WORK/files")
check "found the sources ($count)" [ "$count" -gt 100 ]
missing=$(untagged "$WORK/files" | tr '\n' ' ')
check "every source file, script and man page has its SPDX line${missing:+ (missing: $missing)}" \
	[ -z "$missing" ]
# the check can fail: a file without the line is named
printf 'int x;\n' >"$WORK/untagged.c"
echo untagged.c >"$WORK/one"
check "the check can fail: a file without the line is named" \
	[ "$(REPO=$WORK; untagged "$WORK/one")" = untagged.c ]
finish licence
