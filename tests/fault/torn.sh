#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Torn reads: an import of an older key is stopped at each moment it reads a state
# file (tests/fault/shim.c, FAULT_STALL) while a newer key of the same registration
# is imported in full. Whatever it read before and after, the older key is refused
# for its serial (or, stopped under the lock, imported before the newer one), and the
# state ends at the newer key. Last, stopped between its unlocked checks and the lock,
# it is refused by the serial check made again under the lock.
. "$(dirname "$0")/../e2e/lib.sh"
scratch

"$TG" init >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node1.json" -o tok.txt >/dev/null
"$RG" init >/dev/null
"$RG" register --token tok.txt --name east >/dev/null
"$RG" export-issuer-key -o issuer.pub >/dev/null
"$KI" trust add issuer.pub >/dev/null
# the newer key a second later: its issue time differs from the older key's
"$RG" activation-key --name east -o old.txt >/dev/null
sleep 1
"$RG" activation-key --name east -o new.txt >/dev/null
mkdir pristine && cp -a "$ST" pristine/

unlocked=0
for file in trusted-time.json activation.json serials.json; do
	n=1
	while [ $n -le 4 ]; do
		rm -rf "$ST" stalled release && cp -a pristine/stamp "$ST"
		FAULT_STALL=$file:$n FAULT_STALLED=$WORK/stalled FAULT_RELEASE=$WORK/release \
			LD_PRELOAD=$SHIM "$KI" old.txt >old.out 2>old.err &
		pid=$!
		while [ ! -e stalled ] && kill -0 $pid 2>/dev/null; do sleep 0.02; done
		where="old key stopped at lstat $n of $file"
		if [ -e stalled ] && flock -n "$ST/.lock" true; then
			unlocked=$((unlocked + 1))
			expect_exit 0 "$where: the newer key imported meanwhile" "$KI" new.txt
			touch release; wait $pid; rc=$?
			check "$where (before the lock): refused, exit $rc: $(cat old.err)" [ $rc -eq 4 ]
			check "$where: refused for its serial: $(cat old.err)" \
				grep -q "^key-import: old.txt: key serial 1 is not newer than 2, already imported for east (rolled back)$" old.err
		else
			touch release; wait $pid; rc=$?
			check "$where (under the lock or never): imported, exit $rc: $(cat old.err)" [ $rc -eq 0 ]
			expect_exit 0 "$where: the newer key imported after it" "$KI" new.txt
		fi
		check "$where: the resource and the mark hold serial 2" /usr/bin/python3 -c "
import json
r = json.load(open('$ST/activation.json')); m = json.load(open('$ST/serials.json'))
assert r['serial'] == 2 and m['east'] == 2, (r['serial'], m)"
		n=$((n + 1))
	done
done
check "the older key was stopped before the lock at least 3 times ($unlocked)" [ $unlocked -ge 3 ]

# Every read above is followed by a later one before the lock, which sees the newer
# key. Stopped after the last unlocked read, as it opens the lock file (the shim's
# FAULT_STALL_OPEN), the older key has passed its pre-check; the newer key commits
# meanwhile; only the serial check made again under the lock can refuse the older one.
rm -rf "$ST" stalled release && cp -a pristine/stamp "$ST"
FAULT_STALL_OPEN=.lock:1 FAULT_STALLED=$WORK/stalled FAULT_RELEASE=$WORK/release \
	LD_PRELOAD=$SHIM "$KI" old.txt >old.out 2>old.err &
pid=$!
while [ ! -e stalled ] && kill -0 $pid 2>/dev/null; do sleep 0.02; done
where="old key stopped between its pre-check and the lock"
check "$where: it got there" [ -e stalled ]
expect_exit 0 "$where: the newer key imported meanwhile" "$KI" new.txt
newer=$(snapshot "$ST" | grep -v '/\.lock')
touch release; wait $pid; rc=$?
check "$where: refused, exit $rc: $(cat old.err)" [ $rc -eq 4 ]
check "$where: refused for its serial under the lock: $(cat old.err)" \
	grep -qx "key-import: old.txt: key serial 1 is not newer than 2, already imported for east (rolled back)" old.err
check "$where: the state is the newer key's, unchanged" [ "$(snapshot "$ST" | grep -v '/\.lock')" = "$newer" ]
printf "torn: %d stops before the lock, %d under it or past the last read\n" "$unlocked" "$((12 - unlocked))"
finish torn
