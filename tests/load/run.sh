#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Load: 32 key-imports of different serials at once (the highest wins, the mark
# matches), and 8 registrar processes registering 100 tokens each at once (800
# registrations, an intact database). LOAD_EACH=N: N tokens each instead of 100 (make
# sanitize: 25; the contention is the same, the sanitized process starts are fewer).
. "$(dirname "$0")/../e2e/lib.sh"
scratch
each=${LOAD_EACH:-100}

"$TG" init >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node1.json" --host "$HOSTS/node2.json" -o tok.txt >/dev/null
"$RG" init >/dev/null
"$RG" register --token tok.txt --name east >/dev/null
"$RG" export-issuer-key -o issuer.pub >/dev/null
"$KI" trust add issuer.pub >/dev/null
# keys 17..32 a second later than 1..16: an import must refuse an older key for its
# serial, not for its issue time read beside an older mark
i=1
while [ $i -le 32 ]; do
	[ $i -eq 17 ] && sleep 1
	"$RG" activation-key --name east -o key$i.txt >/dev/null
	i=$((i + 1))
done

# highest serial first, then the rest in a scrambled order, all at once
for i in 32 $(seq 1 31 | awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort | cut -f2); do
	"$KI" key$i.txt >out$i.txt 2>err$i.txt &
done
wait
wins=$(cat out*.txt | grep -c '^key-import: imported')
check "32 imports at once: at least the highest won ($wins imported)" [ "$wins" -ge 1 ]
odd=$(cat err*.txt | grep -v "(rolled back)$" | head -2)
check "every refusal says: rolled back${odd:+: $odd}" [ -z "$odd" ]
check "32 imports at once: the resource holds serial 32" /usr/bin/python3 -c "
import json
r = json.load(open('$ST/activation.json')); m = json.load(open('$ST/serials.json'))
assert r['serial'] == 32 and m['east'] == 32, (r['serial'], m)"

# 8 x $each tokens from as many stamps: token-gen's token re-signed by a peer (jwcrypto) with
# a key and a CloudId of each stamp's own
mkdir tokens
/usr/bin/python3 - "$((8 * each))" <<'PYEOF'
import base64, json, sys, uuid, zlib
from jwcrypto import jwk, jws
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
parts = open("tok.txt").read().split(".")
header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
claims = json.loads(zlib.decompress(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)), -15))
for n in range(int(sys.argv[1])):
    key = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    c = dict(claims, cloudId=str(uuid.uuid4()), nonce=b64(n.to_bytes(16, "big")))
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    s = jws.JWS(z.compress(json.dumps(c, separators=(",", ":")).encode()) + z.flush())
    s.add_signature(key, None, json.dumps(dict(header, jwk=json.loads(key.export_public())),
                                          separators=(",", ":")))
    open("tokens/t%d.txt" % n, "w").write(s.serialize(compact=True))
PYEOF
p=0
while [ $p -lt 8 ]; do
	(n=0; while [ $n -lt "$each" ]; do
		t=$((p * each + n))
		"$RG" register --token tokens/t$t.txt --name "stamp-$t" >/dev/null 2>>reg-err$p.txt || echo "t$t" >> reg-failed.txt
		n=$((n + 1))
	done) &
	p=$((p + 1))
done
wait
check "8 x $each registrations at once: none failed $(cat reg-err*.txt 2>/dev/null | head -3)" [ ! -s reg-failed.txt ]
check "$((8 * each)) + 1 registrations" [ "$(sqlite3 ws/registrar.db 'SELECT count(*) FROM registrations')" = $((8 * each + 1)) ]
check "the database is intact" [ "$(sqlite3 ws/registrar.db 'PRAGMA integrity_check')" = ok ]
check "one audit row per registration" [ "$(sqlite3 ws/registrar.db "SELECT count(*) FROM audit WHERE action = 'register'")" = $((8 * each + 1)) ]
expect_exit 0 "list --json" "$RG" list --json
check "list shows $((8 * each + 1))" [ "$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d if isinstance(d, list) else d["value"]))')" = $((8 * each + 1)) ]
finish load
