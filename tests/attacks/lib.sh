# SPDX-License-Identifier: Apache-2.0
# The world every attack runs in: stamp A (east, two hosts) and stamp B (west), one
# workstation, the issuer key trusted on A, key1..key3 for east, keyB for west.
# `attack STATUS "reason" PROGRAM ARGS...` asserts the exit status, one line on
# stderr naming the reason, and every file of both directories unchanged.
. "$(dirname "$0")/../e2e/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
scratch
CASES=0

world() {
	"$TG" init >/dev/null && "$TG" init --state-dir stampB >/dev/null &&
	"$TG" create --billing-model Capacity --agreement-number 42 --host "$HOSTS/node1.json" \
		--host "$HOSTS/node2.json" -o tokA.txt >/dev/null &&
	"$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir stampB \
		-o tokB.txt >/dev/null &&
	"$RG" init >/dev/null &&
	"$RG" register --token tokA.txt --name east >/dev/null &&
	"$RG" register --token tokB.txt --name west >/dev/null &&
	"$RG" activation-key --name east -o key1.txt >/dev/null &&
	"$RG" activation-key --name east -o key2.txt >/dev/null &&
	"$RG" activation-key --name east -o key3.txt >/dev/null &&
	"$RG" activation-key --name west -o keyB.txt >/dev/null &&
	"$RG" export-issuer-key -o issuer.pub >/dev/null &&
	"$KI" trust add issuer.pub >/dev/null || { echo "attacks: cannot build the world" >&2; exit 1; }
}

# Everything an attack could change: both directories, the database by its dump.
# What an attack must leave as it was. One find for both directories: every file's name,
# mode, size, inode and modification time (a write, a replacement by rename or a chmod
# changes one of them), every directory's name and mode; the database by its content (a
# read may checkpoint its WAL, which changes its files' bytes, not what they hold).
# Hashing every file instead cost two thirds of each attack's time.
state() {
	find "$ST" "$WS" \( -name .lock -o -name 'registrar.db*' \) -prune -o \
		\( -type f -printf '%p %m %s %i %T@\n' \) -o -printf '%p %m %y\n' | sort
	sqlite3 "$WS/registrar.db" .dump
}

attack() { # attack STATUS "reason" PROGRAM ARGS...
	want=$1; reason=$2; shift 2
	CASES=$((CASES + 1))
	before=$(state)
	expect_exit "$want" "$*" "$@"
	one_line_error "$*" "$reason"
	check "$*: nothing changed" [ "$(state)" = "$before" ]
}

# forge NAME [python statements]: an activation key from key3's claims, signed by
# the genuine issuer key unless the statements say otherwise (see forge.py).
forge() {
	/usr/bin/python3 "$HERE/forge.py" "$@"
}

done_attacks() {
	printf '%s: %d attack cases\n' "$1" "$CASES"
	finish "$1"
}
