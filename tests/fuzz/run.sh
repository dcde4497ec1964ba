#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs each fuzz target for FUZZ_SECONDS over its seeds (made fresh) and the
# regression inputs kept under tests/fuzz/regressions/TARGET, two targets at a time; prints
# executions per target (FUZZ_ONLY="smbios host" runs some). A crash fails the run and leaves the
# input under build/fuzz/crashes/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-5}
rc=0
rm -rf "$FUZZ_DIR/seeds" "$FUZZ_DIR/crashes"
mkdir -p "$FUZZ_DIR/crashes"
sh "$here/seeds.sh" "$FUZZ_DIR/seeds" || exit 1
# one target: its regressions, then FUZZ_SECONDS of fuzzing; "FAILED" in $FUZZ_DIR/$t.rc
fuzz_one() {
	t=$1
	corpus=$FUZZ_DIR/corpus/$t
	# a target's temporary files (fuzz_status's state directory) in a directory of its own:
	# left there they fail the run; after a crash they are removed with it
	tmp=$FUZZ_DIR/tmp/$t
	mkdir -p "$corpus" "$tmp"
	: >"$FUZZ_DIR/$t.out"
	# the regressions first, one by one: each must pass
	for r in "$here"/regressions/$t/*; do
		[ -f "$r" ] || continue
		TMPDIR=$tmp "$FUZZ_DIR/fuzz_$t" "$r" >/dev/null 2>&1 ||
			{ echo "fuzz: $t: regression $r fails" >>"$FUZZ_DIR/$t.out"; echo FAILED >"$FUZZ_DIR/$t.rc"; }
	done
	TMPDIR=$tmp "$FUZZ_DIR/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/crashes/$t-" \
		"$corpus" "$FUZZ_DIR/seeds/$t" >"$FUZZ_DIR/$t.log" 2>&1 || {
		{ echo "fuzz: $t: FAILED, see $FUZZ_DIR/$t.log and $FUZZ_DIR/crashes/"
		  tail -30 "$FUZZ_DIR/$t.log"; } >>"$FUZZ_DIR/$t.out"
		echo FAILED >"$FUZZ_DIR/$t.rc"
	}
	if [ ! -f "$FUZZ_DIR/$t.rc" ] && [ -n "$(ls -A "$tmp")" ]; then
		echo "fuzz: $t: left $(ls -A "$tmp" | wc -l) temporary file(s) behind" >>"$FUZZ_DIR/$t.out"
		echo FAILED >"$FUZZ_DIR/$t.rc"
	fi
	rm -rf "$tmp"
}
targets=${FUZZ_ONLY:-jws token activation receipt smbios cpuinfo host api rotation revocation status}
# two lanes, one target at a time each (the machine's two cores; a target is one process)
for t in $targets; do rm -f "$FUZZ_DIR/$t.rc"; done
for l in 0 1; do
	(
		i=0
		for t in $targets; do
			[ $((i % 2)) -eq "$l" ] && fuzz_one "$t"
			i=$((i + 1))
		done
	) &
done
wait
printf '%-12s %12s %10s %8s\n' target executions exec/s corpus
for t in $targets; do
	cat "$FUZZ_DIR/$t.out"
	[ -f "$FUZZ_DIR/$t.rc" ] && rc=1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$FUZZ_DIR/$t.log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$FUZZ_DIR/$t.log")
	printf '%-12s %12s %10s %8s\n' "$t" "${execs:-?}" "${speed:-?}" "$(ls "$FUZZ_DIR/corpus/$t" | wc -l)"
done
exit $rc
