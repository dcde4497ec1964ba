#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The man pages agree with the programs: the SYNOPSIS is --help's usage word for word,
# every flag --help names is in the page and every flag the page names is one the
# program takes; groff renders each page without a warning.
. "$(dirname "$0")/lib.sh"
MAN=$(cd "$(dirname "$0")/../../man" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans

usage_of() { # the usage lines of --help, one string
	"$BIN/$1" --help | sed -n '1,/^$/p' |
		sed '/^VALUE FLAGS\|^Every verb\|^State directory\|^Exit status/,$d' |
		sed 's/^usage: //' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'
}
render() { groff -man -Tascii -P-cbou "$MAN/$1.1" 2>/dev/null; }
synopsis_of() { render "$1" | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
flags() { grep -oE -- '(^|[[ |(,])--?[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | grep -v '^-[a-z][a-z]' | sort -u; }

for p in token-gen registrar key-import; do
	check "$p.1 renders without warnings" [ -z "$(groff -man -ww -z "$MAN/$p.1" 2>&1)" ]
	check "$p.1: SYNOPSIS is --help's usage" [ "$(synopsis_of "$p")" = "$(usage_of "$p")" ]
	"$BIN/$p" --help | flags > "$WORK/help"
	# the page's own flags: SYNOPSIS and OPTIONS (elsewhere it may quote zbarimg's)
	render "$p" | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p; /^OPTIONS/,/^EXIT STATUS/p' |
		flags > "$WORK/man"
	missing=$(comm -23 "$WORK/help" "$WORK/man" | tr '\n' ' ')
	extra=$(comm -13 "$WORK/help" "$WORK/man" | tr '\n' ' ')
	check "$p.1 documents every flag of --help${missing:+ (missing: $missing)}" [ -z "$missing" ]
	check "$p.1 names no flag --help lacks${extra:+ (extra: $extra)}" [ -z "$extra" ]
	for s in "EXIT STATUS" ENVIRONMENT FILES EXAMPLES OPTIONS; do
		check "$p.1 has $s" sh -c "render() { groff -man -Tascii -P-cbou '$MAN/$p.1' 2>/dev/null; }; render | grep -q '^$s'"
	done
	# every flag the page names is one the program takes: with a value after it and
	# --help last, a known flag ends in the usage (exit 0), an unknown one in exit 2
	for f in $(cat "$WORK/man"); do
		check "$p takes $f" "$BIN/$p" $f x --help >/dev/null 2>&1 </dev/null
	done
	check "the check can fail: $p refuses --no-such-flag" sh -c "! '$BIN/$p' --no-such-flag x --help >/dev/null 2>&1"
done
finish manpages
