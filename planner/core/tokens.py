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


def derived_secret(purpose: str, nonce: str, secret_key: str | bytes, prefix: str = "") -> str:
    """A link secret that staff can show again without storing it: 256 bits derived from a random nonce
    kept on the link's row and the application's secret key (per purpose, so that one kind of link never
    opens another). Only its ``token_hash`` is stored; a database dump alone gives no working link."""
    import base64

    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else bytes(secret_key)
    purpose_key = hmac.new(key, purpose.encode("ascii"), hashlib.sha256).digest()
    digest = hmac.new(purpose_key, nonce.encode("ascii"), hashlib.sha256).digest()
    return prefix + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
