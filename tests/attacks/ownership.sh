#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Ownership, not only mode (issue 14, class 6): a state or data directory, or a secret
# file (stamp.key, issuer.key, api.secret, a TLS key), owned by another user (here
# nobody, 65534) is theirs to change whatever its mode says: refused (exit 5) with a
# line that names the owner and the chown to run. What the running user owns passes.
. "$(dirname "$0")/lib.sh"
world
me=$(id -u)
if [ "$me" -ne 0 ]; then
	echo "ownership: not root, cannot give files away: skipped"
	finish ownership
	exit
fi
owned() { echo "directory is owned by uid 65534, not by uid $me who runs this; run chown $me on it"; }
key_owned() { echo "private key is owned by uid 65534, not by uid $me who runs this; run chown $me on it"; }
expect_exit 0 "import key1" "$KI" key1.txt

# the stamp's state directory, mode 0755 (writable by its owner only)
chmod 755 "$ST"
chown 65534:65534 "$ST"
attack 5 "$ST: $(owned)" "$KI" key2.txt
attack 5 "$ST: $(owned)" "$KI" --dry-run key2.txt
attack 5 "$ST: $(owned)" "$KI" status
attack 5 "$ST: $(owned)" "$KI" remove
attack 5 "$ST: $(owned)" "$KI" trust add issuer.pub
attack 5 "$ST: $(owned)" "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt
check "no token written" [ ! -e t.txt ]
chown "$me" "$ST"
chmod 700 "$ST"
# its trust store
chown 65534:65534 "$ST/trusted"
attack 5 "$ST/trusted: $(owned)" "$KI" trust add issuer.pub
attack 5 "$ST/trusted: $(owned)" "$KI" key2.txt
attack 5 "$ST/trusted: $(owned)" "$KI" --dry-run key2.txt
chown "$me" "$ST/trusted"
chmod 777 "$ST/trusted"
attack 5 "$ST/trusted: directory is writable by group or others (mode 0777)" "$KI" key2.txt
chmod 700 "$ST/trusted"

# the workstation's data directory
chmod 755 "$WS"
chown 65534:65534 "$WS"
attack 5 "$WS: $(owned)" "$RG" init --force
attack 5 "$WS: $(owned)" "$RG" register --token tokB.txt --name north
attack 5 "$WS: $(owned)" "$RG" activation-key --name east -o k.txt
attack 5 "$WS: $(owned)" "$RG" list
attack 5 "$WS: $(owned)" "$RG" export-issuer-key -o pub.pem
attack 5 "$WS: $(owned)" "$RG" api-key rotate
chown "$me" "$WS"
chmod 770 "$WS"
attack 5 "$WS: directory is writable by group or others (mode 0770)" "$RG" export-issuer-key -o pub.pem
chown 65534:65534 "$WS"
chmod 755 "$WS"
attack 5 "$WS: $(owned)" timeout 10 "$RG" serve --listen 127.0.0.1:0
check "no key written" [ ! -e k.txt ] && [ ! -e pub.pem ]
chown "$me" "$WS"
chmod 700 "$WS"

# secret files, mode 0600 but another user's
chown 65534:65534 "$ST/stamp.key"
attack 5 "stamp.key: $(key_owned)" "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt
chown "$me" "$ST/stamp.key"
chown 65534:65534 "$WS/issuer.key"
attack 5 "issuer.key: $(key_owned)" "$RG" activation-key --name east -o k.txt
chown "$me" "$WS/issuer.key"
chown 65534:65534 "$WS/api.secret"
attack 5 "api.secret: $(key_owned)" timeout 10 "$RG" serve --listen 127.0.0.1:0
chown "$me" "$WS/api.secret"
check "no token or key written" [ ! -e t.txt ] && [ ! -e k.txt ]
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.crt \
	-subj /CN=localhost -days 2 >/dev/null 2>&1
chmod 600 tls.key
chown 65534:65534 tls.key
attack 5 "tls.key: $(key_owned)" timeout 10 "$RG" serve --tls-cert tls.crt --tls-key tls.key

# what the running user owns still passes, whoever that is: nobody's own stamp
mkdir nobody && chown 65534:65534 nobody && chmod 711 "$WORK"
expect_exit 0 "nobody makes its own stamp" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$TG" init --state-dir "$WORK/nobody/stamp"
expect_exit 0 "nobody signs with its own stamp" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$TG" create --billing-model Development --host "$HOSTS/node1.json" \
	--state-dir "$WORK/nobody/stamp" -o "$WORK/nobody/t.txt"
expect_exit 0 "nobody uses its own stamp again" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$TG" create --billing-model Development --host "$HOSTS/node1.json" \
	--state-dir "$WORK/nobody/stamp" -o "$WORK/nobody/t.txt"
attack 5 "nobody/stamp: $(owned)" "$TG" create --billing-model Development \
	--host "$HOSTS/node1.json" --state-dir "$WORK/nobody/stamp" -o t.txt
chmod 700 "$WORK"
done_attacks ownership
