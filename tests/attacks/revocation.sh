#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Revocation lists (issue 19, part 3): every list a stamp must refuse, each exit 4 with its
# reason and nothing changed (the stamp's directory and the database). The forgeries are
# signed with the genuine issuer key (ws/issuer.key) unless they say otherwise, so each one is
# refused for what it claims, not for its signature; a genuine list is held first (version 2),
# so a rollback, a drop and a lowering each have something to lift.
. "$(dirname "$0")/lib.sh"
world
expect_exit 0 "import key1" "$KI" key1.txt
"$RG" revoke --name west -o l1.txt >/dev/null || bad "revoke west"
"$RG" revoke --name east -o l2.txt >/dev/null || bad "revoke east"
expect_exit 0 "take version 2" "$KI" trust update l2.txt
KID=$(/usr/bin/python3 -c 'from jwcrypto import jwk; print(jwk.JWK.from_pem(open("issuer.pub","rb").read()).thumbprint())')

# rl NAME [python statements]: a list from l2's header and claims (h, c), edited by the
# statements, signed with key (the issuer's unless they set another); raw set: the text as is
rl() {
	name=$1; shift
	PYTHONPATH=$HERE /usr/bin/python3 - "$name" "$*" <<'PYEOF'
import json, sys
from jwcrypto import jwk
from jose import b64, unb64, compact
name, edits = sys.argv[1], sys.argv[2]
text = open("l2.txt").read().strip()
h = json.loads(unb64(text.split(".")[0]))
c = json.loads(unb64(text.split(".")[1]))
key = jwk.JWK.from_pem(open("ws/issuer.key", "rb").read())
other = jwk.JWK.generate(kty="OKP", crv="Ed25519")
raw = None
payload = None
exec(edits)
if raw is None:
    hs = b64((h if isinstance(h, str) else compact(h)).encode())
    ps = b64((payload if payload is not None else compact(c)).encode())
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization
    sk = serialization.load_pem_private_key(key.export_to_pem(private_key=True, password=None), None)
    raw = hs + "." + ps + "." + b64(sk.sign((hs + "." + ps).encode()))
open(name, "w").write(raw)
PYEOF
}

# the genuine list still verifies through this forger (else every case below proves nothing)
rl same.txt 'c["version"] = 3; c["issuedAt"] += 1'
expect_exit 0 "the forger's own genuine list (version 3) is taken" "$KI" trust update same.txt

# shape
rl x1.txt 'c["extra"] = 1; c["version"] = 4'
attack 4 "x1.txt: unknown field \"extra\" in revocation list claims" "$KI" trust update x1.txt
rl x2.txt 'h["zip"] = "DEF"'
attack 4 "revocation list header" "$KI" trust update x2.txt
rl x3.txt 'c["version"] = 0'
attack 4 "x3.txt: field \"version\"" "$KI" trust update x3.txt
rl x4.txt 'c["version"] = 4; c["activations"][0]["serialsUpTo"] = 0'
attack 4 "x4.txt: field \"serialsUpTo\"" "$KI" trust update x4.txt
rl x5.txt 'c["version"] = 4; c["activations"][0]["note"] = "x"'
attack 4 "x5.txt: unknown field \"note\" in revocation list entry" "$KI" trust update x5.txt
rl x6.txt 'c["version"] = 4; c["activations"].append(dict(c["activations"][0]))'
attack 4 "x6.txt: revocation list names registration" "$KI" trust update x6.txt
rl x7.txt 'c["version"] = 4; c["issuerKeys"] = ["not-a-kid"]'
attack 4 "x7.txt: revocation list \"issuerKeys[0]\" is not a key thumbprint" "$KI" trust update x7.txt
rl x8.txt 'c["version"] = 4; c["activations"][0]["registration"] = "ea\u202est"'
attack 4 "x8.txt: revocation list field \"activations[0].registration\" holds a bidirectional control character" "$KI" trust update x8.txt
rl x9.txt 'c["version"] = 4; payload = compact(c)[:-1] + ",\"version\":5}"'
attack 4 "x9.txt: " "$KI" trust update x9.txt
rl x10.txt 'h["typ"] = "airreg-activation-key"'
attack 4 "x10.txt: " "$KI" trust update x10.txt
rl x14.txt 'c["version"] = 4; h["typ"] = "airreg-issuer-rotation"'
attack 4 "x14.txt: not a revocation list (typ is \"airreg-issuer-rotation\")" "$KI" trust update x14.txt
rl x11.txt 'c["version"] = 4; c["activations"][0]["cloudId"] = c["activations"][0]["cloudId"].upper()'
attack 4 "x11.txt: \"cloudId\" is not a lowercase UUID" "$KI" trust update x11.txt
rl x12.txt 'h["kid"] = "abc"'
attack 4 "x12.txt: revocation list header \"kid\" is not a key thumbprint" "$KI" trust update x12.txt
rl x13.txt 'c["version"] = 4; c["activations"] = {}'
attack 4 "x13.txt: field \"activations\"" "$KI" trust update x13.txt

