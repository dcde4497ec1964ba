#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every file in samples/ is what the programs make and verifies with them and with a
# peer (jwcrypto): host records as probed from the captures, the TEST-ONLY keys, the
# token, the issuer key, the activation key, the activation resource, the tenant list.
. "$(dirname "$0")/../e2e/lib.sh"
S=$(cd "$(dirname "$0")/../../samples" && pwd)
ROOTS=$TESTDATA/hwdata/roots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
cd "$WORK" || exit 1

for pair in "node1 uroot-Lenovo-ThinkPad-T480" "node2 jcreekmore-Dell-PowerEdge-anonymized" \
	    "node3 uroot-SuperMicro-X9DBL"; do
	set -- $pair
	"$BIN/token-gen" probe --root "$ROOTS/$2" --host "$1" -o "$1.json" 2>/dev/null
	check "samples/hosts/$1.json is what probe reads from $2" cmp -s "$1.json" "$S/hosts/$1.json"
done
for who in stamp issuer; do
	check "TEST-ONLY-$who.key says so" grep -q "^TEST ONLY" "$S/TEST-ONLY-$who.key"
	check "TEST-ONLY-$who.key is a key openssl reads" openssl pkey -in "$S/TEST-ONLY-$who.key" -noout
done
check "issuer.pub is the TEST-ONLY issuer key's" [ "$(openssl pkey -in "$S/TEST-ONLY-issuer.key" -pubout)" = "$(cat "$S/issuer.pub")" ]

expect_exit 0 "token-gen show verifies the sample token" "$BIN/token-gen" show "$S/RegistrationToken.txt" --json
printf '%s' "$OUT" > show.json
# token format 2: the hosts' names, models and inventory as the records hold them, their
# identities as keyed digests with the token's salt (placeholders left out), nothing in clear
check "the token carries the sample hosts: models in clear, identities as digests" /usr/bin/python3 -c "
import base64, hashlib, hmac, json
claims = json.load(open('show.json'))
claims = claims.get('claims', claims)
salt = base64.urlsafe_b64decode(claims['hostSalt'] + '==')
def digest(field, value):
    m = b'\\0'.join(x.encode() for x in ('airreg-host-v1', claims['cloudId'], field, value))
    return base64.urlsafe_b64encode(hmac.new(salt, m, hashlib.sha256).digest()[:8]).rstrip(b'=').decode()
recs = [json.load(open('$S/hosts/node%d.json' % n)) for n in (1, 2, 3)]
assert claims['version'] == 2 and len(claims['hosts']) == 3
for h, r in zip(claims['hosts'], recs):
    for f in ('name', 'manufacturer', 'product', 'biosVersion', 'cpuModel', 'cpuCores', 'memoryMiB'):
        assert h.get(f) == r.get(f), (f, h.get(f), r.get(f))
    assert h['uuid'] == digest('uuid', r['uuid'].lower()), h
    assert 'serial' not in h or h['serial'] == digest('serial', r['serial']), h
    assert r['uuid'] not in json.dumps(claims)"
check "jwcrypto verifies the token with the TEST-ONLY stamp key and the key with issuer.pub" /usr/bin/python3 -c "
from jwcrypto import jwk, jws
stamp = jwk.JWK.from_pem(open('$S/TEST-ONLY-stamp.key', 'rb').read())
issuer = jwk.JWK.from_pem(open('$S/issuer.pub', 'rb').read())
for name, key in (('RegistrationToken.txt', stamp), ('ActivationKey.txt', issuer)):
    s = jws.JWS(); s.deserialize(open('$S/' + name).read().strip()); s.verify(key)"

# the activation key, checked by key-import on a stamp made of the TEST-ONLY stamp key
mkdir -m 700 stamp
cp "$S/TEST-ONLY-stamp.key" stamp/stamp.key && chmod 600 stamp/stamp.key
openssl pkey -in stamp/stamp.key -pubout -out stamp/stamp.pub
/usr/bin/python3 -c "import json; print(json.load(open('$S/activation.json'))['cloudId'])" > stamp/cloud-id
"$BIN/key-import" --state-dir stamp trust add "$S/issuer.pub" >/dev/null
expect_exit 0 "key-import verifies the sample activation key" "$BIN/key-import" --state-dir stamp --dry-run "$S/ActivationKey.txt"
check "activation.json is the resource of that key" /usr/bin/python3 -c "
import base64, json, zlib
r = json.load(open('$S/activation.json'))
key = open('$S/ActivationKey.txt').read().strip()
p = key.split('.')[1]
c = json.loads(zlib.decompress(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)), -15))
assert r['activationKey'] == key and r['serial'] == c['serial'] and r['registration'] == c['sub']
assert r['tenants'] == c['tenants'] and r['hosts'] == c['hosts'] and r['expiresAt'] == c['exp']
assert r['hostMatch'] == c['hostMatch'] == 'most' and r['hostSalt'] == c['hostSalt']
assert r.get('licensed') == c.get('licensed')
t = json.load(open('$S/tenants.json'))['value']
assert [(x['name'].split('/')[-1], x['properties']['tenantId']) for x in t] == \
       [(x['subscriptionId'], x['tenantId']) for x in c['tenants']], 'tenant list'"
finish samples
