"""Signing keys (Ed25519, with `kid`), the published JWKS, and access-token issuing.

Only the users service holds private keys; every other service verifies with the JWKS. The
newest key signs; older keys stay published until the tokens they signed have expired.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from identity import ALGORITHM, StaticKeys
from subgraphs.kernel import clock
from subgraphs.kernel.ids import new_event_id
from subgraphs.kernel.mongo import Database


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(private: Ed25519PrivateKey, kid: str) -> dict[str, str]:
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), "kid": kid, "alg": ALGORITHM, "use": "sig"}


@dataclass
class SigningKey:
    kid: str
    private: Ed25519PrivateKey


class Signer:
    """Keeps the key ring in the `signing_keys` collection so replicas share it."""

    def __init__(self, db: Database, *, issuer: str, audience: str, max_age: timedelta, token_ttl: int) -> None:
        self.rows = db["signing_keys"]
        self.issuer = issuer
        self.audience = audience
        self.max_age = max_age
        self.token_ttl = token_ttl
        self.current: SigningKey | None = None
        self.jwks: dict[str, Any] = {"keys": []}
        self.verification_keys = StaticKeys()

    async def load(self) -> None:
        """Load the ring, adding a key when none is young enough to sign."""
        newest = await self.rows.find_one({}, sort=[("createdAt", -1)])
        if newest is None or clock.now() - newest["createdAt"] > self.max_age:
            await self.rotate()
            return
        await self._refresh_ring()

    async def rotate(self) -> str:
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        kid = _b64(hashlib.sha256(new_event_id().encode()).digest()[:12])
        row = {"_id": kid, "privateKeyPem": pem, "jwk": public_jwk(private, kid), "createdAt": clock.now()}
        await self.rows.insert_one(row)
        await self._refresh_ring()
        return kid

    async def _refresh_ring(self) -> None:
        # A retired key must outlive the longest token it signed; keep two key lifetimes.
        horizon = clock.now() - self.max_age * 2 - timedelta(seconds=self.token_ttl)
        rows = await self.rows.find({"createdAt": {"$gt": horizon}}).sort("createdAt", -1).to_list(None)
        newest = rows[0]
        private = serialization.load_pem_private_key(newest["privateKeyPem"].encode(), password=None)
        assert isinstance(private, Ed25519PrivateKey)
        self.current = SigningKey(newest["_id"], private)
        self.jwks = {"keys": [row["jwk"] for row in rows]}
        self.verification_keys.replace(self.jwks)

    def issue_access_token(self, claims: dict[str, Any]) -> tuple[str, int]:
        """Sign an access token; returns it and its expiry (epoch seconds)."""
        assert self.current is not None, "load() first"
        now = clock.now()
        issued = int(now.timestamp())
        expires = issued + self.token_ttl
        payload = {
            **claims,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": issued,
            "iat_ms": int(now.timestamp() * 1000),
            "nbf": issued,
            "exp": expires,
            "jti": new_event_id(),
            "typ": "access",
        }
        token = jwt.encode(payload, self.current.private, algorithm=ALGORITHM, headers={"kid": self.current.kid})
        return token, expires
