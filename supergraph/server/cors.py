"""Which web pages may call the API from a browser: the gateway's own origin and `GATEWAY_CORS_ORIGINS`.

A browser names the page's origin in `Origin` on every cross-origin request, on WebSocket handshakes and on
same-origin POSTs. Clients outside a browser (the Node client, curl, the services) send none, and nothing here
applies to them. A request whose `Origin` is this gateway's own host (the web app and GraphiQL it serves) passes.
A request from a listed origin passes too: its preflight is answered, and its responses carry
`Access-Control-Allow-Origin`. Any other origin is refused before anything runs: `403`, or a handshake refused
before the socket opens. The origin check on a WebSocket is what stops another site's page from opening a socket
with its visitor's browser; CORS does not apply to WebSockets.

`GATEWAY_CORS_ORIGINS` is a comma-separated list of origins (`https://help.example.com`). `*` stands for one DNS
label or part of one, for preview deployments (`https://aurontek-web-*.vercel.app`); a lone `*` is refused (it
would let every site in).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

# what the web app and Apollo Client send: the token, JSON, the CSRF preflight headers, the trace context
ALLOWED_HEADERS = ("authorization", "content-type", "accept", "accept-language", "apollo-require-preflight",
                   "x-apollo-operation-name", "graphql-require-preflight", "traceparent", "tracestate",
                   "x-request-id")
ALLOWED_METHODS = ("GET", "POST")
PREFLIGHT_MAX_AGE = 600  # seconds a browser may keep a preflight's answer
EXPOSED_HEADERS = ("x-request-id",)

Send = Callable[[dict[str, Any]], Awaitable[None]]


def _origin_pattern(entry: str) -> re.Pattern[str] | str:
    parts = urlsplit(entry)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
        raise ValueError(f"not an origin (scheme://host[:port]): {entry!r}")
    origin = f"{parts.scheme}://{parts.netloc.lower()}"
    if "*" not in origin:
        return origin
    host = parts.netloc.split(":")[0]
    if host == "*" or (host.startswith("*.") and host.count(".") < 2):
        raise ValueError(f"too wide an origin pattern: {entry!r}")
    label = "[a-z0-9-]+"  # within one DNS label: never across a dot
    return re.compile("".join(label if piece == "*" else re.escape(piece) for piece in re.split(r"(\*)", origin)))


class CorsPolicy:
    """The origins allowed to call the API from a browser, besides the gateway's own."""

    def __init__(self, origins: Iterable[str] = ()) -> None:
        self.exact: set[str] = set()
        self.patterns: list[re.Pattern[str]] = []
        for entry in origins:
            pattern = _origin_pattern(entry.strip().rstrip("/"))
            if isinstance(pattern, str):
                self.exact.add(pattern)
            else:
                self.patterns.append(pattern)

    @classmethod
    def parse(cls, value: str) -> CorsPolicy:
        return cls(part for part in value.split(",") if part.strip())

    def listed(self, origin: str) -> bool:
        origin = origin.lower()
        return origin in self.exact or any(pattern.fullmatch(origin) for pattern in self.patterns)

    def verdict(self, scope: Mapping[str, Any]) -> str:
        """"none" (no Origin: not a browser, or a same-origin GET), "same" (this gateway's own pages), "listed",
        or "refused"; from an ASGI scope's headers."""
        wanted = {}
        for key, value in scope["headers"]:
            if key in _NAMES:
                wanted[key.decode("latin-1")] = value.decode("latin-1")
        origin = wanted.get("origin")
        if origin is None:
            return "none"
        if _same_origin(origin, wanted):
            return "same"
        return "listed" if self.listed(origin) else "refused"


_NAMES = (b"origin", b"host", b"x-forwarded-host")


def _same_origin(origin: str, headers: Mapping[str, str]) -> bool:
    """The page came from this host: Origin's host and port are the Host the request was sent to (or the host a
    proxy in front says it was sent to; a page cannot set that header on a request the browser sends for it)."""
    host = headers.get("x-forwarded-host", "").split(",")[0].strip() or headers.get("host", "")
    try:
        parts = urlsplit(origin)
    except ValueError:  # not a URL at all ("http://["): no page of ours
        return False
    if not host or parts.scheme not in ("http", "https"):
        return False
    default = "443" if parts.scheme == "https" else "80"
    return _with_port(parts.netloc.lower(), default) == _with_port(host.lower(), default)


def _with_port(netloc: str, default: str) -> str:
    return netloc if netloc.rsplit("]", 1)[-1].count(":") else f"{netloc}:{default}"


def preflight_headers(origin: str) -> list[tuple[bytes, bytes]]:
    """The answer to a listed origin's preflight."""
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-methods", ", ".join(ALLOWED_METHODS).encode()),
        (b"access-control-allow-headers", ", ".join(ALLOWED_HEADERS).encode()),
        (b"access-control-max-age", str(PREFLIGHT_MAX_AGE).encode()),
        (b"vary", b"Origin"),
    ]


def allowing(send: Send, origin: str) -> Send:
    """`send` with a listed origin's CORS headers added to the response's start."""
    added = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin"),
             (b"access-control-expose-headers", ", ".join(EXPOSED_HEADERS).encode())]

    async def send_allowing(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *added]}
        await send(message)

    return send_allowing
