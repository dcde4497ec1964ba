#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make bench-sizes: where the bytes of a 16-host token (different real hosts, probed now
# from the captures by hosts.py) and of its activation key go (docs/performance.md, "Sizes").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
TESTDATA=${TESTDATA:-$here/../data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
/usr/bin/python3 "$here/hosts.py" "$BIN" "$TESTDATA/hwdata" "$work" 16
"$SIZES" "$work" 16
