"""Identical subscriptions share one upstream subscription per (subgraph, operation, variables,
caller) and one completion per identical client operation; different callers never share."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from supergraph.gateway import Gateway
from tests.supergraph.gateway_harness import RunningGateway
from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, eventually, new_ticket
from tests.supergraph.ws_client import connect

TEXT_ONLY = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
ALIASED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text author { writer: name } ticket { title } } }"


@pytest.fixture(scope="module")
async def gateway(live: LiveFederation) -> AsyncIterator[RunningGateway]:
    async with live.gateway() as running:
        yield running


def _hub(gateway: RunningGateway) -> Gateway:
    served = gateway.app.runtime.gateway
    assert served is not None
    return served


def _text(message: dict) -> str:
    return message["payload"]["data"]["messageAdded"]["text"]


async def test_one_upstream_for_identical_subscriptions_with_reference_counting(
    live: LiveFederation, gateway: RunningGateway
) -> None:
    ticket, authorization = new_ticket(), live.issuer.bearer(user="u1")
    hub = _hub(gateway).subscriptions
    async with connect(gateway.ws_url) as first, connect(gateway.ws_url) as second:
        await first.init(authorization)
        await second.init(authorization)
        await first.subscribe("a", MESSAGE_ADDED, {"t": ticket})
        await second.subscribe("b", MESSAGE_ADDED, {"t": ticket})
        await first.subscribe("c", MESSAGE_ADDED, {"t": ticket})  # twice on one connection too
        await eventually(lambda: hub.feeds.listeners() == 3)
        await live.chat.wait_active(ticket, 1)
        assert len(hub.upstreams) == 1 and hub.upstreams.listeners() == 1
        assert len(live.chat.connected_with(authorization)) == 1
        live.users.requests.clear()
        live.chat.publish(ticket, "one", author="u2")
        received = [await first.receive(), await first.receive(), await second.receive()]
        assert sorted(m["id"] for m in received) == ["a", "b", "c"]
        assert {_text(m) for m in received} == {"one"}
        assert len(live.users.requests) == 1  # the event was completed once for all three
        await first.complete("a")
        await first.complete("c")
        live.chat.publish(ticket, "two")
        assert _text(await second.receive()) == "two"
        assert live.chat.active(ticket) == 1
        await second.complete("b")  # the last one out tears the upstream down
        await live.chat.wait_active(ticket, 0)
        await eventually(lambda: len(hub.upstreams) == 0 and len(hub.feeds) == 0)


async def test_different_callers_get_their_own_upstream(live: LiveFederation, gateway: RunningGateway) -> None:
    ticket = new_ticket()
    ada, other_company = live.issuer.bearer(user="u1"), live.issuer.bearer(user="u9", company="c2")
    async with connect(gateway.ws_url) as first, connect(gateway.ws_url) as second:
        await first.init(ada)
        await second.init(other_company)
        await first.subscribe("1", MESSAGE_ADDED, {"t": ticket})
        await second.subscribe("1", MESSAGE_ADDED, {"t": ticket})
        await live.chat.wait_active(ticket, 2)
        assert len(live.chat.connected_with(ada)) == 1
        assert len(live.chat.connected_with(other_company)) == 1
        live.chat.publish(ticket, "hi")
        assert _text(await first.receive()) == "hi"
        assert _text(await second.receive()) == "hi"
    await live.chat.wait_active(ticket, 0)


async def test_selections_differing_in_other_subgraphs_share_the_upstream_not_the_completion(
    live: LiveFederation, gateway: RunningGateway
) -> None:
    ticket, authorization = new_ticket(), live.issuer.bearer(user="u2")
    hub = _hub(gateway).subscriptions
    async with connect(gateway.ws_url) as client:
        await client.init(authorization)
        await client.subscribe("full", MESSAGE_ADDED, {"t": ticket})
        await client.subscribe("aliased", ALIASED, {"t": ticket})  # same chat fetch, other users fields
        await client.subscribe("text", TEXT_ONLY, {"t": ticket})  # another chat fetch
        await client.subscribe("other", TEXT_ONLY, {"t": new_ticket()})  # other variables
        await eventually(lambda: len(hub.feeds) == 4 and len(hub.upstreams) == 3)
        await live.chat.wait_active(ticket, 2)
        live.chat.publish(ticket, "hey", author="u1")
        messages = {m["id"]: m["payload"] for m in [await client.receive() for _ in range(3)]}
    assert messages == {
        "full": {"data": {"messageAdded": {"text": "hey", "author": {"name": "Ada"},
                                           "ticket": {"title": "Untitled"}}}},
        "aliased": {"data": {"messageAdded": {"text": "hey", "author": {"writer": "Ada"},
                                              "ticket": {"title": "Untitled"}}}},
        "text": {"data": {"messageAdded": {"text": "hey"}}},
    }
    assert len(live.chat.connected_with(authorization)) == 1  # one connection, operations multiplexed
