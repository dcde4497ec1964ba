#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Seeds of fuzz_status (libairreg's open and status path): each stamp of tests/lib/states.sh
# packed as fuzz_status.c reads its input, a line "@@ NAME" before each file the status path
# reads (the public half of the stamp identity too: the key held is for that stamp) and a
# newline after it (the target drops it: a file's bytes are kept exactly).
# Usage: seeds_status.sh OUT; BIN and TESTDATA are set.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
mkdir -p "$out"
sh "$here/../lib/states.sh" "$work/states"
for c in "$work"/states/*/; do
	s=$c/stamp
	[ -d "$s" ] || continue
	(
		cd "$s"
		for f in activation.json last-check.json trusted-time.json serials.json \
			hardware-policy.json cloud-id stamp.pub trusted/*; do
			[ -f "$f" ] || continue
			printf '@@ %s\n' "$f"
			cat "$f"
			echo
		done
	) >"$out/$(basename "$c")"
done
