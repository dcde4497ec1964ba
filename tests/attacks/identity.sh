#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An identity is made on purpose, never by a typo (issue 15, part 2). Only `token-gen
# init` makes a stamp and only `registrar init` a workstation: every other verb of every
# program, given a directory that holds none (a mistyped --state-dir or --data-dir, or the
# environment's), exits 5 with one line naming that directory and the init that makes
# one, prints nothing on stdout, and makes nothing: not the directory, not its lock, not
# trusted/ (before, `token-gen create` made a second stamp there, whose registration the
# registrar then refused as "another CloudId", and `key-import trust list` printed nothing
# and exited 0).
. "$(dirname "$0")/lib.sh"
world
kid=$("$KI" trust list | cut -d' ' -f1)
mkdir -m 700 empty

# typo STATUS LINE DIR CMD...: the attack (both real directories unchanged), the exact
# line, no stdout, and DIR as it was: absent, or empty.
typo() {
	want=$1; line=$2; dir=$3; shift 3
	was=$(ls -A "$dir" 2>&1)
	attack "$want" "$line" "$@"
	check "$*: exactly the line" [ "$ERR" = "$line" ]
	check "$*: nothing on stdout" [ -z "$OUT" ]
	check "$*: nothing made in or as $dir" [ "$(ls -A "$dir" 2>&1)" = "$was" ]
}

for d in "$WORK/stmap" "$WORK/empty"; do
	tg="token-gen: no stamp identity in $d (run token-gen init)"
	ki="key-import: no stamp identity in $d (run token-gen init)"
	typo 5 "$tg" "$d" "$TG" create --billing-model Development --host "$HOSTS/node1.json" \
		--state-dir "$d" -o "$WORK/t.txt"
	check "no token written" [ ! -e "$WORK/t.txt" ]
	typo 5 "$tg" "$d" "$TG" create --billing-model Development --host "$HOSTS/node1.json" \
		--state-dir "$d" --qr "$WORK/t.png"
	check "no QR drawn" [ ! -e "$WORK/t.png" ]
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" key1.txt
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" import key1.txt
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" --dry-run key1.txt
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" status
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" status --json
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" remove
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" trust add issuer.pub
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" trust list
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" trust list --json
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" trust remove issuer.pub
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" trust remove "$kid"
	typo 5 "$ki" "$d" "$KI" --state-dir "$d" trust remove --force "$kid"
	# the environment's directory is held to the same rule
	typo 5 "$ki" "$d" env AIRREG_STATE_DIR="$d" "$KI" trust list
	typo 5 "$tg" "$d" env AIRREG_STATE_DIR="$d" "$TG" create --billing-model Development \
		--host "$HOSTS/node1.json" -o -

	rg="registrar: no registrar database in $d (run registrar init)"
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" list
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" list --json
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" show east
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" register --token tokA.txt --name east
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" unregister --name east
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" unregister --token tokA.txt
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" activation-key --name east -o "$WORK/k.txt"
	check "no key written" [ ! -e "$WORK/k.txt" ]
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" tenant list --registration east
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" tenant add --registration east \
		--subscription 11111111-2222-4333-8444-555555555555 \
		--tenant 0a0a0a0a-1111-4222-8333-444444444444
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" tenant remove --registration east \
		--subscription 11111111-2222-4333-8444-555555555555
	typo 5 "$rg" "$d" "$RG" --data-dir "$d" api-key rotate
	typo 5 "$rg" "$d" timeout 10 "$RG" --data-dir "$d" serve --listen 127.0.0.1:0
	typo 5 "registrar: $d/issuer.pub: no issuer key (run registrar init)" "$d" \
		"$RG" --data-dir "$d" export-issuer-key -o "$WORK/i.pub"
done

# --cloud-id is init's: on create it is a usage error, whatever the directory
attack 2 "token-gen: --cloud-id is given to init (token-gen init --cloud-id UUID); create signs with the stamp's own (see token-gen --help)" \
	"$TG" create --billing-model Development --host "$HOSTS/node1.json" \
	--cloud-id "$(cat "$ST/cloud-id")" -o "$WORK/t.txt"
check "no token written" [ ! -e "$WORK/t.txt" ]

# init over a stamp never replaces it: exit 5 naming its CloudId, and the stamp works on
attack 5 "token-gen: $ST: stamp identity already made: CloudId $(cat "$ST/cloud-id") (never replaced; to start a new stamp, give another --state-dir)" \
	"$TG" init
attack 5 "stamp identity already made" "$TG" init --cloud-id 5c0ffee0-1111-4222-8333-444455556666
expect_exit 0 "the stamp still imports its key" "$KI" key1.txt

# the old order, trust added first into a directory of its own: init makes the stamp
# there, keeping what is trusted
mkdir -m 700 old old/trusted
cp "$ST/trusted/"*.pub old/trusted/
typo 5 "key-import: no stamp identity in $WORK/old (run token-gen init)" "$WORK/old" \
	"$KI" --state-dir "$WORK/old" trust list
expect_exit 0 "init where trust was added first" "$TG" init --state-dir old
expect_exit 0 "trust list after init" "$KI" --state-dir "$WORK/old" trust list
check "the issuer key is still trusted" [ "$(echo "$OUT" | cut -d' ' -f1)" = "$kid" ]
done_attacks identity
