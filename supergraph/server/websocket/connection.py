"""One client socket speaking graphql-transport-ws: its state, caller, operations, timers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from supergraph.auth.tokens import Caller
from supergraph.errors import ErrorCode, graphql_error
from supergraph.graphql_ws.close_codes import CloseCode, limit_reason
from supergraph.graphql_ws.codec import InvalidMessage, LoneSurrogate, decode, encode
from supergraph.graphql_ws.messages import FROM_CLIENT, Message
from supergraph.server.http import forwarded_headers, headers_of
from supergraph.server.websocket.outbox import Outbox, Send
from telemetry import metrics

if TYPE_CHECKING:
    from supergraph.server.runtime import GatewayRuntime

log = logging.getLogger("supergraph.websocket")

Receive = Callable[[], Coroutine[Any, Any, dict[str, Any]]]
PONG_WAIT = 20.0  # seconds a pong waits for earlier subscriptions to listen upstream


class Operation(Protocol):
    """A running operation of a connection."""

    id: str

    def cancel(self) -> None:
        """Stop without sending anything more (the client completed it, or the socket closes)."""
        ...

    @property
    def started(self) -> bool:
        """It hears every event from now on (a subscription listens upstream), or has nothing to hear."""
        ...

    async def wait_started(self) -> None:
        """Return once `started` (or the operation ended)."""
        ...


class Connection:
    """Reads and handles messages one at a time; everything it sends goes through its outbox."""

    def __init__(self, scope: dict[str, Any], send: Send, runtime: GatewayRuntime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.upgrade_headers = headers_of(scope)
        self.request_id = self.upgrade_headers.get("x-request-id") or uuid.uuid4().hex
        peer = scope.get("client")
        self.headers = forwarded_headers(
            self.upgrade_headers,
            self.request_id,
            peer=peer[0] if peer else None,
            trusted_proxies=self.settings.trusted_proxy_list(),
        )
        self.headers.pop("authorization", None)  # set from the verified connection_init
        self.init_received = False
        self.caller: Caller | None = None
        self.operations: dict[str, Operation] = {}
        self.closing = False
        self.awaiting_pong = False
        self._send = send
        self.outbox = Outbox(send, self.settings.ws_send_queue, self._slow_consumer)
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task] = set()
        self._pong: asyncio.Task[None] | None = None  # the last pong still waiting for subscriptions to start

    @property
    def acknowledged(self) -> bool:
        return self.caller is not None

    async def run(self, receive: Receive) -> None:
        """Serve until the client disconnects (or the gateway has closed the socket)."""
        from supergraph.server.websocket.handlers import handle  # handlers import this module

        self._schedule("init", self.settings.ws_init_timeout, self._init_timeout)
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    return
                if self.closing:
                    continue
                raw = message.get("text")
                try:
                    decoded = decode(raw if raw is not None else message.get("bytes") or b"", FROM_CLIENT)
                except LoneSurrogate as error:
                    if error.operation_id is None or not self.acknowledged or error.operation_id in self.operations:
                        await self.close(CloseCode.BAD_REQUEST, str(error))
                    else:  # that operation's bad input; the socket and its other operations go on
                        self.send({"id": error.operation_id, "type": "error", "payload": [
                            graphql_error(str(error), ErrorCode.BAD_USER_INPUT)]})
                    continue
                except InvalidMessage as error:
                    await self.close(CloseCode.BAD_REQUEST, str(error))
                    continue
                try:
                    await handle(self, decoded)
                except Exception:
                    log.exception("unexpected failure handling a %s message", decoded["type"])
                    await self.close(CloseCode.INTERNAL_SERVER_ERROR, "Internal server error")
        finally:
            await self._release()

    def send(self, message: Message) -> None:
        self.outbox.put(encode(message))

    def pong(self, payload: dict[str, Any] | None) -> None:
        """Answer a ping once every operation subscribed before it listens upstream (at most `PONG_WAIT`
        later): a client that must not miss the next event subscribes, pings, and acts on the pong."""
        pong: Message = {"type": "pong", "payload": payload} if payload else {"type": "pong"}
        starting = [operation for operation in self.operations.values() if not operation.started]
        if not starting and self._pong is None:
            self.send(pong)
            return
        self._pong = asyncio.get_running_loop().create_task(self._pong_later(self._pong, starting, pong))
        self._tasks.add(self._pong)
        self._pong.add_done_callback(self._tasks.discard)

    async def _pong_later(self, before: asyncio.Task[None] | None, starting: list[Operation], pong: Message) -> None:
        if before is not None:  # pongs keep the order of their pings
            with contextlib.suppress(Exception):
                await before
        if starting:
            waits = [asyncio.ensure_future(operation.wait_started()) for operation in starting]
            try:
                await asyncio.wait(waits, timeout=PONG_WAIT)
            finally:
                for wait in waits:
                    wait.cancel()
        if not self.closing:
            self.send(pong)
        if self._pong is asyncio.current_task():
            self._pong = None

    def accept(self, caller: Caller) -> None:
        """The caller is verified: acknowledge, and close when their token expires."""
        self.caller = caller
        self.headers["authorization"] = caller.authorization
        self.send({"type": "connection_ack"})
        expires_in = max(0.0, caller.valid_until - time.time())
        self._schedule("expiry", expires_in, self._expired)
        if self.settings.ws_keepalive > 0:
            self._schedule("keepalive", self.settings.ws_keepalive, self._keepalive)

    def init_received_now(self) -> None:
        self.init_received = True
        self._cancel_timer("init")

    async def close(self, code: CloseCode, reason: str, *, flush: bool = True) -> None:
        """Stop every operation, write what is queued (unless the client is the problem), close."""
        if self.closing:
            return
        self.closing = True
        self._stop_operations()
        if flush:
            await self.outbox.flush(self.settings.ws_close_timeout)
        await self.outbox.stop()
        message = {"type": "websocket.close", "code": int(code), "reason": limit_reason(reason)}
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            await asyncio.wait_for(self._send(message), self.settings.ws_close_timeout)

    def close_soon(self, code: CloseCode, reason: str, *, flush: bool = True) -> None:
        """`close` from a callback that cannot wait for it."""
        task = asyncio.get_running_loop().create_task(self.close(code, reason, flush=flush))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _slow_consumer(self) -> None:
        metrics.SLOW_CONSUMERS.inc()
        reason = f"Slow consumer: more than {self.settings.ws_send_queue} messages were waiting"
        self.close_soon(CloseCode.SLOW_CONSUMER, reason, flush=False)

    def _init_timeout(self) -> None:
        if not self.init_received:
            self.close_soon(CloseCode.TIMEOUT, "Connection initialisation timeout")

    def _expired(self) -> None:
        self.close_soon(CloseCode.TOKEN_EXPIRED, "Token expired: refresh it and reconnect")

    def _keepalive(self) -> None:
        if self.closing:
            return
        if self.awaiting_pong:
            self.close_soon(CloseCode.TIMEOUT, "Keep-alive timeout: no pong to the last ping", flush=False)
            return
        self.awaiting_pong = True
        self.send({"type": "ping"})
        self._schedule("keepalive", self.settings.ws_keepalive, self._keepalive)

    def _schedule(self, name: str, delay: float, callback: Callable[[], None]) -> None:
        self._cancel_timer(name)
        self._timers[name] = asyncio.get_running_loop().call_later(delay, callback)

    def _cancel_timer(self, name: str) -> None:
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()

    def _stop_operations(self) -> None:
        for name in list(self._timers):
            self._cancel_timer(name)
        operations, self.operations = list(self.operations.values()), {}
        for operation in operations:
            operation.cancel()

    async def _release(self) -> None:
        self.closing = True
        self._stop_operations()
        await self.outbox.stop()
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
