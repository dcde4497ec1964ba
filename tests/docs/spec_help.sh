#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/spec.md agrees with the programs' --help. A program's section is its heading
# "## PROGRAM" (optionally followed by a space and more words) up to the next "## " heading.
# In that section: every flag --help names appears, and every flag the section names is one
# --help names (flags of other tools, zbarimg's, curl's, openssl's, are quoted only outside
# the programs' sections); every verb and sub-verb of --help's usage lines appears as
# "PROGRAM VERB [SUB-VERB]", and every "PROGRAM VERB" the section names, inside `code` or an
# indented code line, is one --help has. Also: the directory and environment variable
# --help names are in the section, and every relative link of the spec points at a file.
# usage: BIN=/abs/build/bin sh tests/docs/spec_help.sh [SPEC]
. "$(dirname "$0")/../e2e/lib.sh"
SPEC=${1:-$(dirname "$0")/../../docs/spec.md}
DOCS=$(cd "$(dirname "$SPEC")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans

# the text of PROGRAM's section of spec file $1
section() {
	awk -v p="$2" '$0 ~ "^## " && on { on = 0 }
		$0 == "## " p || index($0, "## " p " ") == 1 { on = 1; next }
		on' "$1"
}
# flags on stdin, one a line, sorted: --long and -x (not -abc, another tool's style)
flags() { grep -oE -- '(^|[[ |(,`])--?[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | grep -v '^-[a-z][a-z]' | sort -u; }
# --help's usage lines, "usage: " dropped (the text before VALUE FLAGS, Every verb, ...)
usage_lines() {
	"$BIN/$1" --help | sed -n '1,/^$/p' |
		sed '/^VALUE FLAGS\|^Every verb\|^State directory\|^Exit status/,$d' | sed 's/^usage: //'
}
# the verb paths of --help: "VERB" or "VERB SUB", from each usage line starting with the
# program and each " | " alternative on it ("trust add FILE | trust list [--json] | ...")
help_verbs() {
	usage_lines "$1" | sed 's/^ *//' | grep "^$1 " | sed "s/^$1 //; s/ | /\n/g" |
		grep -oE '^[a-z][a-z-]*( [a-z][a-z-]*)?' | sort -u
}
# the verbs with sub-verbs, one a line
groups() { help_verbs "$1" | awk 'NF == 2 { print $1 }' | sort -u; }
# the "PROGRAM VERB [SUB]" the section $2 of spec $1 names in `code` or an indented code line
spec_verbs() {
	section "$1" "$2" | grep -oE "(^    +|\`)$2( [a-z][a-z-]*)+" | sed "s/^[ \`]*$2 //" |
		awk -v g=" $(groups "$2" | tr '\n' ' ')" '{ print (NF > 1 && index(g, " " $1 " ")) ? $1 " " $2 : $1 }' |
		sort -u
}

# has LIST WORD: WORD is one of LIST's (blank- or comma-separated)
has() { case " $(echo "$1" | tr ',' ' ') " in *" $2 "*) return 0 ;; *) return 1 ;; esac; }

# compare SPEC PROGRAM: sets $missing_flags, $extra_flags, $missing_verbs, $extra_verbs
compare() {
	"$BIN/$2" --help | flags > "$WORK/help.flags"
	section "$1" "$2" | flags > "$WORK/spec.flags"
	help_verbs "$2" > "$WORK/help.verbs"
	{ cat "$WORK/help.verbs"; groups "$2"; } | sort -u > "$WORK/help.verbs+groups"
	spec_verbs "$1" "$2" > "$WORK/spec.verbs"
	missing_flags=$(comm -23 "$WORK/help.flags" "$WORK/spec.flags" | tr '\n' ' ')
	extra_flags=$(comm -13 "$WORK/help.flags" "$WORK/spec.flags" | tr '\n' ' ')
	missing_verbs=$(comm -23 "$WORK/help.verbs" "$WORK/spec.verbs" | sed "s/^/$2 /" | tr '\n' ',')
	extra_verbs=$(comm -13 "$WORK/help.verbs+groups" "$WORK/spec.verbs" | sed "s/^/$2 /" | tr '\n' ',')
}

