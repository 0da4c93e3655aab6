"""Who is calling the gateway: the `Authorization` value's access token checked by the identity package's
verifier (the subgraphs use the same one), and what the gateway itself requires of it (a company)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from identity import AccessTokenVerifier, NotAnAccessToken, TokenRejected


class Unauthenticated(Exception):
    """No token, or one that is malformed, forged, expired or from someone else."""


class Refused(Exception):
    """A genuine token the gateway still does not accept (not an access token, no company)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """A verified caller: the credentials to forward, who they are, when the token expires."""

    authorization: str
    user_id: str
    company_id: str
    valid_until: float  # the token's `exp` plus the clock-skew leeway, in seconds since the epoch
    issued_at: float = 0.0  # `iat_ms` (or `iat`) in seconds: a security event after it makes the token stale
    claims: Mapping[str, Any] = field(default_factory=dict)  # user, company, role and session the token names


class CallerVerifier:
    """The caller behind a `Bearer` access token signed by the users service."""

    def __init__(self, tokens: AccessTokenVerifier) -> None:
        self.tokens = tokens

    async def verify(self, authorization: str | None) -> Caller:
        """Raises `Unauthenticated`, `Refused`, or `KeysUnavailable` when the keys cannot be fetched."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("an access token is required: {\"authorization\": \"Bearer <token>\"}")
        try:
            claims = await self.tokens.verify(token)
        except NotAnAccessToken as refused:
            raise Refused(str(refused)) from None
        except TokenRejected as rejected:
            raise Unauthenticated(str(rejected)) from None
        if not isinstance(claims.get("cid"), str) or not claims["cid"]:
            raise Refused("this token names no company")
        valid_until = float(claims["exp"]) + self.tokens.leeway
        issued_ms = claims.get("iat_ms")
        issued_at = issued_ms / 1000 if isinstance(issued_ms, int) else float(claims.get("iat") or 0)
        return Caller(f"Bearer {token}", str(claims["sub"]), claims["cid"], valid_until, issued_at,
                      {k: claims.get(k) for k in ("sub", "cid", "rid", "sid")})
