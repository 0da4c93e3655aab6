"""Public keys for verifying access tokens: a JWKS fetched from the users service, or a local set."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

import httpx
import jwt

from subgraphs.kernel.logging import get_logger

log = get_logger(__name__)


class KeySource(Protocol):
    async def get(self, kid: str) -> jwt.PyJWK | None: ...


def parse_jwks(jwks: dict[str, Any]) -> dict[str, jwt.PyJWK]:
    keys: dict[str, jwt.PyJWK] = {}
    for entry in jwks.get("keys", []):
        if "kid" not in entry or "d" in entry:  # never accept a private key as a verification key
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except jwt.PyJWTError as exc:
            log.warning("skipping unusable JWK", extra={"kid": entry.get("kid"), "error": str(exc)})
    return keys


class StaticKeySource:
    """Keys known in process (the users service verifies with its own public keys)."""

    def __init__(self, jwks: dict[str, Any] | None = None) -> None:
        self.keys = parse_jwks(jwks or {"keys": []})

    def replace(self, jwks: dict[str, Any]) -> None:
        self.keys = parse_jwks(jwks)

    async def get(self, kid: str) -> jwt.PyJWK | None:
        return self.keys.get(kid)


class RemoteKeySource:
    """The users service's JWKS, cached; an unknown `kid` refetches at most every `min_refresh` s."""

    def __init__(self, url: str, client: httpx.AsyncClient, *, ttl: float = 300.0, min_refresh: float = 10.0) -> None:
        self.url = url
        self.client = client
        self.ttl = ttl
        self.min_refresh = min_refresh
        self.keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> jwt.PyJWK | None:
        age = time.monotonic() - self._fetched_at
        if (kid not in self.keys and age > self.min_refresh) or age > self.ttl:
            await self._refresh()
        return self.keys.get(kid)

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self.min_refresh and self.keys:
                return
            try:
                response = await self.client.get(self.url, timeout=5.0)
                response.raise_for_status()
                self.keys = parse_jwks(response.json())
            except (httpx.HTTPError, ValueError) as exc:
                # Fail closed: keep the keys we had (or none); tokens signed by unknown keys fail.
                log.warning("could not fetch the JWKS", extra={"url": self.url, "error": repr(exc)})
            finally:
                self._fetched_at = time.monotonic()
