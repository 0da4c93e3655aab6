"""A subscription through the gateway: opened on the owning subgraph over graphql-transport-ws,
each event completed with entity fetches to other subgraphs; upstream errors, completion,
refusal and disconnects reach the client."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, live_federation, new_ticket
from tests.supergraph.tiny_subgraph import TinySubgraph
from tests.supergraph.ws_client import connect


async def test_events_are_completed_with_entity_fetches(live: LiveFederation) -> None:
    ticket = new_ticket()
    async with live.gateway() as gateway, connect(gateway.ws_url) as client:
        assert (await client.init(live.issuer.bearer()))["type"] == "connection_ack"
        await client.subscribe("1", MESSAGE_ADDED, {"t": "t1"})
        await client.subscribe("2", MESSAGE_ADDED, {"t": ticket})
        await live.chat.wait_active("t1", 1)
        await live.chat.wait_active(ticket, 1)
        live.chat.publish("t1", "hello", author="u2")
        message = await client.receive()
        live.chat.finish("t1")
        done = await client.receive()
    assert message == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"messageAdded": {"text": "hello", "author": {"name": "Grace"},
                                              "ticket": {"title": "Printer on fire"}}}},
    }
    assert done == {"id": "1", "type": "complete"}  # the subgraph completed it: so does the gateway


async def test_errors_in_events_reach_the_client_with_their_subgraph(live: LiveFederation) -> None:
    ticket = new_ticket()
    query = "subscription($t: ID!) { messageAdded(ticketId: $t) { text mood ticket { title } } }"
    # every event asks the tickets subgraph again (by default the first answer would serve the second event)
    async with live.gateway(subscription_answer_ttl=0) as gateway, connect(gateway.ws_url) as client:
        await client.init(live.issuer.bearer())
        await client.subscribe("1", query, {"t": ticket})
        await live.chat.wait_active(ticket, 1)
        live.chat.publish(ticket, "boom")
        with_subgraph_error = (await client.receive())["payload"]
        live.tickets.status = 503
        try:
            live.chat.publish(ticket, "calm")
            with_entity_error = (await client.receive())["payload"]
        finally:
            live.tickets.status = 200
    assert with_subgraph_error["data"] == {"messageAdded": {"text": "boom", "mood": None,
                                                             "ticket": {"title": "Untitled"}}}
    [error] = with_subgraph_error["errors"]
    assert error["message"] == "cannot read the mood of this message"
    assert error["path"] == ["messageAdded", "mood"]
    assert error["extensions"]["service"] == "chat"
    assert with_entity_error["data"] is None  # Message.ticket is non-null: the null propagates
    assert with_entity_error["errors"][0]["extensions"] == {"code": "SUBGRAPH_EXECUTION_FAILURE",
                                                           "service": "tickets"}


async def test_a_subgraph_refusing_the_connection_ends_the_subscription(live: LiveFederation) -> None:
    authorization = live.issuer.bearer(user="u3", company="c3")
    live.chat.refused.add(authorization)
    async with live.gateway() as gateway, connect(gateway.ws_url) as client:
        await client.init(authorization)
        await client.subscribe("1", MESSAGE_ADDED, {"t": new_ticket()})
        refused = await client.receive()
    assert refused["id"] == "1" and refused["type"] == "error"
    assert refused["payload"][0]["extensions"] == {"code": "FORBIDDEN", "service": "chat"}


async def test_a_subgraph_going_away_ends_the_subscription_with_an_error(tmp_path: Path) -> None:
    async with live_federation(tmp_path) as own:
        ticket = new_ticket()
        async with own.gateway() as gateway, connect(gateway.ws_url) as client:
            await client.init(own.issuer.bearer())
            await client.subscribe("1", MESSAGE_ADDED, {"t": ticket})
            await own.chat.wait_active(ticket, 1)
            own.chat_server.should_exit = True  # the chat subgraph shuts down
            ended = await client.receive()
            await client.subscribe("2", "{ me { name } }")  # the socket itself is fine
            assert (await client.receive())["type"] == "next"
    assert ended["id"] == "1" and ended["type"] == "error"
    [error] = ended["payload"]
    assert error["extensions"] == {"code": "SUBGRAPH_SUBSCRIPTION_FAILED", "service": "chat"}
    assert error["message"].startswith("subgraph 'chat' closed the subscription connection (1012")


async def test_completions_for_many_callers_are_concurrent_but_bounded(live: LiveFederation) -> None:
    """One event to ten callers is ten entity fetches (never shared across callers): sent at once, but no more than
    `subscription_completions` at a time, and every caller gets the event."""
    ticket, callers = new_ticket(), 10
    async with live.gateway(subscription_completions=3) as gateway, contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(connect(gateway.ws_url)) for _ in range(callers)]
        for n, client in enumerate(clients):
            await client.init(live.issuer.bearer(user=f"caller-{n}"))
            await client.subscribe("1", MESSAGE_ADDED, {"t": ticket})
        await live.chat.wait_active(ticket, callers)
        live.users.delay, live.users.most_in_flight = 0.2, 0
        try:
            live.chat.publish(ticket, "to everyone", author="u2")
            frames = await asyncio.gather(*(client.receive() for client in clients))
        finally:
            live.users.delay = 0.0
    assert [f["payload"]["data"]["messageAdded"]["author"] for f in frames] == [{"name": "Grace"}] * callers
    assert 2 <= live.users.most_in_flight <= 3


def _entity_fetches(subgraph: TinySubgraph) -> int:
    return sum("_entities" in request["body"].get("query", "") for request in subgraph.requests)


async def test_a_callers_entity_answers_serve_its_next_events_for_a_while_and_never_another_caller(
    live: LiveFederation,
) -> None:
    """The same author in the next events of one caller's subscription is not asked for again within the answers'
    time to live; each caller asks for its own; an answer with errors is asked for again; after the time to live,
    asked again."""
    ticket, ttl = new_ticket(), 1.0
    async with live.gateway(subscription_answer_ttl=ttl) as gateway, connect(gateway.ws_url) as first, \
            connect(gateway.ws_url) as second:
        for n, client in enumerate((first, second)):
            await client.init(live.issuer.bearer(user=f"caller-{n}"))
            await client.subscribe("1", MESSAGE_ADDED, {"t": ticket})
        await live.chat.wait_active(ticket, 2)

        async def event(text: str, author: str) -> list[str]:
            live.chat.publish(ticket, text, author=author)
            frames = [await first.receive(), await second.receive()]
            return [f["payload"]["data"]["messageAdded"]["author"]["name"] for f in frames]

        users, tickets = _entity_fetches(live.users), _entity_fetches(live.tickets)
        assert await event("one", "u2") == ["Grace", "Grace"]
        assert (_entity_fetches(live.users), _entity_fetches(live.tickets)) == (users + 2, tickets + 2)
        assert await event("two", "u2") == ["Grace", "Grace"]  # from each caller's own answers
        assert (_entity_fetches(live.users), _entity_fetches(live.tickets)) == (users + 2, tickets + 2)
        assert await event("three", "u3") == ["Edsger", "Edsger"]  # another author: asked
        assert _entity_fetches(live.users) == users + 4

        live.users.status = 503
        try:
            live.chat.publish(ticket, "four", author="u1")
            refused = [await first.receive(), await second.receive()]
        finally:
            live.users.status = 200
        assert all(f["payload"]["errors"][0]["extensions"]["service"] == "users" for f in refused)
        assert await event("five", "u1") == ["Ada", "Ada"]  # the refusal was kept nowhere: asked again
        assert _entity_fetches(live.users) == users + 8

        await asyncio.sleep(ttl + 0.1)  # the time to live passes: nothing else can show it
        asked = _entity_fetches(live.users)
        assert await event("six", "u2") == ["Grace", "Grace"]
        assert _entity_fetches(live.users) == asked + 2
