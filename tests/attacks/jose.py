# SPDX-License-Identifier: Apache-2.0
"""The JWS pieces the attack suite forges with (forge.py, and the scripts' own forgers,
which run with PYTHONPATH=tests/attacks): base64url without padding, and JSON as the
programs write it."""
import base64
import json
import zlib


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(seg):
    return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))


def compact(obj):
    return json.dumps(obj, separators=(",", ":"))


def deflate(raw):
    """Raw DEFLATE (zip DEF), as tokens and (since issue 16) activation keys carry."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(raw) + c.flush()


def key_claims(text):
    """The claims of an activation key's text (compressed since issue 16)."""
    return json.loads(zlib.decompress(unb64(text.strip().split(".")[1]), -15))
