"""One graphql-transport-ws connection to a subgraph, carrying the operations of one caller."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncGenerator, Callable
from typing import Any

import aiohttp

from supergraph.graphql_ws import SUBPROTOCOL
from supergraph.graphql_ws.codec import InvalidMessage, decode, encode
from supergraph.graphql_ws.messages import FROM_SERVER, Message, SubscribeMessage, SubscribePayload
from supergraph.transport.base import SubgraphError, SubgraphOperationError, SubgraphRequest

log = logging.getLogger("supergraph.transport")

FAILED = "SUBGRAPH_SUBSCRIPTION_FAILED"
# a refusal at connection_init keeps the meaning the subgraph gave it
_REFUSALS = {4401: "UNAUTHENTICATED", 4403: "FORBIDDEN"}

Event = tuple[str, Any]  # ("next", payload) | ("error", errors) | ("complete", None) | ("closed", SubgraphError)


class SubgraphSocket:
    """An acknowledged connection; operations are multiplexed on it by id. When it closes, every
    operation on it fails with a `SubgraphError` naming the subgraph and the close code."""

    def __init__(self, name: str, ws: aiohttp.ClientWebSocketResponse, on_closed: Callable[[SubgraphSocket], None]):
        self.name = name
        self.ws = ws
        self.on_closed = on_closed
        self.operations: dict[str, asyncio.Queue[Event]] = {}
        self.closing = False
        self._ids = itertools.count(1)
        self._send_lock = asyncio.Lock()
        self._reader = asyncio.create_task(self._read(), name=f"subgraph {name} socket")

    @classmethod
    async def connect(
        cls,
        name: str,
        url: str,
        session: aiohttp.ClientSession,
        *,
        headers: dict[str, str],
        init_payload: dict[str, Any],
        timeout: float,
        heartbeat: float | None,
        on_closed: Callable[[SubgraphSocket], None],
    ) -> SubgraphSocket:
        """Open, send `connection_init`, and wait for the acknowledgement."""
        ws: aiohttp.ClientWebSocketResponse | None = None
        try:
            async with asyncio.timeout(timeout):
                ws = await session.ws_connect(url, protocols=(SUBPROTOCOL,), headers=headers, heartbeat=heartbeat)
                if ws.protocol != SUBPROTOCOL:
                    raise SubgraphError(name, f"subgraph '{name}' does not speak {SUBPROTOCOL} at {url}", FAILED)
                await ws.send_str(encode({"type": "connection_init", "payload": init_payload}))
                await _acknowledged(name, ws)
        except TimeoutError:
            await _abandon(ws)
            raise SubgraphError(name, f"subgraph '{name}' did not acknowledge the connection in time", FAILED) from None
        except aiohttp.ClientError as error:
            await _abandon(ws)
            raise SubgraphError(name, f"subgraph '{name}' refused the WebSocket connection: {error}", FAILED) from error
        except BaseException:
            await _abandon(ws)
            raise
        return cls(name, ws, on_closed)

    async def operate(self, request: SubgraphRequest) -> AsyncGenerator[dict[str, Any], None]:
        """Run one operation; its results until the subgraph completes it. Leaving early sends
        `complete`, and the last operation to leave closes the connection."""
        operation_id = str(next(self._ids))
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self.operations[operation_id] = queue  # before any await: the socket is known to be in use
        finished = False
        try:
            payload = SubscribePayload(query=request.query)
            if request.variables:
                payload["variables"] = dict(request.variables)
            if request.operation_name:
                payload["operationName"] = request.operation_name
            await self._send(SubscribeMessage(id=operation_id, type="subscribe", payload=payload))
            while True:
                kind, value = await queue.get()
                if kind == "next":
                    yield value
                    continue
                finished = True
                if kind == "error":
                    raise SubgraphOperationError(self.name, value)
                if kind == "closed":
                    raise value
                return
        finally:
            self.operations.pop(operation_id, None)
            if not finished and not self.closing:
                with contextlib.suppress(Exception):
                    await self._send({"id": operation_id, "type": "complete"})
            if not self.operations:
                self.close()

    def close(self) -> None:
        """Stop taking operations and close (in the background)."""
        if not self.closing:
            self.closing = True
            self.on_closed(self)
            asyncio.get_running_loop().create_task(self._close())

    def close_if_idle(self) -> None:
        if not self.operations:
            self.close()

    async def _close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 5.0)
        self._reader.cancel()

    async def _send(self, message: Message) -> None:
        async with self._send_lock:
            await self.ws.send_str(encode(message))

    async def _read(self) -> None:
        code, reason = None, ""
        try:
            while True:
                frame = await self.ws.receive()
                if frame.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    await self._dispatch(frame.data)
                elif frame.type == aiohttp.WSMsgType.CLOSE:
                    code, reason = frame.data, frame.extra or ""
                    break
                elif frame.type in (aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
        except InvalidMessage as error:
            reason = str(error)
            with contextlib.suppress(Exception):
                await self.ws.close(code=4400, message=reason.encode()[:120])
        except asyncio.CancelledError:
            pass
        finally:
            code = code or self.ws.close_code
            failure = SubgraphError(
                self.name,
                f"subgraph '{self.name}' closed the subscription connection ({code} {reason})".rstrip(),
                _REFUSALS.get(code or 0, FAILED),
            )
            for queue in self.operations.values():
                queue.put_nowait(("closed", failure))
            if not self.closing:
                self.closing = True
                self.on_closed(self)

    async def _dispatch(self, raw: str | bytes) -> None:
        message = decode(raw, FROM_SERVER)
        kind = message["type"]
        if kind == "ping":
            await self._send({"type": "pong"})
            return
        if kind not in ("next", "error", "complete"):
            return  # pong, or a stray acknowledgement
        queue = self.operations.get(message["id"])  # type: ignore[typeddict-item]
        if queue is None:
            return  # a late message for an operation we already left
        if kind == "next":
            queue.put_nowait(("next", message["payload"]))  # type: ignore[typeddict-item]
        elif kind == "error":
            queue.put_nowait(("error", message["payload"]))  # type: ignore[typeddict-item]
        else:
            queue.put_nowait(("complete", None))


async def _acknowledged(name: str, ws: aiohttp.ClientWebSocketResponse) -> None:
    while True:
        frame = await ws.receive()
        if frame.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
            try:
                message = decode(frame.data, FROM_SERVER)
            except InvalidMessage as error:
                raise SubgraphError(name, f"subgraph '{name}' sent an invalid message: {error}", FAILED) from None
            if message["type"] == "connection_ack":
                return
            if message["type"] == "ping":
                await ws.send_str(encode({"type": "pong"}))
            continue
        code = frame.data if frame.type == aiohttp.WSMsgType.CLOSE else ws.close_code
        reason = (frame.extra or "") if frame.type == aiohttp.WSMsgType.CLOSE else ""
        refusal = f"subgraph '{name}' refused the connection ({code} {reason})".rstrip()
        raise SubgraphError(name, refusal, _REFUSALS.get(code or 0, FAILED))


async def _abandon(ws: aiohttp.ClientWebSocketResponse | None) -> None:
    if ws is not None and not ws.closed:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 1.0)
