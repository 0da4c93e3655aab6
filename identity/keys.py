"""The users service's public signing keys: parsed from a JWKS, known in process or fetched and cached."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

import httpx
import jwt

log = logging.getLogger("identity.keys")


class KeysUnavailable(Exception):
    """The key a token names is unknown and the key set could not be fetched."""


class KeySource(Protocol):
    async def get(self, kid: str) -> jwt.PyJWK | None:
        """The key named `kid`, or None; may raise `KeysUnavailable`."""
        ...


def parse_jwks(document: Any) -> dict[str, jwt.PyJWK]:
    """The usable public keys of a JWKS document, by `kid`."""
    keys: dict[str, jwt.PyJWK] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else ():
        # a private key is never a verification key; a key without kid cannot be named
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str) or "d" in entry:
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except jwt.PyJWTError as error:
            log.warning("skipping an unusable JWK %r: %s", entry.get("kid"), error)
    return keys


class StaticKeys:
    """Keys known in process (the users service verifies with its own public keys)."""

    def __init__(self, jwks: dict[str, Any] | None = None) -> None:
        self.keys = parse_jwks(jwks or {"keys": []})

    def replace(self, jwks: dict[str, Any]) -> None:
        self.keys = parse_jwks(jwks)

    async def get(self, kid: str) -> jwt.PyJWK | None:
        return self.keys.get(kid)


class JwksKeys:
    """Keys from a JWKS URL, cached for `ttl` seconds. An unknown `kid` refetches, at most every `min_refresh`
    seconds, so a flood of made-up kids cannot hammer the users service. A failed fetch keeps the keys already
    known (fail closed: unknown keys stay unknown) and makes an unknown kid `KeysUnavailable`."""

    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient,
        *,
        ttl: float = 300.0,
        min_refresh: float = 5.0,
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.client = client
        self.ttl = ttl
        self.min_refresh = min_refresh
        self.timeout = timeout
        self.keys: dict[str, jwt.PyJWK] = {}
        self.fetches = 0
        self._fetched_at: float | None = None
        self._failed = False
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> jwt.PyJWK | None:
        age = None if self._fetched_at is None else time.monotonic() - self._fetched_at
        if age is None or age > self.ttl or (kid not in self.keys and age > self.min_refresh):
            await self._refresh()
        key = self.keys.get(kid)
        if key is None and self._failed:
            raise KeysUnavailable(f"the signing keys at {self.url} cannot be fetched")
        return key

    async def _refresh(self) -> None:
        async with self._lock:
            if self._fetched_at is not None and time.monotonic() - self._fetched_at < self.min_refresh:
                return  # another caller refreshed while we waited
            self.fetches += 1
            try:
                response = await self.client.get(self.url, timeout=self.timeout)
                response.raise_for_status()
                self.keys = parse_jwks(response.json())
                self._failed = False
            except (httpx.HTTPError, ValueError) as error:
                self._failed = True
                log.warning("cannot fetch the JWKS at %s: %r", self.url, error)
            finally:
                self._fetched_at = time.monotonic()
