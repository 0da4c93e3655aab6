"""GraphQL over graphql-transport-ws to one subgraph: one connection per caller, operations
multiplexed on it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import aiohttp

from supergraph.transport.base import SubgraphError, SubgraphRequest, caller_key
from supergraph.transport.ws_connection import FAILED, SubgraphSocket

CallerKey = tuple[str | None, str | None]
_IDLE_GRACE = 1.0  # seconds a fresh connection may wait for its first operation


def websocket_url(url: str) -> str:
    """The WebSocket URL of a subgraph's HTTP endpoint (same host and path)."""
    if url.startswith("https://"):
        return "wss://" + url[len("https://"):]
    if url.startswith("http://"):
        return "ws://" + url[len("http://"):]
    return url


class WebSocketSubgraphClient:
    """Each caller (authorization and language) gets its own connection: credentials travel in
    `connection_init`, so a connection can never carry two callers' operations. The first
    operation's headers (request id, user agent, forwarded address) go with the upgrade request."""

    def __init__(
        self, name: str, url: str, session: aiohttp.ClientSession, *, timeout: float, heartbeat: float | None
    ) -> None:
        self.name = name
        self.url = url
        self.session = session
        self.timeout = timeout
        self.heartbeat = heartbeat
        self._sockets: dict[CallerKey, asyncio.Future[SubgraphSocket]] = {}

    @property
    def connections(self) -> int:
        return len(self._sockets)

    async def execute(self, request: SubgraphRequest) -> dict[str, Any]:
        """A query or mutation over the socket: its single result."""
        async for body in self._operate(request, barrier=False):
            return body
        raise SubgraphError(self.name, f"subgraph '{self.name}' completed the operation without a result", FAILED)

    def subscribe(self, request: SubgraphRequest) -> AsyncGenerator[dict[str, Any], None]:
        """The subscription's events, after `READY` once the subgraph says it listens (`SubgraphSocket.operate`)."""
        return self._operate(request, barrier=True)

    async def _operate(self, request: SubgraphRequest, *, barrier: bool) -> AsyncGenerator[dict[str, Any], None]:
        while True:
            socket = await self._socket(request.headers)
            if not socket.closing:  # no await between this check and `operate` registering
                break
        async for event in socket.operate(request, barrier=barrier):
            yield event

    async def _socket(self, headers: Mapping[str, str]) -> SubgraphSocket:
        key = caller_key(headers)
        pending = self._sockets.get(key)
        if pending is None:
            pending = self._sockets[key] = asyncio.ensure_future(self._connect(key, headers))
            pending.add_done_callback(lambda done: self._forget_failed(key, done))
        return await asyncio.shield(pending)

    async def _connect(self, key: CallerKey, headers: Mapping[str, str]) -> SubgraphSocket:
        authorization = headers.get("authorization")
        socket = await SubgraphSocket.connect(
            self.name,
            self.url,
            self.session,
            headers={name: value for name, value in headers.items() if name != "authorization"},
            init_payload={"authorization": authorization} if authorization else {},
            timeout=self.timeout,
            heartbeat=self.heartbeat,
            on_closed=lambda closed: self._forget(key, closed),
        )
        # whoever asked may have gone while we connected: do not keep an unused connection
        asyncio.get_running_loop().call_later(_IDLE_GRACE, socket.close_if_idle)
        return socket

    def _forget_failed(self, key: CallerKey, done: asyncio.Future[SubgraphSocket]) -> None:
        if (done.cancelled() or done.exception() is not None) and self._sockets.get(key) is done:
            del self._sockets[key]

    def _forget(self, key: CallerKey, socket: SubgraphSocket) -> None:
        pending = self._sockets.get(key)
        if pending is not None and pending.done() and not pending.cancelled() and pending.exception() is None:
            if pending.result() is socket:
                del self._sockets[key]

    async def close(self) -> None:
        """Close every connection."""
        pending, self._sockets = list(self._sockets.values()), {}
        for future in pending:
            if not future.done():
                future.cancel()
                continue
            with contextlib.suppress(BaseException):
                future.result().close()
