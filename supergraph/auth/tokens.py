"""Access-token verification: EdDSA only, a known `kid`, issuer, audience and times checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from supergraph.auth.jwks import JwksKeys

ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")


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


class AccessTokenVerifier:
    """Verifies `Bearer` access tokens signed by the users service, as every subgraph does."""

    def __init__(self, keys: JwksKeys, *, issuer: str, audience: str, leeway: float = 5.0) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway

    async def verify(self, authorization: str | None) -> Caller:
        """The caller behind an `Authorization` value; raises `Unauthenticated`, `Refused`, or
        `KeysUnavailable` when the keys cannot be fetched."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("an access token is required: {\"authorization\": \"Bearer <token>\"}")
        claims = await self._claims(token.strip())
        if claims.get("typ") != "access":
            raise Refused("this token is not an access token")
        if not isinstance(claims.get("cid"), str) or not claims["cid"]:
            raise Refused("this token names no company")
        valid_until = float(claims["exp"]) + self.leeway
        issued_ms = claims.get("iat_ms")
        issued_at = issued_ms / 1000 if isinstance(issued_ms, int) else float(claims.get("iat") or 0)
        return Caller(f"Bearer {token.strip()}", str(claims["sub"]), claims["cid"], valid_until, issued_at,
                      {k: claims.get(k) for k in ("sub", "cid", "rid", "sid")})

    async def _claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("the access token is malformed") from None
        # the algorithm is ours to choose, never the token's (no `none`, no HS256 with a public key)
        if header.get("alg") != ALGORITHM:
            raise Unauthenticated("the access token uses an algorithm we do not accept")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("the access token names no signing key")
        key = await self.keys.get(kid)
        if key is None:
            raise Unauthenticated("the access token was signed by an unknown key")
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the access token has expired") from None
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"the access token is not valid: {error}") from None
