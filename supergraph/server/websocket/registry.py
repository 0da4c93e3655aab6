"""The gateway's open client sockets: counted against a limit, closed together on shutdown."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from supergraph.graphql_ws.close_codes import CloseCode

if TYPE_CHECKING:
    from supergraph.server.websocket.connection import Connection

SHUTTING_DOWN = "The gateway is shutting down"


class Connections:
    """Every open connection, so shutdown can say 1001 to each (uvicorn alone would say 1012)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.closing = False
        self.open: set[Connection] = set()

    def refusal(self) -> tuple[CloseCode, str] | None:
        """Why a new connection cannot be served now, if it cannot."""
        if self.closing:
            return CloseCode.GOING_AWAY, SHUTTING_DOWN
        if len(self.open) >= self.limit:
            return CloseCode.TRY_AGAIN_LATER, "Too many connections, try again later"
        return None

    def add(self, connection: Connection) -> None:
        self.open.add(connection)

    def discard(self, connection: Connection) -> None:
        self.open.discard(connection)

    def __len__(self) -> int:
        return len(self.open)

    def subscriptions(self) -> int:
        return sum(len(connection.operations) for connection in self.open)

    async def close_all(self, code: CloseCode = CloseCode.GOING_AWAY, reason: str = SHUTTING_DOWN) -> None:
        """Refuse new connections and close every open one."""
        self.closing = True
        await asyncio.gather(*(c.close(code, reason) for c in list(self.open)), return_exceptions=True)
