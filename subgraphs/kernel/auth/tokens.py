"""Access-token verification: EdDSA only, `kid` required, issuer/audience/expiry checked."""

from __future__ import annotations

from typing import Any

import jwt

from subgraphs.kernel import clock
from subgraphs.kernel.auth.keys import KeySource
from subgraphs.kernel.errors import Unauthenticated

ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")


class TokenVerifier:
    def __init__(self, keys: KeySource, *, issuer: str, audience: str, leeway: float = 5.0) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway

    async def verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("the access token is malformed", reason="TOKEN_INVALID") from None
        # The algorithm is ours to choose, never the token's: `none`, HS256 with a public key
        # as secret and every other substitution end here.
        if header.get("alg") != ALGORITHM:
            raise Unauthenticated("the access token uses an algorithm we do not accept", reason="TOKEN_INVALID")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("the access token names no signing key", reason="TOKEN_INVALID")
        key = await self.keys.get(kid)
        if key is None:
            raise Unauthenticated("the access token was signed by an unknown key", reason="TOKEN_INVALID")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                # Time is checked below against the kernel clock (which tests may move).
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"the access token is not valid: {exc}", reason="TOKEN_INVALID") from None
        self._check_times(claims)
        if claims.get("typ") != "access":
            raise Unauthenticated("this token is not an access token", reason="TOKEN_INVALID")
        return claims

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = clock.now().timestamp()
        try:
            expires, not_before = float(claims["exp"]), float(claims.get("nbf", claims["iat"]))
        except (TypeError, ValueError):
            raise Unauthenticated("the access token has malformed times", reason="TOKEN_INVALID") from None
        if expires + self.leeway <= now:
            raise Unauthenticated("the access token has expired", reason="TOKEN_EXPIRED")
        if not_before - self.leeway > now:
            raise Unauthenticated("the access token is not valid yet", reason="TOKEN_INVALID")
