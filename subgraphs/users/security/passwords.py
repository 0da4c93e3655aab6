"""argon2id password hashing (off the event loop) and the password policy."""

from __future__ import annotations

import asyncio
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from subgraphs.kernel.errors import BadUserInput

MIN_LENGTH = 10
MAX_LENGTH = 128
# The most common passwords that pass the length and class rules; refused outright.
COMMON = frozenset({
    "password123", "password1!", "qwerty12345", "welcome123", "administrator1", "letmein1234",
    "p@ssw0rd123", "passw0rd!!", "aurontek123", "changeme123", "iloveyou123", "1234567890a",
    "qwertyuiop1", "abc123456789", "admin123456", "welcome2026", "password2026",
})


def check_policy(password: str, *, email: str | None = None, field: str = "password") -> None:
    """Raise BAD_USER_INPUT naming what the password lacks."""
    if len(password) < MIN_LENGTH:
        raise BadUserInput(f"the password must have at least {MIN_LENGTH} characters", field=field)
    if len(password) > MAX_LENGTH:
        raise BadUserInput(f"the password must have at most {MAX_LENGTH} characters", field=field)
    classes = sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or c.isspace() for c in password),
    ))
    if classes < 3:
        raise BadUserInput(
            "the password needs three of: lower-case letters, upper-case letters, digits, symbols", field=field
        )
    if password.lower() in COMMON:
        raise BadUserInput("this password is too common", field=field)
    local = (email or "").split("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        raise BadUserInput("the password must not contain your e-mail name", field=field)


class Passwords:
    def __init__(self, *, memory_kib: int, time_cost: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check `password`; with no hash (unknown user) still spend the same time."""
        if password_hash is None:
            if self._dummy is None:
                self._dummy = await self.hash("unknown-user-placeholder-Aa1!")
            password_hash = self._dummy
            await asyncio.to_thread(self._verify, password_hash, password)
            return False
        return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
