"""The users service's public signing keys, fetched from its JWKS and cached."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
import jwt

log = logging.getLogger("supergraph.auth")


class KeysUnavailable(Exception):
    """The key a token names is unknown and the key set could not be fetched."""


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


class JwksKeys:
    """Keys from a JWKS URL, cached for `ttl` seconds. An unknown `kid` refetches, at most
    every `min_refresh` seconds, so a flood of made-up kids cannot hammer the users service.
    A failed fetch keeps the keys already known (fail closed: unknown keys stay unknown)."""

    def __init__(
        self,
        url: str,
        session: aiohttp.ClientSession,
        *,
        ttl: float = 300.0,
        min_refresh: float = 5.0,
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.session = session
        self.ttl = ttl
        self.min_refresh = min_refresh
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.keys: dict[str, jwt.PyJWK] = {}
        self.fetches = 0
        self._fetched_at: float | None = None
        self._failed = False
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> jwt.PyJWK | None:
        """The key named `kid`, or None; raises `KeysUnavailable` when it may exist but the
        key set cannot be fetched."""
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
                async with self.session.get(self.url, timeout=self.timeout) as response:
                    response.raise_for_status()
                    self.keys = parse_jwks(await response.json(content_type=None))
                    self._failed = False
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                self._failed = True
                log.warning("cannot fetch the JWKS at %s: %r", self.url, error)
            finally:
                self._fetched_at = time.monotonic()
