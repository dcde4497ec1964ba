# SPDX-License-Identifier: Apache-2.0
"""The JWS pieces the attack suite forges with (forge.py, and the scripts' own forgers,
which run with PYTHONPATH=tests/attacks): base64url without padding, and JSON as the
programs write it."""
import base64
import json


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(seg):
    return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))


def compact(obj):
    return json.dumps(obj, separators=(",", ":"))
