#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Malformed: every truncation and bit flip (in process, through the programs' own
# reader and decoder; a sample through the programs), duplicate JSON keys, base64url
# that is not canonical, a number where a string belongs and the reverse.
. "$(dirname "$0")/lib.sh"
world
forge
"$MUTATE" tokA.txt key3.txt issuer.pub > mutate.out 2>&1
check "every truncation and bit flip is refused: $(cat mutate.out)" [ $? -eq 0 ]
cat mutate.out
len=$(wc -c < key3.txt)
i=0
while [ "$i" -lt "$len" ]; do
	head -c "$i" key3.txt > cut.txt
	attack 4 "cut.txt" "$KI" cut.txt
	i=$((i + 97))
done
i=5
while [ "$i" -lt "$len" ]; do
	/usr/bin/python3 -c '
import sys; b = bytearray(open("key3.txt", "rb").read()); b[int(sys.argv[1])] ^= 1 << (int(sys.argv[1]) % 8)
open("flip.txt", "wb").write(bytes(b))' "$i"
	attack 4 "flip.txt" "$KI" flip.txt
	i=$((i + 89))
done
attack 4 'dup-payload.txt: invalid JSON at line 1 column' "$KI" dup-payload.txt
one_line_error "duplicate claim" "duplicate object key near '\"serial\"'"
attack 4 "dup-header.txt: JWS header: invalid JSON" "$KI" dup-header.txt
one_line_error "duplicate header field" "duplicate object key near '\"alg\"'"
attack 4 "tok-dup.txt: invalid JSON at line 1 column" "$RG" register --token tok-dup.txt --name north
one_line_error "duplicate token claim" "duplicate object key"
attack 4 "padded.txt: JWS payload is not canonical base64url" "$KI" padded.txt
attack 4 "illegal-char.txt: JWS payload is not canonical base64url" "$KI" illegal-char.txt
attack 4 "trailing-bits.txt: JWS payload is not canonical base64url" "$KI" trailing-bits.txt
attack 4 'num-for-string.txt: field "sub" must be a string' "$KI" num-for-string.txt
attack 4 'string-for-num.txt: field "serial" must be an integer' "$KI" string-for-num.txt
attack 4 'extra-claim.txt: unknown field "admin"' "$KI" extra-claim.txt
printf 'not.a.jws' > dots.txt
attack 4 "dots.txt: " "$KI" dots.txt
printf '\000\001binary' > binary.txt
attack 4 "binary.txt: unexpected byte 0x00 at offset 0" "$KI" binary.txt
: > empty.txt
attack 4 "empty.txt: " "$KI" empty.txt
attack 4 "empty.txt: " "$RG" register --token empty.txt --name north
done_attacks malformed
