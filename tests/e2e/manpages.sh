#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The man pages agree with the programs: the SYNOPSIS is --help's usage word for word,
# every flag --help names is in the page and every flag the page names is one the
# program takes; groff renders each page without a warning. Section 3: see below.
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

for p in token-gen registrar key-import airreg-connect; do
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
	# --help last, a known flag ends in the usage (exit 0), an unknown one in exit 2; the
	# value is x, or 1 for a number read as it is parsed (airreg-connect --timeout)
	for f in $(cat "$WORK/man"); do
		check "$p takes $f" sh -c '{ "$1" "$2" x --help || "$1" "$2" 1 --help; } >/dev/null 2>&1 </dev/null' - "$BIN/$p" "$f"
	done
	check "the check can fail: $p refuses --no-such-flag" sh -c "! '$BIN/$p' --no-such-flag x --help >/dev/null 2>&1"
done
# Section 3, libairreg (issue 21): `man 3 NAME` finds every function airreg.h declares,
# by its own page or by an alias (a symlink to the page whose NAME lists it, as Debian
# prefers to .so requests); every page renders without a warning; airreg(3)'s example
# compiles and runs as written, against the library just built.
HEADER=$MAN/../libairreg/airreg.h
LIBAIRREG=${LIBAIRREG:-$BIN/../lib}
sed -n 's/^[a-z].*[ *]\(airreg_[a-z_]*\)(.*/\1/p' "$HEADER" | sort -u >"$WORK/functions"
check "airreg.h declares 32 functions" [ "$(wc -l <"$WORK/functions")" -eq 32 ]
FUNCTIONS=" $(tr '\n' ' ' <"$WORK/functions")"
names_of() { sed -n '/^\.SH NAME/{n;s/ \\-.*//;s/,//g;p;}' "$1"; }
undocumented() { # DIR: each function of airreg.h that no page or alias of DIR documents
	for p in "$1"/*.3; do [ -L "$p" ] || echo "${p##*/} $(names_of "$p")"; done >"$WORK/named"
	(cd "$1" && find . -maxdepth 1 -name '*.3' -printf '%f %l\n') >"$WORK/pages"
	awk 'FILENAME == ARGV[1] { for (i = 2; i <= NF; i++) named[$i " " $1] = 1; next }
	     FILENAME == ARGV[2] { page[$1] = $2 == "" ? $1 : $2; next }
	     !(($0 ".3") in page) || !(($0 " " page[$0 ".3"]) in named)' \
		"$WORK/named" "$WORK/pages" "$WORK/functions"
}
missing=$(undocumented "$MAN" | tr '\n' ' ')
check "every function of airreg.h has a page or an alias${missing:+ (missing: $missing)}" [ -z "$missing" ]
for page in "$MAN"/*.3; do
	name=$(basename "$page" .3)
	if [ -L "$page" ]; then
		target=$(readlink "$page")
		case $target in
		*/*) bad "$name.3: an alias out of man/ ($target)" ;;
		*) check "$name.3: an alias of a page ($target)" test -f "$MAN/$target" -a ! -L "$MAN/$target" ;;
		esac
		case $FUNCTIONS in *" $name "*) ok ;; *) bad "$name.3: an alias of no function of airreg.h" ;; esac
		continue
	fi
	check "$name.3 renders without warnings" [ -z "$(groff -man -Tutf8 -ww -z "$page" 2>&1)" ]
	names=$(names_of "$page")
	check "$name.3: its NAME begins with $name" [ "${names%% *}" = "$name" ]
	for f in $names; do
		case "$FUNCTIONS airreg " in *" $f "*) ok ;; *) bad "$name.3 names $f, no function of airreg.h" ;; esac
	done
done
# the checks can fail: an alias removed, one to a page that does not name it, a page with
# a request groff does not know
mkdir "$WORK/man3" && cp -P "$MAN"/*.3 "$WORK/man3/" && rm "$WORK/man3/airreg_tenant_id.3"
ln -sf airreg_open.3 "$WORK/man3/airreg_serial.3"
check "the check can fail: an alias removed, one to the wrong page" \
	[ "$(undocumented "$WORK/man3" | tr '\n' ' ')" = "airreg_serial airreg_tenant_id " ]
printf '.TH X 3\n.SH NAME\nx \\- y\n.XX\n' >"$WORK/bad.3"
check "the check can fail: groff warns of an unknown request" [ -n "$(groff -man -Tutf8 -ww -z "$WORK/bad.3" 2>&1)" ]

sed -n '/^\.SH EXAMPLES/,/^\.SH/p' "$MAN/airreg.3" | sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' |
	sed 's/\\e/\\/g; s/\\-/-/g; s/\\(aq/'"'"'/g; s/\\&//g' >"$WORK/example.c"
check "airreg(3)'s example compiles" cc -std=c11 -Wall -Wextra -Werror -pedantic \
	-I"$MAN/../libairreg" -o "$WORK/example" "$WORK/example.c" -L"$LIBAIRREG" -lairreg
AIRREG_STATE_DIR=$WORK/stamp "$BIN/token-gen" init >/dev/null
expect_exit 0 "airreg(3)'s example on a stamp not registered" env LD_LIBRARY_PATH="$LIBAIRREG" \
	AIRREG_STATE_DIR="$WORK/stamp" "$WORK/example"
check "it prints the state: $OUT" [ "$OUT" = "Not registered" ]
expect_exit 5 "airreg(3)'s example without a state directory" env LD_LIBRARY_PATH="$LIBAIRREG" \
	AIRREG_STATE_DIR="$WORK/none" "$WORK/example"
check "it prints the error, one line: $ERR" sh -c "[ \$(wc -l <'$WORK/err') -eq 1 ] && grep -q '^example: ' '$WORK/err'"
finish manpages
