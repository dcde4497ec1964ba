#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# File-system tricks: state files and key files replaced by symbolic links to a file
# the tools must not touch, outputs that are links, directories open to others.
. "$(dirname "$0")/lib.sh"
world
printf 'precious\n' > victim.txt
victim=$(sha256sum < victim.txt)
untouched() { check "$1: the link's target is untouched" [ "$(sha256sum < victim.txt)" = "$victim" ]; }

expect_exit 0 "import" "$KI" key1.txt
for f in activation.json serials.json trusted-time.json; do
	mv "$ST/$f" "$WORK/$f.real"
	ln -s "$WORK/victim.txt" "$ST/$f"
	attack 5 "$ST/$f: is a symbolic link (refused)" "$KI" key2.txt
	untouched "$f"
	rm "$ST/$f"; mv "$WORK/$f.real" "$ST/$f"
done
mv "$ST/activation.json" "$WORK/activation.real"
ln -s "$WORK/victim.txt" "$ST/activation.json"
attack 5 "activation.json: is a symbolic link (refused)" "$KI" status
attack 5 "activation.json: is a symbolic link (refused)" "$KI" remove
untouched "status and remove"
rm "$ST/activation.json"; mkdir "$ST/activation.json"
attack 5 "activation.json: not a regular file" "$KI" key2.txt
rmdir "$ST/activation.json"; mv "$WORK/activation.real" "$ST/activation.json"

# private keys: a link (even to the genuine key), or readable by others
mv "$ST/stamp.key" "$WORK/stamp.key.real"
ln -s "$WORK/stamp.key.real" "$ST/stamp.key"
attack 5 "stamp.key: is a symbolic link, not a regular file: a stamp identity's files are its own (restore it from a backup)" "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt
rm "$ST/stamp.key"; mv "$WORK/stamp.key.real" "$ST/stamp.key"
chmod 640 "$ST/stamp.key"
attack 5 "stamp.key: private key is accessible by group or others (mode 0640)" "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt
chmod 600 "$ST/stamp.key"
check "no token written" [ ! -e t.txt ]
mv "$WS/issuer.key" "$WORK/issuer.key.real"
ln -s "$WORK/issuer.key.real" "$WS/issuer.key"
attack 5 "issuer.key: private key file is a symbolic link (refused)" "$RG" activation-key --name east -o k.txt
rm "$WS/issuer.key"; mv "$WORK/issuer.key.real" "$WS/issuer.key"
chmod 604 "$WS/issuer.key"
attack 5 "issuer.key: private key is accessible by group or others (mode 0604)" "$RG" activation-key --name east -o k.txt
chmod 600 "$WS/issuer.key"
check "no key written" [ ! -e k.txt ]

# directories others may write to
chmod 757 "$ST"
attack 5 "writable by group or others" "$KI" key2.txt
attack 5 "writable by group or others" "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt
chmod 700 "$ST"
chmod 770 "$WS"
attack 5 "writable by group or others" "$RG" register --token tokB.txt --name north
chmod 700 "$WS"

# an output that is a link: replaced by the new file, never written through
ln -s victim.txt out-link.txt
expect_exit 0 "activation key onto a link" "$RG" activation-key --name east -o out-link.txt
check "the link became the key file" [ ! -L out-link.txt ] && [ -f out-link.txt ]
untouched "-o onto a link"
ln -s victim.txt pub-link.txt
attack 5 "pub-link.txt: " "$RG" export-issuer-key -o pub-link.txt
untouched "export-issuer-key onto a link without --force"
done_attacks filesystem
