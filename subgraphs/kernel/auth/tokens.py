"""Access-token verification for a service: the identity package's verifier on the kernel clock, its refusals
as `UNAUTHENTICATED` errors."""

from __future__ import annotations

from typing import Any

from identity import AccessTokenVerifier, KeySource, KeysUnavailable, TokenRejected
from subgraphs.kernel import clock
from subgraphs.kernel.errors import Unauthenticated


class TokenVerifier:
    def __init__(self, keys: KeySource, *, issuer: str, audience: str, leeway: float = 5.0) -> None:
        self.tokens = AccessTokenVerifier(keys, issuer=issuer, audience=audience, leeway=leeway,
                                          now=lambda: clock.now().timestamp())

    async def verify(self, token: str) -> dict[str, Any]:
        try:
            return await self.tokens.verify(token)
        except TokenRejected as rejected:
            raise Unauthenticated(str(rejected), reason=rejected.reason) from None
        except KeysUnavailable:
            # fail closed, and say why: the client's token may be fine once the users service answers again
            raise Unauthenticated("the signing keys cannot be fetched; try again shortly",
                                  reason="KEYS_UNAVAILABLE") from None
