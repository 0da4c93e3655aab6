"""Access tokens for gateway tests: an Ed25519 key, tokens minted like the users service's,
and its JWKS served over real HTTP."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

ISSUER = "aurontek-users"
AUDIENCE = "aurontek"


class TokenIssuer:
    """Signs access tokens (EdDSA, with a `kid`) and publishes the public key."""

    def __init__(self, kid: str = "test-key") -> None:
        self.kid = kid
        self.key = Ed25519PrivateKey.generate()

    def jwk(self) -> dict[str, Any]:
        public = OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": "EdDSA", "use": "sig"}

    def token(self, user: str = "u1", company: str = "c1", ttl: float = 300.0, **claims: Any) -> str:
        now = time.time()
        body = {
            "sub": user,
            "cid": company,
            "typ": "access",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": int(now),
            "exp": int(now + ttl),  # PyJWT reads exp as whole seconds
            "jti": uuid.uuid4().hex,
            **claims,
        }
        body = {name: value for name, value in body.items() if value is not None}
        return jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": self.kid})

    def bearer(self, user: str = "u1", company: str = "c1", ttl: float = 300.0, **claims: Any) -> str:
        return "Bearer " + self.token(user, company, ttl, **claims)


@dataclass
class JwksServer:
    """The users service's `/.well-known/jwks.json`, as far as the gateway can tell."""

    issuers: list[TokenIssuer]
    url: str = ""
    fetches: int = 0
    status: int = 200
    extra_keys: list[dict[str, Any]] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {"keys": [issuer.jwk() for issuer in self.issuers] + self.extra_keys}


@contextlib.asynccontextmanager
async def serve_jwks(*issuers: TokenIssuer) -> AsyncIterator[JwksServer]:
    server = JwksServer(list(issuers))

    async def jwks(_: web.Request) -> web.Response:
        server.fetches += 1
        if server.status != 200:
            return web.Response(status=server.status, text="unavailable")
        return web.json_response(server.document())

    app = web.Application()
    app.router.add_get("/.well-known/jwks.json", jwks)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/.well-known/jwks.json"
    try:
        yield server
    finally:
        await runner.cleanup()
