#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Endless data: files over the cap (refused before they are read whole), endless
# streams, a DEFLATE bomb, 65 hosts, JSON nested past any sane depth, a 1 MB string.
. "$(dirname "$0")/lib.sh"
world
forge
# peak memory of a refusal, in KiB (ASan's shadow memory makes it meaningless there)
peak() {
	/usr/bin/python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
small() { # small "what" KiB command...: the command's peak memory stays under KiB
	what=$1; cap=$2; shift 2
	case $BIN in */san/*) return ;; esac
	kib=$(peak "$@")
	check "$what: peak memory ${kib} KiB < $cap KiB" [ "$kib" -lt "$cap" ]
}

truncate -s 1G sparse.txt
attack 4 "sparse.txt: file larger than 65536 bytes" "$KI" sparse.txt
small "a 1 GiB file" 16384 "$KI" sparse.txt
attack 4 "sparse.txt: file larger than 65536 bytes" "$RG" register --token sparse.txt --name north
attack 4 "sparse.txt: file larger than 65536 bytes" "$TG" show sparse.txt
head -c 65537 /dev/zero | tr '\0' A > one-over.txt
attack 4 "one-over.txt: file larger than 65536 bytes" "$KI" one-over.txt
attack 4 "/dev/zero: file larger than 65536 bytes" "$KI" /dev/zero
small "reading /dev/zero" 16384 "$KI" /dev/zero
attack 4 "(stdin): file larger than 65536 bytes" sh -c 'yes | "$1" -' _ "$KI"
attack 4 "(stdin): file larger than 65536 bytes" sh -c 'yes | "$1" register --token - --name north' _ "$RG"
attack 4 "larger than 4095 bytes" "$KI" trust add sparse.txt

check "the bomb is a small file" [ "$(wc -c < tok-bomb.txt)" -lt 65536 ]
attack 4 "tok-bomb.txt: payload inflates to more than 1048576 bytes (refused)" "$RG" register --token tok-bomb.txt --name north
attack 4 "tok-bomb.txt: payload inflates to more than 1048576 bytes (refused)" "$TG" show tok-bomb.txt
small "the DEFLATE bomb" 16384 "$RG" register --token tok-bomb.txt --name north
attack 4 'tok-65hosts.txt: field "hosts" has more than 64 entries' "$RG" register --token tok-65hosts.txt --name north
attack 4 'tok-65hosts.txt: field "hosts" has more than 64 entries' "$TG" show tok-65hosts.txt
check "a 1 MB string fits the caps" [ "$(wc -c < tok-megastring.txt)" -lt 65536 ]
attack 4 'tok-megastring.txt: host 1: field "manufacturer" longer than 255 characters' "$RG" register --token tok-megastring.txt --name north
attack 4 "tok-nested.txt: invalid JSON at line 1 column" "$RG" register --token tok-nested.txt --name north
one_line_error "nested token" "maximum parsing depth reached"
attack 4 "nested.txt: invalid JSON at line 1 column" "$KI" nested.txt
one_line_error "nested key" "maximum parsing depth reached"
attack 4 'long-string.txt: field "sub" longer than 63 characters' "$KI" long-string.txt
# issue 16: a key's payload is compressed too; inflated only once signed, within the same cap
check "the key bomb is a small file" [ "$(wc -c < key-bomb.txt)" -lt 65536 ]
attack 4 "key-bomb.txt: payload inflates to more than 1048576 bytes (refused)" "$KI" key-bomb.txt
small "the key's DEFLATE bomb" 16384 "$KI" key-bomb.txt
# token-gen create: 65 host records are refused before anything is written
i=0; set --
while [ $i -lt 65 ]; do
	sed "s/\"name\": *\"[^\"]*\"/\"name\":\"h$i\"/; s/\"uuid\": *\"[^\"]*\"/\"uuid\":\"00000000-0000-4000-8000-$(printf %012d $i)\"/" \
		"$HOSTS/node1.json" > "h$i.json"
	set -- "$@" --host "h$i.json"; i=$((i + 1))
done
attack 2 "at most 64 hosts in a token" "$TG" create --billing-model Development "$@" --state-dir fresh -o t65.txt
check "no token and no identity written" [ ! -e t65.txt ] && [ ! -e fresh ]
done_attacks endless