check "docs/spec.md exists" [ -s "$SPEC" ]
for p in token-gen registrar key-import airreg-connect; do
	check "$p --help exits 0" sh -c '"$1" --help >/dev/null' - "$BIN/$p"
	check "spec.md has a '## $p' section" [ -n "$(section "$SPEC" "$p")" ]
	check "$p --help names verbs (the parser reads its usage)" [ -n "$(help_verbs "$p")" ]
	compare "$SPEC" "$p"
	check "spec.md ## $p names every flag of --help${missing_flags:+ (missing: $missing_flags)}" \
		[ -z "$missing_flags" ]
	check "spec.md ## $p names no flag --help lacks${extra_flags:+ (extra: $extra_flags)}" \
		[ -z "$extra_flags" ]
	check "spec.md ## $p names every verb of --help${missing_verbs:+ (missing: $missing_verbs)}" \
		[ -z "$missing_verbs" ]
	check "spec.md ## $p names no verb --help lacks${extra_verbs:+ (extra: $extra_verbs)}" \
		[ -z "$extra_verbs" ]
	# the state or data directory: its environment variable and default, as --help says
	for w in $("$BIN/$p" --help | grep -oE '\$AIRREG_[A-Z_]+|/var/lib/airreg/[a-z]+'); do
		check "spec.md ## $p names $w" sh -c 'grep -qF -- "$1"' - "$w" <<EOF
$(section "$SPEC" "$p")
EOF
	done
done

# every relative link points at a file of the repository (never outside it)
root=$(cd "$DOCS/.." && pwd)
for link in $(grep -oE '\]\([^)#]+' "$SPEC" | sed 's/^](//' | grep -v '^[a-z]*:' | sort -u); do
	target=$(cd "$DOCS" && realpath -m "$link")
	case $target in
	"$root"/*) check "spec.md's link $link points at a file" [ -e "$target" ] ;;
	*) bad "spec.md links $link, outside the repository" ;;
	esac
done

# the check can fail: copies of the spec with one thing changed each
copy=$WORK/spec-copy.md
sed 's/--asset-tag//g' "$SPEC" > "$copy"
compare "$copy" token-gen
check "the check can fail: a copy without --asset-tag reports it missing" \
	has "$missing_flags" --asset-tag
awk '{ print } /^## registrar( |$)/ { print "`--no-such-flag`" }' "$SPEC" > "$copy"
compare "$copy" registrar
check "the check can fail: a copy naming --no-such-flag in ## registrar reports it extra" \
	has "$extra_flags" --no-such-flag
sed 's/registrar tenant remove/registrar tenant delete/g' "$SPEC" > "$copy"
compare "$copy" registrar
check "the check can fail: a copy renaming tenant remove reports it missing" \
	has "$(echo "$missing_verbs" | tr ' ' '_')" registrar_tenant_remove
check "the check can fail: ... and tenant delete extra" \
	has "$(echo "$extra_verbs" | tr ' ' '_')" registrar_tenant_delete
awk '{ print } /^## key-import( |$)/ { print "    key-import verify FILE" }' "$SPEC" > "$copy"
compare "$copy" key-import
check "the check can fail: a copy naming 'key-import verify' reports it extra" \
	has "$(echo "$extra_verbs" | tr ' ' '_')" key-import_verify
awk '/^## airreg-connect( |$)/ { on = 1 } /^## / && !/^## airreg-connect/ { on = 0 } { if (on) gsub(/--renew/, "--renw"); print }' \
	"$SPEC" > "$copy"
compare "$copy" airreg-connect
check "the check can fail: a copy of ## airreg-connect without --renew reports it missing" \
	has "$missing_flags" --renew
awk '{ print } /^## airreg-connect( |$)/ { print "    airreg-connect status" }' "$SPEC" > "$copy"
compare "$copy" airreg-connect
check "the check can fail: a copy naming 'airreg-connect status' reports it extra" \
	has "$(echo "$extra_verbs" | tr ' ' '_')" airreg-connect_status
sed 's/^## key-import/## key_import/' "$SPEC" > "$copy"
check "the check can fail: a copy without '## key-import' has no such section" \
	[ -z "$(section "$copy" key-import)" ]
finish spec_help
