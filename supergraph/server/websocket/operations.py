"""A connection's running operations: subscriptions fed by the shared feeds, and queries and
mutations answered once."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

from supergraph.errors import ErrorCode, graphql_error
from supergraph.execution.executor import with_service
from supergraph.graphql_ws.codec import next_frame
from supergraph.graphql_ws.messages import NextMessage, NextPayload
from supergraph.pipeline.types import GraphQLRequest, PreparedOperation
from supergraph.subscriptions.queue import BacklogExceeded
from supergraph.subscriptions.shared import Listening
from supergraph.transport.base import SubgraphError, SubgraphOperationError
from telemetry import tracing

if TYPE_CHECKING:
    from supergraph.gateway import Gateway
    from supergraph.server.websocket.connection import Connection

log = logging.getLogger("supergraph.websocket")
_RUNNING: set[asyncio.Task] = set()  # mutations run to the end even when nobody waits any more


class SubscriptionOperation:
    """A sink on a shared feed: each result becomes a `next`; the feed's end a `complete` or an
    `error` (an upstream disconnect ends the subscription with an error, never a silent retry:
    events in the gap would be lost without the client knowing)."""

    __slots__ = ("connection", "id", "listening")

    def __init__(self, connection: Connection, operation_id: str) -> None:
        self.connection = connection
        self.id = operation_id
        self.listening: Listening | None = None

    def push(self, payload: str) -> None:
        traceparent = getattr(payload, "traceparent", None)
        if traceparent is None:
            self.connection.outbox.put(next_frame(self.id, payload))
            return
        with tracing.span("gateway", "subscription deliver", kind=tracing.SpanKind.PRODUCER,
                          parent=tracing.context_of(traceparent), attributes={"graphql.operation.id": self.id}):
            self.connection.outbox.put(next_frame(self.id, payload))

    def end(self, error: BaseException | None) -> None:
        if self.connection.operations.get(self.id) is not self:
            return
        del self.connection.operations[self.id]
        if error is None:
            self.connection.send({"id": self.id, "type": "complete"})
        else:
            self.connection.send({"id": self.id, "type": "error", "payload": errors_of(error)})

    def cancel(self) -> None:
        if self.listening is not None:
            self.listening.close()

    @property
    def started(self) -> bool:
        return self.listening is None or self.listening.is_ready

    async def wait_started(self) -> None:
        if self.listening is not None:
            await self.listening.ready()


class SingleResultOperation:
    """A query or mutation over the socket, through the same pipeline as over HTTP."""

    __slots__ = ("connection", "id", "kind", "task")

    def __init__(self, connection: Connection, operation_id: str, gateway: Gateway, request: GraphQLRequest,
                 prepared: PreparedOperation) -> None:
        self.connection = connection
        self.id = operation_id
        self.kind = prepared.operation.kind
        self.task = asyncio.get_running_loop().create_task(self._run(gateway, request, prepared))
        _RUNNING.add(self.task)
        self.task.add_done_callback(_RUNNING.discard)

    async def _run(self, gateway: Gateway, request: GraphQLRequest, prepared: PreparedOperation) -> None:
        try:
            with tracing.span("gateway", f"{self.kind} over WebSocket", kind=tracing.SpanKind.SERVER):
                body = (await gateway.handle(request, prepared)).body
        except Exception:
            log.exception("unexpected failure executing an operation over WebSocket")
            body = {"data": None, "errors": [_internal()]}
        if self.connection.operations.get(self.id) is not self:
            return  # the client completed it, or the socket closed
        del self.connection.operations[self.id]
        if "data" not in body:  # refused before execution
            self.connection.send({"id": self.id, "type": "error", "payload": body.get("errors") or [_internal()]})
            return
        self.connection.send(NextMessage(id=self.id, type="next", payload=cast(NextPayload, body)))
        self.connection.send({"id": self.id, "type": "complete"})

    started = True  # nothing to listen for

    async def wait_started(self) -> None:
        pass

    def cancel(self) -> None:
        if self.kind == "query":  # a mutation may already have changed things: let it finish
            self.task.cancel()


def refuse(connection: Connection, operation_id: str, message: str, code: str) -> None:
    connection.send({"id": operation_id, "type": "error", "payload": [graphql_error(message, code)]})


def errors_of(error: BaseException) -> list[dict[str, Any]]:
    """How a subscription's failure reads to the client."""
    if isinstance(error, SubgraphOperationError):
        return [with_service(e, error.subgraph) for e in error.errors]
    if isinstance(error, SubgraphError):
        return [graphql_error(str(error), error.code, service=error.subgraph)]
    if isinstance(error, BacklogExceeded):
        message = "The gateway could not complete this subscription's events as fast as they came."
        return [graphql_error(message, ErrorCode.SUBSCRIPTION_BACKLOG)]
    log.error("a subscription failed", exc_info=error)
    return [_internal()]


def _internal() -> dict[str, Any]:
    return graphql_error("Internal gateway error.", ErrorCode.INTERNAL_SERVER_ERROR)
