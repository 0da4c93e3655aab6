"""graphql-transport-ws as every subgraph speaks it: Strawberry's handler, with a `pong` that is also a barrier.

A `pong` answers a `ping` only once every operation subscribed before that ping on the connection listens for its
events (or has ended), at most `BARRIER_TIMEOUT` later; a payload on the ping comes back on its pong. A client
(the gateway, for one) that must not miss the next event sends `ping` after `subscribe` and acts on the `pong`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import PingMessage, SubscribeMessage

from subgraphs.kernel.events.listening import expect_listening
from telemetry import tracing

BARRIER_TIMEOUT = 10.0  # seconds a pong waits for earlier subscriptions to listen


class ListeningBarrierHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._starting: set[asyncio.Future[None]] = set()
        self._last_pong: asyncio.Task[None] | None = None

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        expect_listening(ready)  # the operation's task is created with this context, and so inherits it
        try:
            await super().handle_subscribe(message)
        finally:
            expect_listening(None)
        operation = self.operations.get(message["id"])
        task = operation.task if operation is not None else None
        if task is None or task.done():
            return  # refused, or over already
        self._starting.add(ready)
        ready.add_done_callback(self._starting.discard)
        task.add_done_callback(lambda _: _settle(ready))

    async def handle_ping(self, message: PingMessage) -> None:
        payload = message.get("payload")
        pong: dict[str, Any] = {"type": "pong", "payload": payload} if payload else {"type": "pong"}
        waiting = list(self._starting)
        if not waiting and self._last_pong is None:
            await self.send_message(pong)  # type: ignore[arg-type]
            return
        # later pings wait for earlier ones, so pongs keep their order
        self._last_pong = asyncio.create_task(self._pong_later(self._last_pong, waiting, pong))

    async def _pong_later(self, before: asyncio.Task[None] | None, waiting: list[asyncio.Future[None]],
                          pong: dict[str, Any]) -> None:
        if before is not None:
            with contextlib.suppress(Exception):
                await before
        if waiting:
            await asyncio.wait(waiting, timeout=BARRIER_TIMEOUT)
        with contextlib.suppress(Exception):  # the socket may have gone meanwhile
            await self.send_message(pong)  # type: ignore[arg-type]
        if self._last_pong is asyncio.current_task():
            self._last_pong = None

    async def send_message(self, message: Any) -> None:
        """A live event's `next` continues the event's trace, and names its span in `extensions.traceparent` for
        the gateway to continue in turn."""
        parent = tracing.context_of(tracing.live_traceparent.get()) if message.get("type") == "next" else None
        payload = message.get("payload")
        if parent is None or not isinstance(payload, dict):
            await super().send_message(message)
            return
        with tracing.span(None, "subscription next", kind=tracing.SpanKind.PRODUCER, parent=parent,
                          attributes={"graphql.operation.id": str(message.get("id"))}):
            extensions = {**(payload.get("extensions") or {}), "traceparent": tracing.traceparent()}
            traced = {**message, "payload": {**payload, "extensions": extensions}}
            await super().send_message(traced)  # type: ignore[arg-type]

    async def shutdown(self) -> None:
        if self._last_pong is not None:
            self._last_pong.cancel()
        await super().shutdown()


def _settle(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)
