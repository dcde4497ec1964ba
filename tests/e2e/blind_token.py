#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A registration token some of whose hosts carry no UUID digest, as a token-gen before
issue 16's record checks made from a hand-written record with a placeholder UUID (it left
the digest out); token-gen create refuses such a record now, so the tests that need a host
no key can find (the registrar's refusal of a policy the stamp could never meet) make the
token from genuine records and strip the digest, signed again by the stamp's own key.
usage: blind_token.py TOKEN STAMP_KEY OUT NAME..."""
import base64
import json
import sys
import zlib

from jwcrypto import jwk


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(seg):
    return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))


token, key_file, out, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
head, payload, _ = open(token).read().strip().split(".")
claims = json.loads(zlib.decompress(unb64(payload), -15))
for host in claims["hosts"]:
    if host["name"] in names:
        del host["uuid"]
        names.remove(host["name"])
assert not names, "no such hosts: %s" % names
c = zlib.compressobj(9, zlib.DEFLATED, -15)
body = b64(c.compress(json.dumps(claims, separators=(",", ":")).encode()) + c.flush())
stamp = jwk.JWK.from_pem(open(key_file, "rb").read())
sig = stamp.get_op_key("sign").sign((head + "." + body).encode())
open(out, "w").write(head + "." + body + "." + b64(sig) + "\n")
