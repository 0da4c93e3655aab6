"""The protocol's messages as typed dictionaries, one per message type."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

GraphQLFormattedError: TypeAlias = dict[str, Any]


class ConnectionInitMessage(TypedDict):
    """Client -> server: opens the session; the payload carries the credentials."""

    type: Literal["connection_init"]
    payload: NotRequired[dict[str, Any] | None]


class ConnectionAckMessage(TypedDict):
    """Server -> client: the session is open; operations may be subscribed."""

    type: Literal["connection_ack"]
    payload: NotRequired[dict[str, Any] | None]


class PingMessage(TypedDict):
    """Either direction: a liveness probe, answered with a pong."""

    type: Literal["ping"]
    payload: NotRequired[dict[str, Any] | None]


class PongMessage(TypedDict):
    """Either direction: the answer to a ping, or an unsolicited heartbeat."""

    type: Literal["pong"]
    payload: NotRequired[dict[str, Any] | None]


class SubscribePayload(TypedDict):
    """The GraphQL request inside a subscribe message."""

    query: str
    operationName: NotRequired[str | None]
    variables: NotRequired[dict[str, Any] | None]
    extensions: NotRequired[dict[str, Any] | None]


class SubscribeMessage(TypedDict):
    """Client -> server: run an operation (subscription, query or mutation) under `id`."""

    id: str
    type: Literal["subscribe"]
    payload: SubscribePayload


class NextPayload(TypedDict):
    """One execution result."""

    data: NotRequired[dict[str, Any] | None]
    errors: NotRequired[list[GraphQLFormattedError]]
    extensions: NotRequired[dict[str, Any]]


class NextMessage(TypedDict):
    """Server -> client: one result of operation `id`."""

    id: str
    type: Literal["next"]
    payload: NextPayload


class ErrorMessage(TypedDict):
    """Server -> client: operation `id` failed and is over; no complete follows."""

    id: str
    type: Literal["error"]
    payload: list[GraphQLFormattedError]


class CompleteMessage(TypedDict):
    """Either direction: operation `id` is over (server) or no longer wanted (client)."""

    id: str
    type: Literal["complete"]


Message: TypeAlias = (
    ConnectionInitMessage
    | ConnectionAckMessage
    | PingMessage
    | PongMessage
    | SubscribeMessage
    | NextMessage
    | ErrorMessage
    | CompleteMessage
)

# which messages each side may receive
FROM_CLIENT = frozenset({"connection_init", "ping", "pong", "subscribe", "complete"})
FROM_SERVER = frozenset({"connection_ack", "ping", "pong", "next", "error", "complete"})
