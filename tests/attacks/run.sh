#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The attack suite (see docs/security.md): one script per family of attacks.
set -u
dir=$(dirname "$0")
rc=0
for t in rollback clock mixmatch wrongkeys endless malformed filesystem accepted secrets binding limits rotation \
	names flags outputs ownership perms trusted_time captures escapes wrongfile identity hardware hwimport \
	revocation; do
	sh "$dir/$t.sh" || rc=1
done
exit $rc
