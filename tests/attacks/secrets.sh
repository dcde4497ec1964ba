#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Secrets: a process holding a private key cannot be dumped or ptraced by others
# (PR_SET_DUMPABLE 0, read back through the test shim at exit); private key files are
# 0600, and a loose or linked one is refused (see filesystem.sh).
. "$(dirname "$0")/lib.sh"
world
dumpable() { # dumpable COMMAND...: prints PR_GET_DUMPABLE as the process ends
	FAULT_DUMPABLE=$WORK/dumpable LD_PRELOAD=$SHIM "$@" >/dev/null 2>&1
	cat "$WORK/dumpable"
}
check "token-gen create (the stamp key) is not dumpable" [ "$(dumpable "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt)" = 0 ]
check "registrar activation-key (the issuer key) is not dumpable" [ "$(dumpable "$RG" activation-key --name east -o k.txt)" = 0 ]
check "registrar init is not dumpable" [ "$(dumpable "$RG" init --data-dir "$WORK/ws2")" = 0 ]
check "the shim can tell: key-import holds no private key and stays dumpable" [ "$(dumpable "$KI" status)" = 1 ]
check "stamp.key is 0600" [ "$(stat -c %a "$ST/stamp.key")" = 600 ]
check "issuer.key is 0600" [ "$(stat -c %a "$WS/issuer.key")" = 600 ]
check "ws2/issuer.key is 0600 whatever the umask" sh -c "umask 000; '$RG' init --data-dir '$WORK/ws3' >/dev/null && [ \$(stat -c %a '$WORK/ws3/issuer.key') = 600 ]"
check "openssl reads the private keys" openssl pkey -in "$ST/stamp.key" -noout
chmod 644 "$ST/stamp.key"
attack 5 "stamp.key: private key is accessible by group or others (mode 0644); run chmod 600" "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t2.txt
chmod 600 "$ST/stamp.key"
done_attacks secrets
