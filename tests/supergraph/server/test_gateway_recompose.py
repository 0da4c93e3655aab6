"""Composing at start from subgraph URLs, re-composing on SDL changes, keeping the last good."""

from __future__ import annotations

import asyncio

from supergraph.pipeline.types import GraphQLRequest
from supergraph.server.runtime import GatewayRuntime
from supergraph.server.settings import GatewaySettings
from tests.supergraph.fixtures import entities
from tests.supergraph.tiny_subgraph import serve_subgraphs

USER_FIELDS = '{ __type(name: "User") { fields { name } } }'


async def _user_fields(runtime: GatewayRuntime) -> list[str]:
    assert runtime.gateway is not None
    response = await runtime.gateway.handle(GraphQLRequest(query=USER_FIELDS))
    return [f["name"] for f in response.body["data"]["__type"]["fields"]]


async def test_composes_at_start_and_keeps_the_last_good_supergraph() -> None:
    async with serve_subgraphs(entities.subgraphs()) as subgraphs:
        accounts = subgraphs[0]
        listing = ",".join(f"{s.name}={s.url}" for s in subgraphs)
        runtime = GatewayRuntime(GatewaySettings(subgraphs=listing, poll_interval=3600))
        await runtime.start()
        try:
            assert runtime.source is not None
            for _ in range(200):
                if runtime.gateway is not None:
                    break
                await asyncio.sleep(0.02)
            first = runtime.gateway
            assert first is not None
            response = await first.handle(GraphQLRequest(query="{ me { name } }"))
            assert response.body == {"data": {"me": {"name": "Ada"}}}

            # a change that cannot compose: `name` defined twice, not shareable
            original = accounts.sdl
            accounts.sdl = original + '\n type Product @key(fields: "upc") { upc: ID! name: String! }'
            assert await runtime.source.refresh() is False
            assert runtime.gateway is first
            assert "Product.name" in runtime.source.last_errors[0]

            # a good change: served at once
            accounts.sdl = original.replace("name: String!", "name: String! email: String")
            assert await runtime.source.refresh() is True
            assert runtime.gateway is not first
            assert await _user_fields(runtime) == ["id", "name", "email"]

            # nothing changed: nothing recomposed
            current = runtime.gateway
            assert await runtime.source.refresh() is False
            assert runtime.gateway is current
        finally:
            await runtime.stop()


async def test_unreachable_subgraph_keeps_serving() -> None:
    async with serve_subgraphs(entities.subgraphs()) as subgraphs:
        listing = ",".join(f"{s.name}={s.url}" for s in subgraphs)
        runtime = GatewayRuntime(GatewaySettings(subgraphs=listing, poll_interval=3600))
        await runtime.start()
        try:
            assert runtime.source is not None
            await runtime.source.refresh()
            served = runtime.gateway
            runtime.source.subgraphs = [*runtime.source.subgraphs[:2], ("reviews", "http://127.0.0.1:9/graphql")]
            assert await runtime.source.refresh() is False
            assert runtime.gateway is served
            assert "reviews" in runtime.source.last_errors[0]
        finally:
            await runtime.stop()
