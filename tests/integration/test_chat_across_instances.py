"""Live chat across instances: two gateways and two chat instances on one RabbitMQ (plus users and tickets).

A message posted through gateway A (so written by chat A) reaches a subscriber on gateway B (whose
subscription runs on chat B) with its federated fields; a subscriber of another company hears nothing.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import httpx
import pytest

from subgraphs.kernel.events.broadcast import LiveFeed
from tests.integration.live_stack import LiveStack, eventually, live_stack
from tests.supergraph.ws_client import connect

pytestmark = pytest.mark.amqp

PROVIDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { kind text author { name } ticket { title } } }"
# email and status are not provided by chat: the gateway completes each event with users and tickets
FETCHED = """subscription($t: ID!) { messageAdded(ticketId: $t) {
  kind text author { name email } ticket { title status assignee { name } } } }"""
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"


@pytest.fixture(scope="module")
async def stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    async with live_stack(amqp_url, mongo_url, http, chats=2) as running:
        yield running


def next_data(message: dict[str, Any], operation_id: str) -> dict[str, Any]:
    assert message["id"] == operation_id and message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["messageAdded"]


async def said(client: Any, operation_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The next message a person wrote, and the system messages (state changes, assignment) heard before it."""
    system = []
    while (message := next_data(await client.receive(timeout=10), operation_id))["kind"] == "SYSTEM":
        system.append(message)
    del message["kind"]
    return message, system


async def test_a_message_through_gateway_a_reaches_subscribers_on_gateway_b(stack: LiveStack) -> None:
    chat_a, chat_b = stack.chats
    async with stack.gateway(chat_a) as gateway_a, stack.gateway(chat_b) as gateway_b:
        victim, other = await stack.desk(gateway_a.url), await stack.desk(gateway_a.url)
        ticket = victim.ticket["id"]
        feed_b = chat_b.runtime.state["chat"].live
        async with connect(gateway_b.ws_url) as customer, connect(gateway_b.ws_url) as agent, \
                connect(gateway_b.ws_url) as outsider:
            for client, member in ((customer, victim.customer), (agent, victim.agent), (outsider, other.admin)):
                assert (await client.init(f"Bearer {member.person.client.token}"))["type"] == "connection_ack"
            await customer.subscribe("c", PROVIDED, {"t": ticket})
            await agent.subscribe("a", FETCHED, {"t": ticket})
            await outsider.subscribe("o", PROVIDED, {"t": other.ticket["id"]})
            await outsider.subscribe("x", PROVIDED, {"t": ticket})  # another company's ticket: refused
            refused = await outsider.receive()
            if refused["type"] == "next":  # an error result, then the end
                assert await outsider.receive() == {"id": "x", "type": "complete"}
            await eventually(lambda: feed_b.listeners(ticket) == 2, what="both subscriptions on chat B")
            await eventually(lambda: feed_b.listeners(other.ticket["id"]) == 1, what="outsider on chat B")

            await victim.agent.ok(SEND, {"t": ticket, "x": "On my way"})  # through gateway A, written by chat A

            provided, _ = await said(customer, "c")
            fetched, _ = await said(agent, "a")
            await other.customer.ok(SEND, {"t": other.ticket["id"], "x": "Ours"})
            theirs, before_theirs = await said(outsider, "o")

    assert refused["id"] == "x" and "NOT_FOUND" in str(refused), refused
    assert provided["text"] == "On my way" and provided["ticket"] == {"title": victim.ticket["title"]}
    agent_name = provided["author"]["name"]
    assert agent_name.startswith("Agent ")
    assert fetched == {"text": "On my way",
                       "author": {"name": agent_name, "email": victim.agent.person.email},
                       "ticket": {"title": victim.ticket["title"], "status": "OPEN", "assignee": {"name": agent_name}}}
    assert theirs["text"] == "Ours"  # the first thing the outsider heard: nothing of the victim came before it
    assert all(m["ticket"] == {"title": other.ticket["title"]} for m in before_theirs), before_theirs


