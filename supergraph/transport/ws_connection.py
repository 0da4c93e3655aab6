"""One graphql-transport-ws connection to a subgraph, carrying the operations of one caller."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import deque
from collections.abc import AsyncGenerator, Callable
from typing import Any

import aiohttp

from supergraph.errors import ErrorCode
from supergraph.graphql_ws import SUBPROTOCOL
from supergraph.graphql_ws.codec import InvalidMessage, decode, encode
from supergraph.graphql_ws.messages import FROM_SERVER, Message, SubscribeMessage, SubscribePayload
from supergraph.subscriptions.shared import READY
from supergraph.transport.base import SubgraphError, SubgraphOperationError, SubgraphRequest

log = logging.getLogger("supergraph.transport")

FAILED = ErrorCode.SUBGRAPH_SUBSCRIPTION_FAILED
BARRIER_TIMEOUT = 15.0  # seconds a subscription waits for the subgraph to say it listens
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
        self._marks = itertools.count(1)
        self._barriers: deque[tuple[int, asyncio.Future[None]]] = deque()  # pings awaiting their pong, in order
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

    async def operate(self, request: SubgraphRequest, *, barrier: bool = False) -> AsyncGenerator[dict[str, Any], None]:
        """Run one operation; its results until the subgraph completes it. Leaving early sends
        `complete`, and the last operation to leave closes the connection. With `barrier`, `READY` comes
        first, once the subgraph answers a ping sent after the subscribe: our subgraphs pong only when
        every earlier subscription listens (another subgraph's pong only says it read the subscribe)."""
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
            if barrier:
                await self._listening()
            announce = barrier
            while True:
                if announce and queue.empty():  # not when it already failed or ended (that comes first)
                    announce = False
                    yield READY
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

    async def _listening(self) -> None:
        """Ping with a fresh mark and wait (at most `BARRIER_TIMEOUT`) for its pong, or the socket's end."""
        mark = next(self._marks)
        answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._barriers.append((mark, answered))
        try:
            await self._send({"type": "ping", "payload": {"barrier": mark}})
            await asyncio.wait_for(asyncio.shield(answered), BARRIER_TIMEOUT)
        except TimeoutError:
            log.warning("subgraph %s did not answer a ping in %ss; the subscription may miss its first events",
                        self.name, BARRIER_TIMEOUT)
        except Exception:  # the socket failed: the operation hears why from its queue
            pass

    def _ponged(self, payload: object) -> None:
        """Pongs come in order: one carrying mark m answers every ping up to m; one without a mark, the oldest."""
        mark = payload.get("barrier") if isinstance(payload, dict) else None
        if not isinstance(mark, int):
            mark = self._barriers[0][0] if self._barriers else 0
        while self._barriers and self._barriers[0][0] <= mark:
            _, answered = self._barriers.popleft()
            if not answered.done():
                answered.set_result(None)

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
            self._ponged({"barrier": next(self._marks)})  # nothing more will answer
            if not self.closing:
                self.closing = True
                self.on_closed(self)

    async def _dispatch(self, raw: str | bytes) -> None:
        message = decode(raw, FROM_SERVER)
        kind = message["type"]
        if kind == "ping":
            await self._send({"type": "pong"})
            return
        if kind == "pong":
            self._ponged(message.get("payload"))
            return
        if kind not in ("next", "error", "complete"):
            return  # a stray acknowledgement
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
