#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# libairreg's threads under ThreadSanitizer (issue 21, `make tsan`): tests/lib/threads.c, with
# the library built -fsanitize=thread, checks every stamp of states.sh from 16 threads at once
# (shared stamps and stamps of their own) and holds every answer to the one it had before the
# threads started. A case is read at its frozen clock, so the process runs once per clock
# (faketime freezes the whole process; TSan's runtime does not mind it). Any report fails:
# halt_on_error stops the process (exit 66), and the reports, written to files, are counted.
# THREADS (the program, beside its build's lib/), BIN (the plain programs, which make the
# stamps twice as fast as TSan's) and TESTDATA are set; ROUNDS (default 3): each thread's.
. "$(dirname "$0")/../e2e/lib.sh"
LIB=$(cd "$(dirname "$0")" && pwd)
scratch
unset AIRREG_STATE_DIR AIRREG_DATA_DIR
ROUNDS=${ROUNDS:-3}
mkdir "$WORK/reports"
sh "$LIB/states.sh" "$WORK/states" || { bad "states.sh"; finish tsan-lib; exit 1; }
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 log_path=$WORK/reports/tsan"
export TSAN_OPTIONS

check "threads is built with ThreadSanitizer" sh -c "nm '$THREADS' | grep -q __tsan_init"
LOADED=$(ldd "$THREADS" | awk '$1 == "libairreg.so.1" { print $3 }')
BUILT=$(cd "$(dirname "$THREADS")/../lib" && pwd)/libairreg.so.1
check "and so is the libairreg it loads ($LOADED)" \
	sh -c "[ '$LOADED' = '$BUILT' ] && nm -D '$LOADED' | grep -q __tsan_func_entry"

cd "$WORK/states" || exit 1
for c in */; do printf '%s\t%s\n' "$(cat "$c/clock")" "${c%/}"; done | sort >"$WORK/byclock"
cut -f1 "$WORK/byclock" | uniq >"$WORK/clocks"
: >"$WORK/summary"
while IFS= read -r clock; do
	cases=$(awk -F'\t' -v k="$clock" '$1 == k { print $2 }' "$WORK/byclock")
	# shellcheck disable=SC2086 # one argument a case
	expect_exit 0 "16 threads at $clock over $(echo $cases)" \
		env TZ=UTC faketime -f "$clock" "$THREADS" 16 "$ROUNDS" $cases
	[ -s "$WORK/err" ] && bad "16 threads at $clock: $(head -40 "$WORK/err")"
	echo "$OUT" | tail -1
	echo "$OUT" | sed '$d' | while IFS= read -r l; do
		printf '%s\t%s\n' "$clock" "$l"
	done >>"$WORK/summary"
done <"$WORK/clocks"

# the answers held to are the right ones: what key-import status said, at the frozen clock
/usr/bin/python3 - "$WORK/summary" "$WORK/states" >"$WORK/cmp" <<'EOF'
import calendar, json, sys, time
summary, states = sys.argv[1:]
for line in open(summary):
    clock, rest = line.rstrip("\n").split("\t")
    case, code, judged, behind, status = rest.split(" ", 4)
    want = json.load(open(f"{states}/{case}/expect.json"))
    if want["status"] is None:
        ok = int(code) == want["exit"] and status == "-"
    else:
        at = calendar.timegm(time.strptime(clock, "%Y-%m-%d %H:%M:%S"))
        ok = (int(code) == 0 and status == want["status"]["status"]
              and int(judged) == at + int(behind))
    print(("ok" if ok else "FAIL") + f" {case}: {rest} (key-import: exit {want['exit']}, "
          f"{(want['status'] or {}).get('status')})")
EOF
n=$(wc -l <"$WORK/summary")
check "the answers of $n cases are key-import status's, at their clocks" \
	sh -c "[ $(ls -d */ | wc -l) -eq $(grep -c '^ok ' "$WORK/cmp") ] &&
		! grep -q FAIL '$WORK/cmp'"
grep FAIL "$WORK/cmp"

# a comparison that cannot fail proves nothing: held to the next case's answers, it fails
expect_exit 1 "threads, held to another case's answers" env THREADS_SELFTEST=1 TZ=UTC \
	faketime -f "$(cat registered/clock)" "$THREADS" 2 1 registered revoked
check "threads, held to another case's answers: says so" grep -q "the answer differs" "$WORK/err"

n=$(find "$WORK/reports" -type f | wc -l)
for f in $(find "$WORK/reports" -type f | head -3); do
	echo "== $f"; head -60 "$f"
done
check "no ThreadSanitizer report ($n)" [ "$n" -eq 0 ]
cd / && finish tsan-lib
