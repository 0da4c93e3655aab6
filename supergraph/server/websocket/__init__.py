"""Subscriptions (and queries and mutations) over graphql-transport-ws on `/graphql`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supergraph.graphql_ws import SUBPROTOCOL
from supergraph.graphql_ws.close_codes import CloseCode
from supergraph.server.websocket.connection import Connection, Receive
from supergraph.server.websocket.outbox import Send

if TYPE_CHECKING:
    from supergraph.server.runtime import GatewayRuntime


async def serve_websocket(scope: dict[str, Any], receive: Receive, send: Send, runtime: GatewayRuntime) -> None:
    """Serve one client socket until it closes."""
    await receive()  # websocket.connect
    if scope["path"] != "/graphql":
        await send({"type": "websocket.close", "code": 1000})  # before accepting: HTTP 403
        return
    if SUBPROTOCOL not in scope.get("subprotocols", ()):
        await send({"type": "websocket.accept"})
        await _close(send, CloseCode.SUBPROTOCOL_NOT_ACCEPTABLE, "Subprotocol not acceptable")
        return
    await send({"type": "websocket.accept", "subprotocol": SUBPROTOCOL})
    refusal = runtime.connections.refusal()
    if refusal is not None:
        await _close(send, *refusal)
        return
    connection = Connection(scope, send, runtime)
    runtime.connections.add(connection)
    try:
        await connection.run(receive)
    finally:
        runtime.connections.discard(connection)


async def _close(send: Send, code: CloseCode, reason: str) -> None:
    await send({"type": "websocket.close", "code": int(code), "reason": reason})


__all__ = ["serve_websocket"]