async def test_and_the_other_way_round(stack: LiveStack) -> None:
    chat_a, chat_b = stack.chats
    async with stack.gateway(chat_a) as gateway_a, stack.gateway(chat_b) as gateway_b:
        desk = await stack.desk(gateway_b.url)
        ticket = desk.ticket["id"]
        async with connect(gateway_a.ws_url) as customer:
            await customer.init(f"Bearer {desk.customer.person.client.token}")
            await customer.subscribe("1", PROVIDED, {"t": ticket})
            feed_a = chat_a.runtime.state["chat"].live
            await eventually(lambda: feed_a.listeners(ticket) == 1, what="subscription on chat A")
            await desk.agent.ok(SEND, {"t": ticket, "x": "From B"})
            assert (await said(customer, "1"))[0]["text"] == "From B"


async def test_a_policy_changed_and_put_back_on_one_instance_holds_on_the_other_within_a_second(
        stack: LiveStack) -> None:
    chat_a, chat_b = stack.chats
    policy = """mutation { updateChatPolicy(input: {readableStatuses: [OPEN, IN_PROGRESS, ON_HOLD, RESOLVED, CLOSED,
      CANCELLED], writableStatuses: []}) { customised } }"""
    async with stack.gateway(chat_a) as gateway_a, stack.gateway(chat_b) as gateway_b:
        desk = await stack.desk(gateway_b.url)
        ticket = desk.ticket["id"]
        await desk.customer.ok(SEND, {"t": ticket, "x": "before"})  # chat B has read the policy now
        admin = stack.member(gateway_a.url, desk.tenant.admin, "company_admin")
        await admin.ok(policy)
        began = time.monotonic()

        async def refused() -> bool:
            return (await desk.customer(SEND, {"t": ticket, "x": "after"})).codes == ["FORBIDDEN"]

        await eventually(refused, timeout=5, what="the read-only policy on chat B")
        assert time.monotonic() - began < 2.0

        assert (await admin.ok("mutation { resetChatPolicy { customised } }"))["resetChatPolicy"] == {
            "customised": False}
        began = time.monotonic()

        async def accepted() -> bool:
            return not (await desk.customer(SEND, {"t": ticket, "x": "again"})).codes

        await eventually(accepted, timeout=5, what="the default policy back on chat B")
    assert time.monotonic() - began < 2.0


async def test_signing_out_everywhere_closes_the_persons_sockets_on_every_gateway(stack: LiveStack) -> None:
    """Each gateway hears the users service's security events on its own queue: the customer's sockets on both
    gateways close 4403 within a moment of `logout(everywhere: true)`, while the agent's stays open."""
    chat_a, chat_b = stack.chats
    async with stack.gateway(chat_a) as gateway_a, stack.gateway(chat_b) as gateway_b:
        desk = await stack.desk(gateway_a.url)
        ticket = desk.ticket["id"]
        async with connect(gateway_a.ws_url) as on_a, connect(gateway_b.ws_url) as on_b, \
                connect(gateway_b.ws_url) as agent:
            for client, member in ((on_a, desk.customer), (on_b, desk.customer), (agent, desk.agent)):
                assert (await client.init(f"Bearer {member.person.client.token}"))["type"] == "connection_ack"
                await client.subscribe("1", PROVIDED, {"t": ticket})
            for chat in stack.chats:
                feed: LiveFeed = chat.runtime.state["chat"].live
                await eventually(partial(_listened, feed, ticket), what="the subscriptions on chat")
            await desk.customer.ok("mutation { logout(everywhere: true) }")
            for client in (on_a, on_b):
                code, reason = await client.closed(timeout=5)
                assert code == 4403 and "user.signed_out" in (reason or ""), (code, reason)
            await desk.agent.ok(SEND, {"t": ticket, "x": "Anyone?"})
            message, _ = await said(agent, "1")
            assert message["text"] == "Anyone?"


def _listened(feed: LiveFeed, ticket: str) -> bool:
    return feed.listeners(ticket) >= 1
