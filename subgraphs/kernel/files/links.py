"""Short-lived signed links to stored files, on the public origin the clients already talk to.

A link is `{public_url}/files/{service}/{key}?expires={unix}&signature={hex}`: the gateway relays
`/files/{service}/...` to that service, which serves the file only when the signature (HMAC-SHA256 over
service, key and expiry) is its own and has not expired. Links are minted when a resolver returns the
file, so only a caller allowed to read the ticket or message ever holds one; a leaked link dies with
its expiry. Each service signs with its own key, derived from FILE_LINK_SECRET and its name, so a link
minted for one service opens nothing at another.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote, urlencode

from subgraphs.kernel import clock


class FileLinks:
    """Mints and checks one service's file links."""

    def __init__(self, *, service: str, secret: bytes, public_url: str, ttl_seconds: int) -> None:
        self.service = service
        self.public_url = public_url.rstrip("/")
        self.ttl_seconds = ttl_seconds
        self._key = hmac.new(secret, b"aurontek-file-links:" + service.encode(), hashlib.sha256).digest()

    def url(self, key: str, *, expires: int | None = None) -> str:
        """A link to `key` that works until `expires` (unix seconds; by default the TTL from now)."""
        if expires is None:
            expires = int(clock.now().timestamp()) + self.ttl_seconds
        query = urlencode({"expires": expires, "signature": self.signature(key, expires)})
        return f"{self.public_url}/files/{self.service}/{quote(key, safe='/')}?{query}"

    def signature(self, key: str, expires: int) -> str:
        message = f"{self.service}\n{key}\n{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, key: str, expires: str | None, signature: str | None) -> bool:
        """Whether a request for `key` carries this service's unexpired signature."""
        if not expires or not signature or not expires.isdigit():
            return False
        if int(expires) < clock.now().timestamp():
            return False
        return hmac.compare_digest(self.signature(key, int(expires)), signature)
