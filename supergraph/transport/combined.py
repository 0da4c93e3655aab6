"""A subgraph's client: queries and mutations over HTTP, subscriptions over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from supergraph.transport.base import SubgraphRequest
from supergraph.transport.http import HttpSubgraphClient
from supergraph.transport.websocket import WebSocketSubgraphClient


class SubgraphTransports:
    """Each operation on the transport that suits it, behind the one `SubgraphClient` interface."""

    def __init__(self, http: HttpSubgraphClient, websocket: WebSocketSubgraphClient) -> None:
        self.name = http.name
        self.http = http
        self.websocket = websocket

    async def execute(self, request: SubgraphRequest) -> dict[str, Any]:
        return await self.http.execute(request)

    def subscribe(self, request: SubgraphRequest) -> AsyncIterator[dict[str, Any]]:
        return self.websocket.subscribe(request)

    async def close(self) -> None:
        await self.websocket.close()
        await self.http.close()
