"""WebSocket close codes the gateway sends, with the reasons it gives."""

from __future__ import annotations

from enum import IntEnum


class CloseCode(IntEnum):
    """Every close code of the gateway's WebSocket endpoint (the 44xx ones are the protocol's)."""

    NORMAL = 1000
    GOING_AWAY = 1001  # the gateway is shutting down: reconnect, to another instance
    SLOW_CONSUMER = 1008  # the connection's send queue overflowed: events were lost
    TRY_AGAIN_LATER = 1013  # too many connections, or the signing keys are unreachable
    BAD_REQUEST = 4400  # a message that is not valid graphql-transport-ws
    UNAUTHORIZED = 4401  # no, an invalid or an expired token; or subscribe before the ack
    FORBIDDEN = 4403  # a valid token the gateway does not accept, or the session ended: sign in again
    TOKEN_EXPIRED = 4419  # the token expired or went stale while connected: refresh it and reconnect
    SUBPROTOCOL_NOT_ACCEPTABLE = 4406  # the client did not offer graphql-transport-ws
    TIMEOUT = 4408  # no connection_init in time, or no pong to a keep-alive ping in time
    SUBSCRIBER_ALREADY_EXISTS = 4409  # an operation id that is still running
    TOO_MANY_INITIALISATION_REQUESTS = 4429  # a second connection_init
    INTERNAL_SERVER_ERROR = 4500  # a fault of the gateway's own


def limit_reason(reason: str) -> str:
    """Close reasons must fit in a control frame (123 bytes of UTF-8)."""
    encoded = reason.encode("utf-8")
    if len(encoded) <= 123:
        return reason
    return encoded[:120].decode("utf-8", "ignore") + "..."
