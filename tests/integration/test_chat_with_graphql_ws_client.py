"""The protocol's reference client (npm `graphql-ws`) subscribes to the real chat through the gateway and
receives its messages with their federated fields; a query runs on the same socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.integration.live_stack import LiveStack, eventually, live_stack
from tests.supergraph.npm_packages import install_npm_packages
from tests.supergraph.server.test_gateway_graphql_ws_client import PACKAGES, _start

pytestmark = pytest.mark.amqp

MESSAGE_ADDED = """subscription($t: ID!) {
  messageAdded(ticketId: $t) { text author { name firstName lastName } ticket { title } } }"""
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"


@pytest.fixture(scope="module")
def modules() -> Path:
    return install_npm_packages("npm-graphql-ws", PACKAGES, "the graphql-ws reference client")


@pytest.fixture(scope="module")
async def stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    async with live_stack(amqp_url, mongo_url, http, chats=1) as running:
        yield running


async def test_the_reference_client_receives_chat_messages(modules: Path, stack: LiveStack) -> None:
    [chat] = stack.chats
    async with stack.gateway(chat) as gateway:
        desk = await stack.desk(gateway.url)
        ticket = desk.ticket["id"]
        client = await _start(modules, url=gateway.ws_url, authorization=f"Bearer {desk.customer.person.client.token}",
                              subscription=MESSAGE_ADDED, variables={"t": ticket}, events=2,
                              query="{ me { email } }")
        assert await client.line() == {"connected": True}
        feed = chat.runtime.state["chat"].live
        await eventually(lambda: feed.listeners(ticket) == 1, what="the subscription on chat")
        await desk.agent.ok(SEND, {"t": ticket, "x": "Hello from the desk"})
        first, query = await client.line(), await client.line()
        await desk.customer.ok(SEND, {"t": ticket, "x": "Thanks"})
        second = await client.line()
        assert await asyncio.wait_for(client.process.wait(), 10) == 0
    message = first["next"]["data"]["messageAdded"]
    assert message["text"] == "Hello from the desk" and message["ticket"] == {"title": desk.ticket["title"]}
    author = message["author"]  # chat's own read model: the names need no look-up in users
    assert author["firstName"] == "Agent" and author["name"] == f"Agent {author['lastName']}" and author["lastName"]
    assert second["next"]["data"]["messageAdded"]["text"] == "Thanks"
    assert query == {"query": {"data": {"me": {"email": desk.customer.person.email}}}}
