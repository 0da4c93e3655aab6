"""What the gateway does with each message a client may send."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

from identity import KeysUnavailable
from supergraph.auth.tokens import Refused, Unauthenticated
from supergraph.errors import ErrorCode
from supergraph.graphql_ws.close_codes import CloseCode
from supergraph.graphql_ws.messages import (
    CompleteMessage,
    ConnectionInitMessage,
    Message,
    PingMessage,
    PongMessage,
    SubscribeMessage,
)
from supergraph.pipeline.types import GraphQLRequest, RequestError
from supergraph.server.websocket.connection import Connection
from supergraph.server.websocket.operations import SingleResultOperation, SubscriptionOperation, refuse

log = logging.getLogger("supergraph.websocket")


async def on_connection_init(connection: Connection, message: ConnectionInitMessage) -> None:
    if connection.init_received:
        await connection.close(CloseCode.TOO_MANY_INITIALISATION_REQUESTS, "Too many initialisation requests")
        return
    connection.init_received_now()
    authorization = authorization_of(message.get("payload"), connection.upgrade_headers)
    verifier = connection.runtime.verifier
    assert verifier is not None, "the runtime verifies tokens once started"
    try:
        caller = await verifier.verify(authorization)
    except Unauthenticated as error:
        await connection.close(CloseCode.UNAUTHORIZED, f"Unauthorized: {error}")
    except Refused as error:
        await connection.close(CloseCode.FORBIDDEN, f"Forbidden: {error}")
    except KeysUnavailable:
        log.warning("refusing a connection: the signing keys are unavailable")
        await connection.close(CloseCode.TRY_AGAIN_LATER, "Try again later: the signing keys are unavailable")
    else:
        stale = connection.runtime.revocations.stale(caller.claims, caller.issued_at)
        if stale is not None:  # revoked before this socket opened: refused as an open one would be closed
            await connection.close(*stale)
        elif not connection.closing:
            connection.accept(caller)


def authorization_of(payload: Mapping[str, Any] | None, upgrade_headers: Mapping[str, str]) -> str | None:
    """The credentials: `connection_init`'s `authorization` (browsers cannot set headers on a
    WebSocket), else an `Authorization` header on the upgrade request (other clients can)."""
    for name in ("authorization", "Authorization"):
        value = (payload or {}).get(name)
        if isinstance(value, str):
            return value
    return upgrade_headers.get("authorization")


async def on_ping(connection: Connection, message: PingMessage) -> None:
    connection.pong(message.get("payload"))


async def on_pong(connection: Connection, message: PongMessage) -> None:
    connection.awaiting_pong = False


async def on_subscribe(connection: Connection, message: SubscribeMessage) -> None:
    if not connection.acknowledged:
        await connection.close(CloseCode.UNAUTHORIZED, "Unauthorized")
        return
    operation_id = message["id"]
    if operation_id in connection.operations:
        await connection.close(CloseCode.SUBSCRIBER_ALREADY_EXISTS, f"Subscriber for {operation_id} already exists")
        return
    limit = connection.settings.ws_max_subscriptions
    if len(connection.operations) >= limit:
        refuse(connection, operation_id, f"This connection already runs {limit} operations.",
               ErrorCode.TOO_MANY_SUBSCRIPTIONS)
        return
    gateway = connection.runtime.gateway
    if gateway is None:
        refuse(connection, operation_id, "The gateway has no supergraph yet.", ErrorCode.SUPERGRAPH_UNAVAILABLE)
        return
    payload = message["payload"]
    request = GraphQLRequest(
        query=payload.get("query"),
        operation_name=payload.get("operationName") or None,
        variables=payload.get("variables"),
        extensions=payload.get("extensions"),
        headers=dict(connection.headers),
        document_id=payload.get("documentId"),
    )
    operation: SubscriptionOperation | SingleResultOperation
    try:
        connection.runtime.documents.resolve(request)
        prepared = gateway.prepare(request.query, request.operation_name)
        if prepared.operation.kind == "subscription":
            operation = SubscriptionOperation(connection, operation_id)
            operation.listening = gateway.subscribe(request, operation, prepared)
        else:
            operation = SingleResultOperation(connection, operation_id, gateway, request, prepared)
    except RequestError as error:
        connection.send({"id": operation_id, "type": "error", "payload": error.as_errors()})
        return
    connection.operations[operation_id] = operation


async def on_complete(connection: Connection, message: CompleteMessage) -> None:
    operation = connection.operations.pop(message["id"], None)
    if operation is not None:
        operation.cancel()


Handler = Callable[[Connection, Any], Awaitable[None]]
HANDLERS: dict[str, Handler] = {
    "connection_init": on_connection_init,
    "ping": on_ping,
    "pong": on_pong,
    "subscribe": on_subscribe,
    "complete": on_complete,
}


async def handle(connection: Connection, message: Message) -> None:
    """Dispatch one decoded client message (decoding admitted only these types)."""
    await HANDLERS[message["type"]](connection, cast(Any, message))
