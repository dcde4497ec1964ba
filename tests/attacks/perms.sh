#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Permission is not absence (issue 15, part 3): run as the wrong user (nobody) against
# root's directories and files, every program says which one it may not read and whose it
# is (exit 5), never "missing" nor "run registrar init" (which, with a mistyped
# --data-dir, makes a second issuer), and nothing is made anywhere: no stamp identity, no
# data directory, no issuer key. A directory that is truly absent still advises init. Nor
# does it advise "chown" to a user who is not root: run as the owner.
. "$(dirname "$0")/lib.sh"
world
expect_exit 0 "import key1" "$KI" key1.txt
if [ "$(id -u)" -ne 0 ]; then
	echo "perms: not root, cannot act as another user: skipped"
	finish perms
	exit
fi
NOBODY="setpriv --reuid 65534 --regid 65534 --clear-groups"
denied() { echo "cannot read $1: permission denied (run as the owner, root)"; }
# Every program as nobody, each with the line it must print; outputs go to stdout
# (nobody can write nowhere here), and nothing new appears beside the two directories.
each() { # each "reason for the registrar" "reason for the stamp's programs"
	listing=$(ls -A "$WORK" | grep -vx 'out\|err')
	attack 5 "$1" $NOBODY "$RG" list
	attack 5 "$1" $NOBODY "$RG" show --name east
	attack 5 "$1" $NOBODY "$RG" activation-key --name east -o -
	attack 5 "$1" $NOBODY "$RG" export-issuer-key -o -
	attack 5 "$1" $NOBODY "$RG" register --token "$WORK/tokA.txt" --name south
	# the advice followed: init over the directory there is makes no second issuer
	attack 5 "$1" $NOBODY "$RG" init
	attack 5 "$2" $NOBODY "$KI" status
	attack 5 "$2" $NOBODY "$KI" remove
	attack 5 "$2" $NOBODY "$KI" trust list
	attack 5 "$2" $NOBODY "$KI" trust add "$WORK/issuer.pub"
	attack 5 "$2" $NOBODY "$KI" "$WORK/key1.txt"
	attack 5 "$2" $NOBODY "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o -
	check "nothing made beside the two directories" \
		[ "$(ls -A "$WORK" | grep -vx 'out\|err')" = "$listing" ]
}
chmod 644 issuer.pub key1.txt tokA.txt

# Both directories mode 0700 and root's, in a directory nobody may search (the default
# /var/lib/airreg, made by root): the one that refuses is named, not the one asked for.
chmod 700 "$WORK"
each "$(denied "$WORK")" "$(denied "$WORK")"
for c in list "show --name east"; do
	expect_exit 5 "$c: no init advice" $NOBODY "$RG" $c
	case $ERR in *init*|*missing*) bad "$c: advises init or says missing: $ERR" ;; *) ok ;; esac
done

# The directories themselves, mode 0700, in a directory nobody may search.
chmod 711 "$WORK"
each "$(denied "$WS")" "$(denied "$ST")"

# The directories are nobody's, their files root's (0600): the file is named.
chmod 600 "$ST/activation.json" "$ST/stamp.key" "$WS/issuer.pub" "$WS/registrar.db"
chown 65534:65534 "$ST" "$WS"
attack 5 "$(echo "$(denied "$ST/.lock")" | sed 's/read/write/')" $NOBODY "$TG" create \
	--billing-model Development --host "$HOSTS/node1.json" -o -
chown 65534:65534 "$ST/.lock"
attack 5 "$(denied "$WS/registrar.db")" $NOBODY "$RG" list
attack 5 "$(denied "$WS/registrar.db")" $NOBODY "$RG" show --name east
attack 5 "$(denied "$WS/issuer.pub")" $NOBODY "$RG" export-issuer-key -o -
attack 5 "$(denied "$ST/activation.json")" $NOBODY "$KI" status
attack 5 "$(denied "$ST/stamp.key")" $NOBODY "$TG" create --billing-model Development \
	--host "$HOSTS/node1.json" -o -
check "no second identity: the stamp keeps its CloudId" [ -s "$ST/cloud-id" ]
# root's key, readable by nobody: run as root, not "chown 65534" (nobody cannot; with sudo
# it would hand the stamp's key to the wrong user)
chmod 644 "$ST/stamp.key"
attack 5 "$ST/stamp.key: private key is owned by root, not by uid 65534 who runs this; run as the owner, root" \
	$NOBODY "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o -
chmod 600 "$ST/stamp.key"
chown 0:0 "$ST" "$WS" "$ST/.lock"
chmod 644 "$ST/activation.json" "$WS/issuer.pub" "$WS/registrar.db"

# Root's directories, readable by nobody (mode 0755): the same advice, not chown.
chmod 755 "$ST" "$WS"
owned() { echo "$1: directory is owned by root, not by uid 65534 who runs this; run as the owner, root"; }
attack 5 "$(owned "$WS")" $NOBODY "$RG" list
attack 5 "$(owned "$WS")" $NOBODY "$RG" export-issuer-key -o -
attack 5 "$(owned "$ST")" $NOBODY "$KI" status
attack 5 "$(owned "$ST")" $NOBODY "$KI" "$WORK/key1.txt"
attack 5 "$(owned "$ST")" $NOBODY "$TG" create --billing-model Development \
	--host "$HOSTS/node1.json" -o -
chmod 700 "$ST" "$WS"

# Absent: a directory that is not there (and one in a directory nobody may write).
mkdir -m 755 open
attack 5 "registrar: no such directory $WORK/open/ws: check --data-dir" $NOBODY \
	"$RG" list --data-dir "$WORK/open/ws"
attack 5 "registrar: no such directory $WORK/open/ws: check --data-dir" $NOBODY \
	"$RG" export-issuer-key --data-dir "$WORK/open/ws" -o -
attack 5 "key-import: no such directory $WORK/open/stamp: check --state-dir" $NOBODY \
	"$KI" status --state-dir "$WORK/open/stamp"
attack 5 "token-gen: no such directory $WORK/open/stamp: check --state-dir" $NOBODY \
	"$TG" create --billing-model Development --host "$HOSTS/node1.json" \
	--state-dir "$WORK/open/stamp" -o -
# the line also says where else one may keep it (a user trying the programs, the default
# under /var/lib not theirs)
attack 5 "token-gen: cannot write $WORK/open: permission denied (run as the owner, root); or keep it where you may write: token-gen init --state-dir DIR, or set AIRREG_STATE_DIR" $NOBODY \
	"$TG" init --state-dir "$WORK/open/stamp"
attack 5 "registrar: cannot write $WORK/open: permission denied (run as the owner, root); or keep it where you may write: registrar init --data-dir DIR, or set AIRREG_DATA_DIR" $NOBODY \
	"$RG" init --data-dir "$WORK/open/ws"
check "nothing made in open/" [ -z "$(ls -A open)" ]
chmod 700 "$WORK"
done_attacks perms
