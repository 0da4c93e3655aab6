"""Access-token verification: EdDSA only, a known `kid`, issuer, audience and times checked, `typ` access."""

from __future__ import annotations

import copy
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import jwt

from identity.keys import KeySource

ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")
# Ours are ~400 bytes; a header stuffed with megabytes is refused before any parsing.
MAX_TOKEN_BYTES = 8 * 1024
# Tokens already verified, with their claims: a caller sends the same token with every request, and the gateway and
# each subgraph it asks verify it again. Only a signature that checked out is kept; the key is looked up and the
# times are checked on every use all the same.
VERIFIED_KEPT = 4096


class TokenRejected(Exception):
    """A token that is malformed, forged, expired or from someone else. `reason` is TOKEN_INVALID or TOKEN_EXPIRED
    (the client refreshes on an expired one)."""

    def __init__(self, message: str, reason: str = "TOKEN_INVALID") -> None:
        super().__init__(message)
        self.reason = reason


class NotAnAccessToken(TokenRejected):
    """A genuine token of another kind (a refresh token) presented as an access token."""


class AccessTokenVerifier:
    """Verifies access tokens signed by the users service. `now` is the clock (seconds since the epoch) the times
    are checked against; `leeway` seconds of skew are allowed on `exp`, `iat` and `nbf`."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        leeway: float = 5.0,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.now = now
        self._verified: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()  # token: (kid, claims)

    async def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; raises `TokenRejected` (or `NotAnAccessToken`), or `KeysUnavailable` when the key it
        names may exist but the key set cannot be fetched."""
        if len(token) > MAX_TOKEN_BYTES:
            raise TokenRejected("the access token is too large")
        kept = self._verified.get(token)
        if kept is not None:
            kid, claims = kept
            if await self.keys.get(kid) is None:  # its key was withdrawn since
                del self._verified[token]
                raise TokenRejected("the access token was signed by an unknown key")
            self._check_times(claims)
            self._verified.move_to_end(token)
            return copy.deepcopy(claims)  # a caller changing its copy (a list in it too) changes nothing kept
        kid, claims = await self._checked(token)
        self._verified[token] = (kid, claims)
        if len(self._verified) > VERIFIED_KEPT:
            self._verified.popitem(last=False)
        return copy.deepcopy(claims)

    async def _checked(self, token: str) -> tuple[str, dict[str, Any]]:
        """The signing key's id and the claims of a token verified from scratch."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenRejected("the access token is malformed") from None
        # The algorithm is ours to choose, never the token's: `none`, HS256 with a public key as secret and every
        # other substitution end here.
        if header.get("alg") != ALGORITHM:
            raise TokenRejected("the access token uses an algorithm we do not accept")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenRejected("the access token names no signing key")
        key = await self.keys.get(kid)
        if key is None:
            raise TokenRejected("the access token was signed by an unknown key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                # times are checked below against `now`, which tests may move
                options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False,
                         "verify_nbf": False},
            )
        except jwt.PyJWTError as error:
            raise TokenRejected(f"the access token is not valid: {error}") from None
        self._check_times(claims)
        if claims.get("typ") != "access":
            raise NotAnAccessToken("this token is not an access token")
        return kid, claims

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = self.now()
        try:
            expires, not_before = float(claims["exp"]), float(claims.get("nbf", claims["iat"]))
        except (TypeError, ValueError):
            raise TokenRejected("the access token has malformed times") from None
        if expires + self.leeway <= now:
            raise TokenRejected("the access token has expired", reason="TOKEN_EXPIRED")
        if not_before - self.leeway > now:
            raise TokenRejected("the access token is not valid yet")
