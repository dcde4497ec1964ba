#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every end-to-end test against $BIN with the test data (tests/data) at $TESTDATA;
# `run.sh a` the first half, `run.sh b` the second (make check runs the halves side by side:
# about 85 and 70 s on 2 busy cores).
set -u
dir=$(dirname "$0")
half=${1:-}
rc=0
if [ "$half" != b ]; then
/usr/bin/python3 "$dir/probe_captures.py" || rc=1
sh "$dir/token_gen.sh" || rc=1
sh "$dir/registrar.sh" || rc=1
sh "$dir/database.sh" || rc=1
sh "$dir/pkcs11.sh" || rc=1
sh "$dir/expiring.sh" || rc=1
sh "$dir/deactivate.sh" || rc=1
sh "$dir/key_import.sh" || rc=1
sh "$dir/receipt.sh" || rc=1
sh "$dir/rotation.sh" || rc=1
sh "$dir/roundtrip.sh" || rc=1
sh "$dir/check.sh" || rc=1
fi
[ "$half" = a ] && exit $rc
sh "$dir/expiry.sh" || rc=1
sh "$dir/revocation.sh" || rc=1
sh "$dir/compromise.sh" || rc=1
sh "$dir/manpages.sh" || rc=1
sh "$dir/worked_decode.sh" || rc=1
sh "$dir/runbook.sh" || rc=1
sh "$dir/qr.sh" || rc=1
bash "$dir/completion.sh" || rc=1
sh "$dir/../samples/verify.sh" || rc=1
/usr/bin/python3 "$dir/../docs/errors_table.py" "$dir/../.." || rc=1
/usr/bin/python3 "$dir/../mutants/stale.py" "$dir/../.." || rc=1
/usr/bin/python3 "$dir/../docs/paths.py" "$dir/../.." || rc=1
/usr/bin/python3 "$dir/../docs/commands.py" "$dir/../.." || rc=1
sh "$dir/../docs/spec_help.sh" || rc=1
sh "$dir/../docs/licence.sh" || rc=1
/usr/bin/python3 "$dir/../docs/data_licences.py" "$dir/../.." || rc=1
exit $rc
