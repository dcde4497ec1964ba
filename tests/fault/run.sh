#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault injection: every write, fsync, rename, link, open-for-writing ... of each
# writer fails in turn (ENOSPC and EIO alternately, through tests/fault/shim.c).
# After each: exit 0 with the new state, or exit 5 (one line) with exactly the old
# or exactly the new state; no temp file left behind. Then key-import is killed
# with SIGKILL at random moments, with the same check.
. "$(dirname "$0")/../e2e/lib.sh"
scratch
FAULTS=0

"$TG" init >/dev/null
"$TG" init --state-dir stamp2 >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node1.json" -o tok.txt >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node2.json" --state-dir stamp2 -o tok2.txt >/dev/null
"$RG" init >/dev/null
"$RG" register --token tok.txt --name east >/dev/null
for i in 1 2 3; do "$RG" activation-key --name east -o key$i.txt >/dev/null; done
"$RG" export-issuer-key -o issuer.pub >/dev/null
"$KI" trust add issuer.pub >/dev/null
"$KI" key1.txt >/dev/null
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout > other.pub
mkdir pristine && cp -a stamp ws pristine/

restore() { rm -rf stamp ws new-stamp new-ws out.txt && cp -a pristine/stamp pristine/ws .; }
shimmed() { LD_PRELOAD=$SHIM "$@"; }

# A state as text: each file (mode, content), times and random ids masked.
mask() { sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/U/g; s/[0-9]{10}/T/g; s/[A-Za-z0-9_-]{40,}/B/g'; }
files() {
	[ -d "$1" ] || { echo "$1 absent"; return; }
	find "$1" -type f ! -name .lock ! -name 'registrar.db*' ! -name '.*.tmp' | sort | while read -r f; do
		printf '== %s %s\n' "$f" "$(stat -c %a "$f")"; mask < "$f"; echo
	done
	[ -f "$1/registrar.db" ] && sqlite3 "$1/registrar.db" .dump | mask
}
temps() { find "$@" -name '.*.tmp' 2>/dev/null | head -1; }

explain() { printf '%s\n' "$1" > "$WORK/want"; printf '%s\n' "$2" | diff "$WORK/want" - | head -20; }

# faults NAME STATE_FN COMMAND...: inject a fault at every counted call of COMMAND.
faults() {
	name=$1; state=$2; shift 2
	restore; old=$($state)
	FAULT_COUNT=$WORK/count shimmed "$@" >/dev/null 2>"$WORK/err" || { bad "$name: fails without a fault: $(cat "$WORK/err")"; return; }
	new=$($state); n=$(cat "$WORK/count")
	check "$name: the run changes the state" [ "$old" != "$new" ]
	i=1
	while [ "$i" -le "$n" ]; do
		restore
		if [ $((i % 2)) -eq 0 ]; then err=EIO; else err=ENOSPC; fi
		FAULT_AT=$i FAULT_ERRNO=$err shimmed "$@" >/dev/null 2>"$WORK/err"
		rc=$?; now=$($state); FAULTS=$((FAULTS + 1))
		case $rc in
		0) if [ "$now" = "$new" ]; then ok; else
			bad "$name: fault $i/$n ($err): exit 0, but not the new state"
			explain "$new" "$now"
		   fi ;;
		5) check "$name: fault $i/$n ($err): one line" [ "$(wc -l < "$WORK/err")" -eq 1 ]
		   if [ "$now" = "$old" ] || [ "$now" = "$new" ]; then ok; else
			bad "$name: fault $i/$n ($err): torn state: $(cat "$WORK/err")"
			explain "$old" "$now"
		   fi ;;
		*) bad "$name: fault $i/$n ($err): exit $rc, want 0 or 5: $(cat "$WORK/err")" ;;
		esac
		check "$name: fault $i/$n: no temp file left" [ -z "$(temps stamp ws new-stamp new-ws)" ]
		i=$((i + 1))
	done
	printf 'fault: %s: %d faults\n' "$name" "$n"
}

