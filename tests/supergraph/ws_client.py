"""A raw graphql-transport-ws client for tests: every message and close code visible."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

SUBPROTOCOL = "graphql-transport-ws"
_ids = itertools.count()


class ProtocolClient:
    """Sends and receives protocol messages; answers server pings unless asked to show them."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @property
    def subprotocol(self) -> str | None:
        return self.ws.subprotocol

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        await self.ws.send(message if isinstance(message, str | bytes) else json.dumps(message))

    async def receive(self, timeout: float = 5.0, *, pings: bool = False) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                message = json.loads(await self.ws.recv())
                if message["type"] == "ping" and not pings:
                    await self.send({"type": "pong"})
                    continue
                return message

    async def init(self, authorization: str | None = None, **payload: Any) -> dict[str, Any]:
        """Send `connection_init` (with `authorization` when given); the answer."""
        if authorization is not None:
            payload["authorization"] = authorization
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive()

    async def subscribe(self, operation_id: str, query: str, variables: dict | None = None) -> None:
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})

    async def complete(self, operation_id: str) -> None:
        await self.send({"id": operation_id, "type": "complete"})

    async def closed(self, timeout: float = 5.0) -> tuple[int | None, str | None]:
        """Read until the server closes; its close code and reason."""
        async with asyncio.timeout(timeout):
            with contextlib.suppress(ConnectionClosed):
                while True:
                    await self.ws.recv()
        return self.ws.close_code, self.ws.close_reason

    async def silent(self, seconds: float) -> None:
        """Assert that nothing but pings arrives for `seconds`."""
        with contextlib.suppress(TimeoutError):
            message = await self.receive(timeout=seconds)
            raise AssertionError(f"unexpected message {message}")


async def listening(client: ProtocolClient, *operations: tuple[str, dict[str, Any]], attempts: int = 60
                    ) -> list[str]:
    """Subscribe to each of `operations` (query, variables) and ping; again, after a pause, while a failure came
    before the pong; the subscriptions' ids once the pong says they all listen."""
    for _ in range(attempts):
        ids = {f"op{next(_ids)}": operation for operation in operations}
        for operation_id, (query, variables) in ids.items():
            await client.subscribe(operation_id, query, variables)
        mark = {"after": list(ids)}
        await client.send({"type": "ping", "payload": mark})
        failed = False
        while (message := await client.receive(timeout=30))["type"] != "pong":
            failed = failed or (message.get("id") in ids and (
                message["type"] in ("error", "complete") or "errors" in message.get("payload", {})))
            assert "GRAPHQL_VALIDATION_FAILED" not in str(message), message  # no use trying that again
        assert message.get("payload") == mark, message
        if not failed:
            return list(ids)
        for operation_id in ids:
            await client.complete(operation_id)
        await asyncio.sleep(0.25)  # the subgraph is not back yet
    raise AssertionError(f"{operations} never started")


@contextlib.asynccontextmanager
async def connect(
    url: str,
    *,
    subprotocols: tuple[str, ...] | None = (SUBPROTOCOL,),
    headers: dict[str, str] | None = None,
    max_queue: int | None = 16,
) -> AsyncIterator[ProtocolClient]:
    async with ws_connect(
        url,
        subprotocols=list(subprotocols) if subprotocols else None,  # type: ignore[arg-type]
        additional_headers=headers,
        max_queue=max_queue,
        open_timeout=5,
        ping_interval=None,
        close_timeout=1,
    ) as ws:
        yield ProtocolClient(ws)
