"""The graphql-transport-ws subgraph client on a real Strawberry subgraph: one connection per
caller with operations multiplexed, closed when the last operation ends; queries over it."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from supergraph.subscriptions.shared import READY
from supergraph.transport.base import SubgraphError, SubgraphRequest
from supergraph.transport.websocket import WebSocketSubgraphClient, websocket_url
from tests.supergraph.live_federation import LiveFederation, eventually, new_ticket

SUBSCRIPTION = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"


def test_websocket_urls_follow_the_http_ones() -> None:
    assert websocket_url("http://chat:3003/graphql") == "ws://chat:3003/graphql"
    assert websocket_url("https://chat.example/graphql") == "wss://chat.example/graphql"


async def test_one_connection_per_caller_closed_after_the_last_operation(live: LiveFederation) -> None:
    authorization, ticket = live.issuer.bearer(user="u2"), new_ticket()
    headers = {"authorization": authorization, "x-request-id": "r-1"}
    async with aiohttp.ClientSession() as session:
        client = WebSocketSubgraphClient("chat", websocket_url(live.chat_url), session, timeout=5, heartbeat=None)
        first = client.subscribe(SubgraphRequest(SUBSCRIPTION, {"t": ticket}, headers=headers))
        second = client.subscribe(SubgraphRequest(SUBSCRIPTION, {"t": ticket}, headers=headers))
        # each says first that the subgraph has it (`READY`: its pong to a ping sent after the subscribe)
        assert await asyncio.gather(anext(first), anext(second)) == [READY, READY]
        pending = [asyncio.ensure_future(anext(first)), asyncio.ensure_future(anext(second))]
        await live.chat.wait_active(ticket, 2)
        live.chat.publish(ticket, "both")
        events = await asyncio.gather(*pending)
        assert events == [{"data": {"messageAdded": {"text": "both"}}}] * 2
        assert len(live.chat.connected_with(authorization)) == 1 and client.connections == 1
        answer = await client.execute(SubgraphRequest("{ messages { id } }", headers=headers))
        assert answer == {"data": {"messages": []}}
        await first.aclose()
        await live.chat.wait_active(ticket, 1)
        await second.aclose()
        await live.chat.wait_active(ticket, 0)
        await eventually(lambda: client.connections == 0)
        await client.close()


async def test_unreachable_subgraphs_fail_with_the_subgraph_named() -> None:
    async with aiohttp.ClientSession() as session:
        client = WebSocketSubgraphClient("chat", "ws://127.0.0.1:9/graphql", session, timeout=2, heartbeat=None)
        with pytest.raises(SubgraphError) as failure:
            await anext(client.subscribe(SubgraphRequest(SUBSCRIPTION, {"t": "t1"})))
    assert failure.value.code == "SUBGRAPH_SUBSCRIPTION_FAILED"
    assert failure.value.subgraph == "chat"
    assert client.connections == 0