# signatures and keys
rl s1.txt 'c["version"] = 4; key = other'
attack 4 "s1.txt: " "$KI" trust update s1.txt
rl s2.txt 'c["version"] = 4; key = other; h["kid"] = other.thumbprint()'
attack 4 "is not trusted here (key-import trust add)" "$KI" trust update s2.txt
rl s3.txt 'c["version"] = 4; c["issuerKeys"].append(h["kid"])'
attack 4 "s3.txt: revocation list version 4 is signed by issuer key $KID, which it revokes" "$KI" trust update s3.txt
rl s4.txt 'raw = open("same.txt").read()[:-2] + ("A" if open("same.txt").read()[-2] != "A" else "B") + open("same.txt").read()[-1]'
attack 4 "s4.txt: " "$KI" trust update s4.txt
rl s5.txt 'h = {"alg": "none", "typ": "airreg-revocation-list", "kid": h["kid"]}'
attack 4 "s5.txt: " "$KI" trust update s5.txt

# rollback, drops, lowering (all signed by the trusted issuer key)
attack 4 "l2.txt: revocation list version 2 is older than version 3 held here (a rollback; nothing changed)" "$KI" trust update l2.txt
rl r1.txt 'c["version"] = 3; c["issuedAt"] += 7'
attack 4 "r1.txt: revocation list version 3 is not the version 3 held here (another list of the same version; nothing changed)" "$KI" trust update r1.txt
rl r2.txt 'c["version"] = 4; c["activations"] = c["activations"][1:]'
attack 4 "r2.txt: revocation list version 4 drops or lowers the revocation of" "$KI" trust update r2.txt
rl r3.txt 'c["version"] = 4; c["activations"] = [dict(a, cloudId="00000000-0000-4000-8000-000000000000") for a in c["activations"]]'
attack 4 "r3.txt: revocation list version 4 drops or lowers the revocation of" "$KI" trust update r3.txt
"$RG" activation-key --name east -o key2b.txt >/dev/null
"$RG" revoke --name east -o l3real.txt >/dev/null # east up to serial 4 on the workstation (version 3 there)
rl r4.txt 'c["version"] = 5; [a.update(serialsUpTo=0 + 1) for a in c["activations"]]'
# serialsUpTo 1 for both: east was 3 in the held list: lowered
attack 4 "r4.txt: revocation list version 5 drops or lowers the revocation of east (serials up to 3" "$KI" trust update r4.txt

# the revoked activation is refused at import, the same key again too
attack 4 "key1.txt: revoked: registration east's keys up to serial 3 are revoked (revocation list version 3); this is serial 1, nothing imported" "$KI" key1.txt
attack 4 "revoked: registration east's keys up to serial 3" "$KI" import key3.txt
# a list where a key goes, and a key where a list goes: named for what they are
attack 4 "l2.txt: this is a revocation list: key-import trust update l2.txt takes it" "$KI" import l2.txt
attack 4 "key1.txt: this is an activation key: key-import import key1.txt takes it" "$KI" trust update key1.txt
attack 4 "issuer.pub: this is an issuer public key: key-import trust add issuer.pub" "$KI" trust update issuer.pub
attack 4 "l2.txt: this is a revocation list: carry it to the stamp (key-import trust update l2.txt)" "$RG" register --token l2.txt --name x
# an endless list
attack 4 "file larger than" "$KI" trust update /dev/zero
# the held list damaged by hand is damaged state: every lookup refuses (exit 5)
cp "$ST/trusted/revocation-list.txt" held.keep
printf 'x' >>"$ST/trusted/revocation-list.txt"
attack 5 "revocation-list.txt: JWS signature is not canonical base64url (changed by hand or damaged" "$KI" status
attack 5 "revocation-list.txt: " "$KI" key1.txt
cp held.keep "$ST/trusted/revocation-list.txt"
done_attacks revocation
