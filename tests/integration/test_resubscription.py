"""A subscription a client has been told is live hears the next event, also right after chat restarted.

graphql-transport-ws does not acknowledge `subscribe`; a client that must not miss what comes next sends `ping`
after subscribing, and the gateway answers `pong` only once every subscription started before on the socket
listens upstream (chat, or tickets, has registered its listener). A subscription that failed instead (chat still
down) says so with its `error` before that pong. So: subscribe, ping, and on the pong act; that is what the tabs
below do, many at once, and again after chat restarted under them.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

import pytest

from subgraphs.tickets.ticket.live import ticket_key
from tests.integration.live_stack import LiveStack
from tests.subgraphs.tickets.harness import REPLY
from tests.supergraph.ws_client import ProtocolClient, connect, listening

pytestmark = pytest.mark.amqp

MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { kind text author { name } } }"
TICKET_UPDATED = "subscription($t: ID!) { ticketUpdated(ticketId: $t) { id publicCommentCount: commentCount } }"
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
TABS = 12


async def heard(client: ProtocolClient, operation: str, field: str, *, skip_system: bool = True) -> dict[str, Any]:
    """The next result of `operation` (chat's system messages aside), other operations' frames passed over."""
    while True:
        message = await client.receive(timeout=15)
        if message.get("id") != operation:
            continue
        assert message["type"] == "next" and "errors" not in message["payload"], message
        result = message["payload"]["data"][field]
        if not (skip_system and result.get("kind") == "SYSTEM"):
            return result


async def test_a_pong_after_subscribing_means_the_services_listen(stack: LiveStack) -> None:
    """Tabs on fresh sockets subscribe to the chat and the ticket and ping: when the pong comes, chat and tickets
    already hold the listeners (checked at once, without waiting), and the agent's next message and reply reach
    every tab."""
    [chat] = stack.chats
    chat_feed, tickets_feed = chat.runtime.state["chat"].live, stack.tickets.runtime.state["tickets_live"]
    async with stack.gateway(chat) as gateway, AsyncExitStack() as sockets:
        desk = await stack.desk(gateway.url)
        ticket = desk.ticket["id"]
        tabs, operations = [], []
        for n in range(TABS):
            tab = await sockets.enter_async_context(connect(gateway.ws_url))
            await tab.init(f"Bearer {(desk.customer if n % 2 else desk.agent).person.client.token}")
            operations.append(await listening(tab, (MESSAGE_ADDED, {"t": ticket}), (TICKET_UPDATED, {"t": ticket})))
            # one upstream subscription per caller and operation: the customer's and the agent's
            assert chat_feed.listeners(ticket) == min(n + 1, 2)
            assert tickets_feed.listeners(ticket_key(ticket)) == min(n + 1, 2)
            tabs.append(tab)

        await desk.agent.ok(SEND, {"t": ticket, "x": "Restarting your VPN profile"})
        await desk.agent.ok(REPLY, {"id": ticket, "i": {"body": "Done on our side."}})

        for tab, (chat_op, ticket_op) in zip(tabs, operations, strict=True):
            assert (await heard(tab, chat_op, "messageAdded"))["text"] == "Restarting your VPN profile"
            assert (await heard(tab, ticket_op, "ticketUpdated"))["id"] == ticket


async def test_every_subscription_resumed_after_chat_restarts_hears_the_next_message(stack: LiveStack) -> None:
    """Chat stops under open subscriptions: each ends with an error naming chat; the tabs subscribe again (failing
    while chat is away), and once each pong says it listens, the next message reaches every one of them."""
    [chat] = stack.chats
    async with stack.gateway(chat) as gateway, AsyncExitStack() as sockets:
        desk = await stack.desk(gateway.url)
        ticket = desk.ticket["id"]
        tabs = [await sockets.enter_async_context(connect(gateway.ws_url)) for _ in range(TABS)]
        members = [desk.customer if n % 2 else desk.agent for n in range(TABS)]
        for tab, member in zip(tabs, members, strict=True):
            await tab.init(f"Bearer {member.person.client.token}")
        first = [op for [op] in await asyncio.gather(*(listening(tab, (MESSAGE_ADDED, {"t": ticket})) for tab in tabs))]

        restarted = asyncio.ensure_future(stack.restart_chat())
        for tab, operation in zip(tabs, first, strict=True):
            while (message := await tab.receive(timeout=15)).get("id") != operation:
                pass
            assert message["type"] == "error", message
            assert message["payload"][0]["extensions"]["code"] == "SUBGRAPH_SUBSCRIPTION_FAILED", message
        again = [op for [op] in await asyncio.gather(*(listening(tab, (MESSAGE_ADDED, {"t": ticket})) for tab in tabs))]
        await restarted

        await desk.customer.ok(SEND, {"t": ticket, "x": "Is it back?"})
        for tab, operation in zip(tabs, again, strict=True):
            assert (await heard(tab, operation, "messageAdded"))["text"] == "Is it back?"
