#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What a USB round trip through other systems does to text must still be accepted:
# a UTF-8 BOM, CRLF, lines wrapped at any width, trailing white space.
. "$(dirname "$0")/lib.sh"
world
mangle() { # mangle IN OUT WIDTH: BOM, wrapped at WIDTH, CRLF, trailing blanks
	{ printf '\357\273\277'; fold -w "$3" "$1" | sed 's/$/  \r/'; printf '\t\r\n\r\n'; } > "$2"
}
for width in 1 7 64 76 1000; do
	mangle tokA.txt tok-$width.txt $width
	expect_exit 0 "token-gen show, wrapped at $width" "$TG" show tok-$width.txt
	"$RG" activation-key --name east -o key-$width.txt >/dev/null
	mangle key-$width.txt key-$width-mangled.txt $width
	expect_exit 0 "key-import, wrapped at $width" "$KI" key-$width-mangled.txt
	check "the printed SHA-256 is the registrar's, whatever the wrapping ($width)" \
		grep -q "^$(sha256sum < key-$width.txt | cut -c1-64)  key-$width-mangled.txt$" "$WORK/out"
done
check "the last import is the resource" /usr/bin/python3 -c "
import json; assert json.load(open('$ST/activation.json'))['serial'] == 8"
"$RG" unregister --name west >/dev/null
mangle tokB.txt tokB-mangled.txt 3
expect_exit 0 "register a mangled token from stdin" sh -c '"$1" register --token - --name west < tokB-mangled.txt' _ "$RG"
printf '%s\n' "$(cat key1.txt)" > lf-only.txt
attack 4 "lf-only.txt: key serial 1 is not newer than 8" "$KI" lf-only.txt
done_attacks accepted
