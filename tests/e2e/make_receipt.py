#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A removal receipt as key-import remove -o writes one (docs/formats.md "Removal receipt"),
signed here with a given stamp key: the registrar's tests make receipts without the stamp's
writer, and the same helper forges the ones it must refuse (another key, edited claims).
usage: make_receipt.py STAMP_KEY.pem CLAIMS_JSON [EDITED_CLAIMS_JSON]
Prints the compact JWS (no newline). $RECEIPT_KID, when set, is the header's kid instead
of the signing key's thumbprint (a forger naming the stamp's key). With EDITED_CLAIMS_JSON, the signature made over
CLAIMS_JSON is kept and the payload replaced by the edited claims (an edit after signing)."""
import base64, json, os, sys

from jwcrypto import jwk, jws


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


key = jwk.JWK.from_pem(open(sys.argv[1], "rb").read())
claims = json.dumps(json.loads(sys.argv[2]), separators=(",", ":"))
header = {"alg": "EdDSA", "typ": "airreg-removal-receipt",
          "kid": os.environ.get("RECEIPT_KID") or key.thumbprint()}
token = jws.JWS(claims.encode())
token.add_signature(key, None, json.dumps(header, separators=(",", ":")))
compact = token.serialize(compact=True)
if len(sys.argv) > 3:
    h, _, sig = compact.split(".")
    edited = json.dumps(json.loads(sys.argv[3]), separators=(",", ":"))
    compact = "%s.%s.%s" % (h, b64(edited.encode()), sig)
sys.stdout.write(compact)
