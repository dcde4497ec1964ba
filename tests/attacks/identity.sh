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

# A directory that is not there is most often a typo: its line names the flag and the
# variable, and init only as the way to a new stamp there; an empty one advises init.
for d in "$WORK/stmap" "$WORK/empty"; do
	if [ -e "$d" ]; then
		st="no stamp identity in $d (run token-gen init)"
		rg="registrar: no registrar database in $d (run registrar init)"
		ik="registrar: $d/issuer.pub: no issuer key (run registrar init)"
	else
		st="no such directory $d: check --state-dir and \$AIRREG_STATE_DIR (token-gen init --state-dir $d makes a new stamp there)"
		rg="registrar: no such directory $d: check --data-dir and \$AIRREG_DATA_DIR (registrar init --data-dir $d makes a new workstation there)"
		ik=$rg
	fi
	tg="token-gen: $st"
	ki="key-import: $st"
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
	typo 5 "$ik" "$d" "$RG" --data-dir "$d" export-issuer-key -o "$WORK/i.pub"
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
# A half-made identity is never taken for none (init would replace a private key) nor
# for a whole one (key-import would run on it): exit 5 naming the wrong file and what is
# wrong, every file as it was, nothing made (not .lock, not trusted/).
# half NAME FILES...: a directory holding those of the stamp's files.
half() {
	h=$WORK/$1; shift
	rm -rf "$h"; mkdir -m 700 "$h"
	for f; do cp -p "$ST/$f" "$h/$f"; done
}
# refused LINE(without the program) CMD...: each program's refusal, with typo's checks
refused() {
	rline=$1; shift
	typo 5 "token-gen: $rline" "$h" "$TG" init --state-dir "$h"
	typo 5 "token-gen: $rline" "$h" "$TG" create --billing-model Development \
		--host "$HOSTS/node1.json" --state-dir "$h" -o -
	for v in status "trust list" "trust add issuer.pub" "--dry-run key1.txt"; do
		# shellcheck disable=SC2086
		typo 5 "key-import: $rline" "$h" "$KI" --state-dir "$h" $v
	done
}
lost="without its CloudId (an interrupted init, or cloud-id lost): restore cloud-id from a backup, or move stamp.key and stamp.pub away to make a new stamp"
half keyonly stamp.key stamp.pub
refused "$h/stamp.key: a stamp key $lost"
check "the private key is kept" cmp -s "$h/stamp.key" "$ST/stamp.key"
half puballone stamp.pub
refused "$h/stamp.pub: a stamp public key $lost"
part="missing beside cloud-id: the stamp identity is incomplete (restore it from a backup)"
half idonly cloud-id
refused "$h/stamp.pub: $part"
half nokey cloud-id stamp.pub
typo 5 "token-gen: $h/stamp.key: $part" "$h" "$TG" init --state-dir "$h"
typo 5 "token-gen: $h/stamp.key: $part" "$h" "$TG" create --billing-model Development \
	--host "$HOSTS/node1.json" --state-dir "$h" -o -
half emptyid stamp.key stamp.pub
: >"$h/cloud-id"
refused "$h/cloud-id: stamp CloudId file does not hold a UUID"
half dirid stamp.key stamp.pub
mkdir "$h/cloud-id"
refused "$h/cloud-id: is a directory, not a regular file: a stamp identity's files are its own (restore it from a backup)"
# another stamp's CloudId through a link is not this one's: never "already made: CloudId X"
half linkid stamp.key stamp.pub
ln -s "$WORK/stampB/cloud-id" "$h/cloud-id"
refused "$h/cloud-id: is a symbolic link, not a regular file: a stamp identity's files are its own (restore it from a backup)"
half linkpub stamp.key cloud-id
ln -s "$ST/stamp.pub" "$h/stamp.pub"
refused "$h/stamp.pub: is a symbolic link, not a regular file: a stamp identity's files are its own (restore it from a backup)"

# create checks the identity before it probes this machine: a failed probe (exit 3, as on
# a VM; here a root with no files) must not hide a mistyped or empty --state-dir
mkdir -m 700 noroot
typo 5 "token-gen: no stamp identity in $WORK/empty (run token-gen init)" "$WORK/empty" \
	"$TG" create --billing-model Development --root "$WORK/noroot" --state-dir "$WORK/empty" -o -

# an empty directory flag or variable is a script's unset variable, not the default
for cmd in "$TG init" "$TG create --billing-model Development --host $HOSTS/node1.json -o -" \
	"$KI status" "$KI trust list"; do
	p=$(basename "${cmd%% *}")
	# shellcheck disable=SC2086
	attack 2 "$p: --state-dir is empty (name a directory, or leave the flag out)" \
		$cmd --state-dir ""
	check "$cmd --state-dir '': exactly the line" \
		[ "$ERR" = "$p: --state-dir is empty (name a directory, or leave the flag out)" ]
done
for cmd in "$TG create --billing-model Development --host $HOSTS/node1.json -o -" \
	"$KI status" "$KI trust list"; do
	p=$(basename "${cmd%% *}")
	# shellcheck disable=SC2086
	attack 2 "$p: AIRREG_STATE_DIR is set but empty (name a directory, or unset it)" \
		env AIRREG_STATE_DIR= $cmd
	check "AIRREG_STATE_DIR= $cmd: exactly the line" \
		[ "$ERR" = "$p: AIRREG_STATE_DIR is set but empty (name a directory, or unset it)" ]
done
attack 2 "registrar: --data-dir is empty (name a directory, or leave the flag out)" \
	"$RG" list --data-dir ""
attack 2 "registrar: --data-dir is empty" "$RG" init --data-dir ""
attack 2 "registrar: AIRREG_DATA_DIR is set but empty (name a directory, or unset it)" \
	env AIRREG_DATA_DIR= "$RG" list
attack 2 "registrar: AIRREG_DATA_DIR is set but empty" env AIRREG_DATA_DIR= "$RG" show east
# the flag given, the variable is not used: it may be empty
expect_exit 0 "an empty variable beside the flag" env AIRREG_STATE_DIR= "$KI" --state-dir "$ST" status

# a placeholder CloudId would be every such stamp's: refused as probe's --system-uuid is
for u in 00000000-0000-0000-0000-000000000000:"all-zero (firmware says: not present)" \
	FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF:"all-FF (firmware says: not set)" \
	03000200-0400-0500-0006-000700080009:"a firmware template value shared by many machines"; do
	uuid=$(echo "${u%%:*}" | tr A-F a-f)
	attack 2 "token-gen: --cloud-id $uuid is ${u#*:}; give this stamp's own UUID, or none for a random one" \
		"$TG" init --state-dir "$WORK/ph" --cloud-id "${u%%:*}"
	check "--cloud-id ${u%%:*}: no directory made" [ ! -e "$WORK/ph" ]
done
done_attacks identity
