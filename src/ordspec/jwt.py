"""What a JSON Web Token says about itself: its claims, read without checking its signature.

A low-level module (it imports nothing of ordspec): dispatch reads the token it sends (smallcase:
a guest token says {"guest": true}), and the paper broker reads the token it is sent.
"""

from __future__ import annotations

import base64
import json


def claims(token: str) -> dict | None:
    """The claims of a JWT (header.claims.signature, base64url), or None if the token is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        found = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    return found if isinstance(found, dict) else None
