#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Outputs that are not regular files (issue 14, class 13). Every writer run as root:
# a character device (a node of /dev/null made here) or a FIFO named by -o or --qr is
# written to, never replaced by a regular file; a directory, a socket or a block
# device is refused (exit 5) before anything changes; a file of our own state or data
# directory that is a device or a FIFO is refused, not replaced nor waited on.
. "$(dirname "$0")/lib.sh"
world
ROOTS=$TESTDATA/hwdata/roots
T480=$ROOTS/uroot-Lenovo-ThinkPad-T480
mknod "$WORK/null" c 1 3
mknod "$WORK/loop" b 7 255 # a block device node nothing is attached to
mkdir "$WORK/adir"
/usr/bin/python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('$WORK/sock')"
refusal() { # the line for an output of kind $1
	case $1 in adir) kind="a directory" ;; sock) kind="a socket" ;; *) kind="a block device" ;; esac
	echo "$1: is $kind; an output must be a regular file, a character device or a FIFO"
}

still_null() { check "$1: null is still the character device 1,3" \
	[ -c null ] && [ "$(stat -c '%t,%T' null)" = "1,3" ]; }
# fifo_reader: a FIFO with a reader copying it to fifo.got; fifo_done waits for it (5 s at
# most: a reader never fed, because the FIFO was replaced, is killed).
fifo_reader() { rm -f fifo fifo.got; mkfifo fifo; cat fifo >fifo.got & READER=$!; }
fifo_done() {
	i=0
	while kill -0 "$READER" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill "$READER" 2>/dev/null; wait "$READER" 2>/dev/null
	check "$1: fifo is still a FIFO" [ -p fifo ]
}
# the SHA-256 the writer printed is that of what the reader got
same_sha() { check "$1: the reader got what was written" \
	grep -q "^$(sha256sum <fifo.got | cut -d' ' -f1)  " "$WORK/out"; }

# token-gen probe
expect_exit 0 "probe to a regular file" "$TG" probe --root "$T480" --host node1 -o probe.json
expect_exit 0 "probe -o null" "$TG" probe --root "$T480" --host node1 -o null
still_null "probe -o null"
fifo_reader
expect_exit 0 "probe -o fifo" "$TG" probe --root "$T480" --host node1 -o fifo
fifo_done "probe -o fifo"
check "probe -o fifo: the record went through" cmp -s fifo.got probe.json
for k in adir sock loop; do
	attack 5 "$(refusal $k)" "$TG" probe --root "$T480" --host node1 -o $k
done

# token-gen create, -o and --qr
create() { "$TG" create --billing-model Development --host "$HOSTS/node1.json" "$@"; }
expect_exit 0 "create -o null" create -o null
still_null "create -o null"
expect_exit 0 "create --qr null" create --qr null
still_null "create --qr null"
fifo_reader
expect_exit 0 "create -o fifo" create -o fifo
fifo_done "create -o fifo"
same_sha "create -o fifo"
expect_exit 0 "create -o fifo: the token is whole" "$TG" show fifo.got
fifo_reader
expect_exit 0 "create --qr fifo" create --qr fifo
fifo_done "create --qr fifo"
check "create --qr fifo: a PNG went through" [ "$(head -c 4 fifo.got | od -An -c | tr -d ' ')" = '211PNG' ]
for k in adir sock loop; do
	attack 5 "$(refusal $k)" create -o $k
	attack 5 "$(refusal $k)" create -o t.txt --qr $k
done
check "no token written beside" [ ! -e t.txt ]
# in a directory without an identity too: the output is refused first, nothing made there
attack 5 "$(refusal adir)" create --state-dir "$WORK/fresh" -o adir
check "create -o adir, no identity: nothing made" [ ! -e "$WORK/fresh" ]

# registrar activation-key, -o and --qr: refused before its serial is committed
expect_exit 0 "activation-key -o null" "$RG" activation-key --name east -o null
still_null "activation-key -o null"
expect_exit 0 "activation-key --qr null" "$RG" activation-key --name east --qr null
still_null "activation-key --qr null"
fifo_reader
expect_exit 0 "activation-key -o fifo" "$RG" activation-key --name east -o fifo
fifo_done "activation-key -o fifo"
same_sha "activation-key -o fifo"
for k in adir sock loop; do
	attack 5 "$(refusal $k)" "$RG" activation-key --name east -o $k
	attack 5 "$(refusal $k)" "$RG" activation-key --name east -o k.txt --qr $k
done
check "no key written beside" [ ! -e k.txt ]

# registrar export-issuer-key: a device or a FIFO holds no file to keep, --force or not
expect_exit 0 "export-issuer-key -o null" "$RG" export-issuer-key -o null
still_null "export-issuer-key -o null"
expect_exit 0 "export-issuer-key -o null --force" "$RG" export-issuer-key -o null --force
still_null "export-issuer-key -o null --force"
fifo_reader
expect_exit 0 "export-issuer-key -o fifo" "$RG" export-issuer-key -o fifo
fifo_done "export-issuer-key -o fifo"
check "export-issuer-key -o fifo: the public key went through" cmp -s fifo.got issuer.pub
for k in adir sock loop; do
	attack 5 "$(refusal $k)" "$RG" export-issuer-key -o $k --force
done
check "the refused outputs are as they were" [ -d adir ] && [ -S sock ] && [ -b loop ] &&
	[ -z "$(ls -A adir)" ]

# our own files: a device or a FIFO there is refused, not replaced nor waited on
mv "$WS/api.secret" "$WORK/api.secret.real"
mknod "$WS/api.secret" c 1 3
attack 5 "api.secret: not a regular file" "$RG" api-key rotate
check "api.secret: the node stays" [ -c "$WS/api.secret" ]
rm "$WS/api.secret"; mkfifo "$WS/api.secret"
attack 5 "api.secret: not a regular file" timeout 10 "$RG" api-key rotate
rm "$WS/api.secret"; mv "$WORK/api.secret.real" "$WS/api.secret"
expect_exit 0 "import key1" "$KI" key1.txt
for f in activation.json serials.json trusted-time.json; do
	mv "$ST/$f" "$WORK/$f.real"
	mkfifo "$ST/$f"
	attack 5 "$f: not a regular file" timeout 10 "$KI" key2.txt
	check "$f: the FIFO stays" [ -p "$ST/$f" ]
	rm "$ST/$f"; mv "$WORK/$f.real" "$ST/$f"
done
mv "$ST/stamp.key" "$WORK/stamp.key.real"
mkfifo "$ST/stamp.key"
attack 5 "stamp.key: is a FIFO, not a regular file" timeout 10 "$TG" create --billing-model Development \
	--host "$HOSTS/node1.json" -o t.txt
rm "$ST/stamp.key"; mv "$WORK/stamp.key.real" "$ST/stamp.key"
done_attacks outputs
