"""`/files/{service}/{key}`: file links on the gateway's origin, relayed to the subgraph that stores them.

The gateway authorizes nothing here: the link's signature is the credential, checked by the owning
subgraph (it holds the key). The gateway only picks the subgraph by name, refuses paths that could
reach anything but that subgraph's `/files/`, and streams the answer back without buffering it.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from yarl import URL

PREFIX = "/files/"
# What a file key may hold: the path segments storage mints (no "..", no empty segment, no escapes).
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")
# The subgraph's headers that describe the file; hop-by-hop and server headers stay behind.
_PASSED = ("content-type", "content-length", "content-disposition", "cache-control", "etag", "last-modified",
           "content-security-policy", "accept-ranges", "content-range")
_ASKED = ("range", "if-none-match", "if-modified-since", "x-request-id")
CHUNK = 64 * 1024


def upstream_url(path: str, query_string: bytes, subgraph_urls: dict[str, str]) -> URL | None:
    """The subgraph URL a `/files/{service}/{key}` path reads, or None when it names no file of a subgraph."""
    service, _, key = path[len(PREFIX):].partition("/")
    graphql_url = subgraph_urls.get(service)
    if graphql_url is None or _KEY.fullmatch(key) is None:
        return None
    base = graphql_url.rsplit("/graphql", 1)[0] if graphql_url.endswith("/graphql") else graphql_url.rstrip("/")
    query = query_string.decode("latin-1")
    return URL(f"{base}{PREFIX}{key}" + (f"?{query}" if query else ""), encoded=True)


async def relay_file(scope: dict[str, Any], send: Any, session: aiohttp.ClientSession,
                     subgraph_urls: dict[str, str], timeout: float) -> None:
    """Answer a `/files/...` request with what the owning subgraph answers, streamed."""
    if scope["method"] not in ("GET", "HEAD"):
        await _plain(send, 405, b"Use GET for files.", [(b"allow", b"GET, HEAD")])
        return
    url = upstream_url(scope["path"], scope.get("query_string", b""), subgraph_urls)
    if url is None:
        await _plain(send, 404, b"No such file.")
        return
    asked = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
             if k.decode("latin-1").lower() in _ASKED}
    started = False
    try:
        async with session.request(scope["method"], url, headers=asked, allow_redirects=False,
                                   auto_decompress=False, timeout=aiohttp.ClientTimeout(total=timeout)) as answer:
            headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()
                       if k.lower() in _PASSED]
            headers.append((b"x-content-type-options", b"nosniff"))
            await send({"type": "http.response.start", "status": answer.status, "headers": headers})
            started = True
            async for chunk in answer.content.iter_chunked(CHUNK):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
    except (aiohttp.ClientError, TimeoutError):
        if not started:
            await _plain(send, 502, b"The file's service did not answer.")
        # otherwise the client sees the body end short of its content-length, and knows it is incomplete


async def _plain(send: Any, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"x-content-type-options", b"nosniff"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
