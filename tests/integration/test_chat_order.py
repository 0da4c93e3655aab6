"""Live chat messages in the order history shows them: three people write into one ticket at once through two
gateways, each on its own chat instance (one RabbitMQ), while six tabs listen on both; every tab receives every
message, in exactly the order the ticket's history then lists them (copies of messages taken by different
instances overtook each other: 52 of 3,580 deliveries came out of order under load)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest

from tests.integration.live_stack import LiveStack, live_stack
from tests.supergraph.ws_client import ProtocolClient, connect, listening

pytestmark = pytest.mark.amqp

MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { id kind text } }"
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
HISTORY = """query($t: ID!) { ticket(id: $t) { messages(first: 100, oldestFirst: true) {
  edges { node { id kind text } } } } }"""
EACH = 20


@pytest.fixture(scope="module")
async def stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    async with live_stack(amqp_url, mongo_url, http, chats=2) as running:
        yield running


async def test_every_tab_hears_the_messages_in_the_historys_order(stack: LiveStack) -> None:
    chat_a, chat_b = stack.chats
    async with stack.gateway(chat_a) as gateway_a, stack.gateway(chat_b) as gateway_b, AsyncExitStack() as tabs:
        desk = await stack.desk(gateway_a.url)
        ticket = desk.ticket["id"]
        listeners: list[tuple[ProtocolClient, str]] = []
        for n in range(6):
            tab = await tabs.enter_async_context(connect((gateway_a, gateway_b)[n % 2].ws_url))
            await tab.init(f"Bearer {(desk.customer, desk.agent, desk.admin)[n % 3].person.client.token}")
            [operation] = await listening(tab, (MESSAGE_ADDED, {"t": ticket}))
            listeners.append((tab, operation))
        writers = [desk.customer, desk.agent.through(gateway_b.url), desk.admin.through(gateway_b.url)]

        async def write(index: int) -> None:
            member = writers[index]
            for n in range(EACH):
                await member.ok(SEND, {"t": ticket, "x": f"writer {index} message {n}"})

        await asyncio.gather(*(write(i) for i in range(len(writers))))
        total = EACH * len(writers)
        heard = await asyncio.gather(*(_texts(tab, operation, total) for tab, operation in listeners))
        history = (await desk.customer.ok(HISTORY, {"t": ticket}))["ticket"]["messages"]["edges"]
    stored = [e["node"]["id"] for e in history if e["node"]["kind"] == "TEXT"]
    assert len(stored) == total
    for n, received in enumerate(heard):
        assert received == stored, f"tab {n} heard {len(received)} messages, in another order than the history"


async def _texts(tab: ProtocolClient, operation: str, count: int) -> list[str]:
    ids: list[str] = []
    while len(ids) < count:
        message = await tab.receive(timeout=20)
        if message.get("id") == operation and message["type"] == "next":
            node = message["payload"]["data"]["messageAdded"]
            if node["kind"] == "TEXT":
                ids.append(node["id"])
    return ids