# The stamp's state as key-import sees it: the resource is the commit point, and the
# marks (serials.json, trusted-time.json) count the resource too, so the effective
# marks are what is compared, not the files' bytes.
stamp_state() {
	[ -d "$ST" ] || { echo absent; return; }
	for f in "$ST"/trusted/* "$ST"/stamp.* "$ST"/cloud-id; do printf '%s %s\n' "$f" "$(sha256sum < "$f")"; done
	/usr/bin/python3 - "$ST" <<'PYEOF' | mask
import json, os, sys
d = sys.argv[1]
def load(name):
    p = os.path.join(d, name)
    return json.load(open(p)) if os.path.exists(p) else {}
res, marks, clock = load("activation.json"), load("serials.json"), load("trusted-time.json")
if res:
    reg = res["registration"]
    marks[reg] = max(marks.get(reg, 0), res["serial"])
    clock["latestIssuedAt"] = max(clock.get("latestIssuedAt", 0), res["issuedAt"])
print(json.dumps(res, sort_keys=True), json.dumps(marks, sort_keys=True), sorted(clock))
PYEOF
}
ws_state() { files "$WS"; }
faults "key-import" stamp_state "$KI" key2.txt
faults "key-import remove" stamp_state "$KI" remove
# key-import remove: activation.json's removal made durable (its directory synced) before the
# receipt can go out (-o): else a power cut after the workstation took the receipt could bring
# the activation back. So its last counted call is that fsync; failed, exit 5, the activation
# gone and its receipt kept (remove -o writes it again).
restore
FAULT_COUNT=$WORK/count shimmed "$KI" remove >/dev/null 2>&1
restore
FAULT_AT=$(cat "$WORK/count") FAULT_ERRNO=EIO shimmed "$KI" remove >/dev/null 2>"$WORK/err"
rc=$?
check "key-import remove: the last disk call failed: exit 5 ($rc)" [ $rc -eq 5 ]
check "key-import remove: the last disk call is the directory's fsync" \
	[ "$(cat "$WORK/err")" = "key-import: $ST/activation.json: cannot sync directory: Input/output error" ]
check "key-import remove: the activation gone once unlinked" [ ! -e "$ST/activation.json" ]
check "key-import remove: its receipt kept" [ -s "$ST/removal-receipt.txt" ]
faults "key-import trust add" stamp_state "$KI" trust add "$WORK/other.pub"
faults "registrar register" ws_state "$RG" register --token tok2.txt --name west
faults "registrar activation-key" ws_state "$RG" activation-key --name east -o out.txt

# An attacker wins the race for a temp file's name with a link to a precious file.
printf 'precious\n' > victim.txt
# (activation-key too: its serial is spent, the key is not written)
for cmd in "$KI key2.txt" "$KI trust add $WORK/other.pub" "$RG activation-key --name east -o out.txt"; do
	restore; before="$(stamp_state)$(ws_state)"
	# shellcheck disable=SC2086
	FAULT_PLANT_LINK=$WORK/victim.txt LD_PRELOAD=$SHIM $cmd >/dev/null 2>"$WORK/err"
	rc=$?
	check "a planted temp link: $cmd: exit 5 ($rc)" [ $rc -eq 5 ]
	check "a planted temp link: $cmd: the file exists" grep -q 'cannot create: File exists' "$WORK/err"
	check "a planted temp link: $cmd: the target untouched" [ "$(cat victim.txt)" = precious ]
	case $cmd in
	*activation-key*) check "a planted temp link: no key written" [ ! -e out.txt ] ;;
	*) check "a planted temp link: $cmd: nothing changed" [ "$(stamp_state)$(ws_state)" = "$before" ] ;;
	esac
	find stamp ws -name '.*.tmp' -type l -exec rm {} +
done

# First use: the identity and the data directory. Random keys differ between runs,
# so "new" is: complete and consistent; "old": nothing of it there (a failed init takes
# back the key it made, so that the next runs; a key left without a CloudId would be
# refused by the next init, never replaced: "torn"; a complete one is kept, the next
# init exit 5).
identity() {
	[ -f new-stamp/cloud-id ] || { [ -e new-stamp/stamp.key ] || [ -e new-stamp/stamp.pub ] &&
		echo torn || echo old; return; }
	[ "$(openssl pkey -in new-stamp/stamp.key -pubout 2>/dev/null)" = "$(cat new-stamp/stamp.pub)" ] &&
	echo new || echo torn
}
registrar_dir() {
	[ -f new-ws/registrar.db ] || { echo old; return; }
	[ "$(openssl pkey -in new-ws/issuer.key -pubout 2>/dev/null)" = "$(cat new-ws/issuer.pub)" ] &&
	[ "$(sqlite3 new-ws/registrar.db 'PRAGMA integrity_check; SELECT count(*) FROM audit')" = "ok
1" ] && echo new || echo torn
}
# faults_first NAME STATE_FN COMMAND...: as faults, and the next run must complete.
faults_first() {
	name=$1; state=$2; shift 2
	restore
	FAULT_COUNT=$WORK/count shimmed "$@" >/dev/null 2>&1
	n=$(cat "$WORK/count"); i=1
	while [ "$i" -le "$n" ]; do
		restore
		FAULT_AT=$i shimmed "$@" >/dev/null 2>"$WORK/err"
		rc=$?; now=$($state); FAULTS=$((FAULTS + 1))
		case "$rc:$now" in
		0:new|5:old|5:new) ok ;;
		*) bad "$name: fault $i/$n: exit $rc, state $now: $(cat "$WORK/err")" ;;
		esac
		"$@" >/dev/null 2>"$WORK/err"
		rc=$?; now=$($state)
		case "$rc:$now" in
		0:new|5:new) ok ;;
		*) bad "$name: after fault $i/$n the next run: exit $rc, state $now: $(cat "$WORK/err")" ;;
		esac
		i=$((i + 1))
	done
	printf 'fault: %s: %d faults\n' "$name" "$n"
}
faults_first "token-gen init" identity "$TG" init --state-dir new-stamp
faults_first "registrar init" registrar_dir "$RG" init --data-dir new-ws

# SIGKILL at random moments during key-import
# (the moments are spread over how long one import takes on this build)
restore; old=$(stamp_state)
t0=$(date +%s%N); "$KI" key2.txt >/dev/null; t1=$(date +%s%N)
new=$(stamp_state)
kills=0; olds=0; news=0; seed=1
while [ $kills -lt 40 ]; do
	restore
	"$KI" key2.txt >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s=$seed -v ns=$((t1 - t0)) 'BEGIN { srand(s); printf "%.5f", rand() * ns * 1.3 / 1e9 }')"
	kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
	now=$(stamp_state)
	if [ "$now" = "$old" ]; then olds=$((olds + 1)); ok
	elif [ "$now" = "$new" ]; then news=$((news + 1)); ok
	else bad "SIGKILL $kills: torn state"; fi
	"$KI" key2.txt >/dev/null 2>&1
	rc=$?
	check "after SIGKILL $kills the import completes or is already done (exit $rc)" [ $rc -eq 0 -o $rc -eq 4 ]
	check "after SIGKILL $kills and a retry: the new state" [ "$(stamp_state)" = "$new" ]
	kills=$((kills + 1)); seed=$((seed + 1))
done
printf 'fault: SIGKILL: %d kills (%d before the commit, %d after)\n' "$kills" "$olds" "$news"
printf 'fault: %d faults injected\n' "$FAULTS"
finish fault
