#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every verb that acts on a registration because of a file binds that file (issue 14,
# class 1): `unregister --token` takes only a token that the stamp key on record signed,
# issued within register's age rules and not older than the token registered. A token
# re-signed by a fresh key (it verifies against the jwk it carries), one of another stamp
# naming this CloudId, a stale, a future and a rolled-back one are refused, nothing changed.
. "$(dirname "$0")/lib.sh"
world
cloudA=$(cat "$ST/cloud-id")
cloudB=$(cat stampB/cloud-id)
PYTHONPATH=$HERE /usr/bin/python3 - "$cloudB" <<'PYEOF'
import json, sys, zlib
from jwcrypto import jwk
from jose import b64, compact, unb64

parts = open("tokA.txt").read().split(".")
HEADER = json.loads(unb64(parts[0]))
CLAIMS = json.loads(zlib.decompress(unb64(parts[1]), -15))
STAMP = jwk.JWK.from_pem(open("stamp/stamp.key", "rb").read())
FRESH = jwk.JWK.generate(kty="OKP", crv="Ed25519")

def token(name, key=STAMP, **changes):
    c = dict(CLAIMS, **changes)
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = b64(z.compress(compact(c).encode()) + z.flush())
    h = b64(compact(dict(HEADER, jwk=json.loads(key.export_public()))).encode())
    sig = key.get_op_key("sign").sign((h + "." + payload).encode())
    open(name, "w").write(h + "." + payload + "." + b64(sig))

issued = CLAIMS["issuedAt"]
open("issued-at", "w").write(str(issued))
token("fresh-key.txt", key=FRESH)                         # east's CloudId, a fresh key
token("fresh-key-new.txt", key=FRESH, issuedAt=issued + 5)
token("a-names-b.txt", cloudId=sys.argv[1])              # stamp A's key, B's CloudId
token("stale.txt", issuedAt=issued - 31 * 86400)
token("future.txt", issuedAt=issued + 3600)
token("older.txt", issuedAt=issued - 60)                  # genuine, before the registered one
PYEOF
attack 4 "fresh-key.txt: CloudId $cloudA was registered by a different stamp key (refused)" \
	"$RG" unregister --token fresh-key.txt
attack 4 "fresh-key-new.txt: CloudId $cloudA was registered by a different stamp key (refused)" \
	"$RG" unregister --token fresh-key-new.txt
attack 4 "a-names-b.txt: CloudId $cloudB was registered by a different stamp key (refused)" \
	"$RG" unregister --token a-names-b.txt
# when, and how far from this clock, in dates and days or hours (issue 15, part 4)
ISSUED=$(cat issued-at)
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
attack 4 "stale.txt: token is older than 30 days (issued $(iso $((ISSUED - 31 * 86400))), 31 days ago); create a new one on the stamp" \
	"$RG" unregister --token stale.txt
attack 4 "future.txt: token issued $(iso $((ISSUED + 3600))), " "$RG" unregister --token future.txt
one_line_error "future token: both clocks named" "from now: the stamp's clock is "
one_line_error "future token: both clocks named" " ahead of this workstation's, or this one is behind; set the wrong one right (a new token if it was the stamp's)"
attack 4 "older.txt: token is older than the one registered as east (rolled back)" \
	"$RG" unregister --token older.txt
# from standard input the same
attack 4 "CloudId $cloudA was registered by a different stamp key (refused)" \
	sh -c '"$1" unregister --token - <fresh-key.txt' _ "$RG"
# the same refusals where the same token would register or renew (bound already)
attack 4 "fresh-key-new.txt: CloudId $cloudA was registered by a different stamp key (refused)" \
	"$RG" register --token fresh-key-new.txt --name east
attack 4 "a-names-b.txt: CloudId $cloudB was registered by a different stamp key (refused)" \
	"$RG" register --token a-names-b.txt --name west
# the genuine token, as registered, still ends the registration
expect_exit 0 "unregister by the registered token" "$RG" unregister --token tokA.txt
check "east is Unregistered" [ "$(sqlite3 "$WS/registrar.db" \
	"SELECT status FROM registrations WHERE name = 'east'")" = Unregistered ]
check "west still Registered" [ "$(sqlite3 "$WS/registrar.db" \
	"SELECT status FROM registrations WHERE name = 'west'")" = Registered ]
done_attacks binding
