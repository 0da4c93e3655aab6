"""Opaque secrets handed to people (refresh tokens, reset links, access codes); only hashes are kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

ACCESS_CODE_LENGTH = 8
_CODE_ALPHABET = string.ascii_letters + string.digits


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    # The secrets are 256-bit random, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(secret: str, expected_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), expected_digest)


def new_access_code() -> str:
    """8 characters with at least one upper-case letter, one lower-case letter and one digit."""
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))
        if any(c.isupper() for c in code) and any(c.islower() for c in code) and any(c.isdigit() for c in code):
            return code


def is_access_code(value: str) -> bool:
    return len(value) == ACCESS_CODE_LENGTH and all(c in _CODE_ALPHABET for c in value)
