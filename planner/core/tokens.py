"""Secret tokens (API, feeds, delegate links, invitations): random, shown once, stored as a hash.

Tokens carry 256 bits of randomness, so a fast hash is enough to store them: there is nothing to
guess, and lookups by hash stay a single indexed query.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
