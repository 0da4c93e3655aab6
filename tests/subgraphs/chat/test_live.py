"""Chat subscriptions on the chat subgraph (graphql-transport-ws): messages, typing and receipts reach those
who may read the chat, and nobody else, ever; a subscriber who loses the right is told and cut off."""

from __future__ import annotations

import gc
from typing import Any

from graphql.execution.collect_fields import CollectedFields

from tests.subgraphs.chat.harness import MESSAGE_ADDED, READ, TYPING, ChatDesk, sent
from tests.subgraphs.chat.test_messages import ticket_for
from tests.subgraphs.tickets.harness import Team
from tests.subgraphs.tickets.ticket.test_status import move
from tests.supergraph.ws_client import connect

TYPING_SUB = "subscription($t: ID!) { typing(ticketId: $t) { ticketId typing user { id name } } }"
RECEIPTS_SUB = "subscription($t: ID!) { readReceipt(ticketId: $t) { lastReadMessageId user { id name } } }"
UNWATCH = "mutation($id: ID!, $u: ID) { unwatchTicket(id: $id, userId: $u) { id } }"


def payload(message: dict[str, Any], field: str) -> Any:
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"][field]


async def test_a_participant_receives_each_new_message_with_its_author_and_ticket(chat_desk: ChatDesk,
                                                                                   team: Team) -> None:
    ticket = await ticket_for(chat_desk, team, title="Live printer")
    async with chat_desk.subscribed(team.customer, MESSAGE_ADDED, {"t": ticket["id"]}, ticket["id"]) as client:
        message = await sent(chat_desk, team.agent, ticket["id"], "Coming")
        received = payload(await client.receive(), "messageAdded")
        assert received == {"id": message["id"], "kind": "TEXT", "text": "Coming", "ticket": {"title": "Live printer"},
                            "author": {"id": team.agent.id, "name": message["author"]["name"]}}
        await chat_desk.settle()  # the agent's message answered the ticket: that change lands first
        await move(team.agent, ticket["id"], "IN_PROGRESS")
        system = payload(await client.receive(), "messageAdded")
        assert system["kind"] == "SYSTEM" and system["author"] is None and "IN_PROGRESS" in system["text"]
        mine = await sent(chat_desk, team.customer, ticket["id"], "Thanks")
        assert payload(await client.receive(), "messageAdded")["id"] == mine["id"]


def collected_fields() -> int:
    """How many of the executor's collected-subfield sets are alive (the services run in this process)."""
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing) is CollectedFields)  # isinstance would wake lazy modules


async def test_a_long_open_subscription_keeps_nothing_of_the_events_it_delivered(chat_desk: ChatDesk,
                                                                                 team: Team) -> None:
    """Each message to a subscriber is executed on its own: what one delivery collected is gone with it, so a chat
    screen left open all day does not make the chat instance grow by every message it was sent."""
    ticket = await ticket_for(chat_desk, team)
    async with chat_desk.subscribed(team.customer, MESSAGE_ADDED, {"t": ticket["id"]}, ticket["id"]) as client:
        async def exchange(count: int) -> None:
            for n in range(count):
                await sent(chat_desk, (team.agent, team.customer)[n % 2], ticket["id"], f"line {n}")
                assert payload(await client.receive(), "messageAdded")["text"] == f"line {n}"

        await exchange(4)
        before = collected_fields()
        await exchange(40)  # each delivery collects the message's, its ticket's and its author's fields
        assert collected_fields() - before < 20


async def test_typing_reaches_the_others(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    async with chat_desk.subscribed(team.customer, TYPING_SUB, {"t": ticket["id"]}, ticket["id"]) as client:
        (await chat_desk.talk(team.customer)(TYPING, {"t": ticket["id"], "on": True})).ok()  # not shown to oneself
        (await chat_desk.talk(team.agent)(TYPING, {"t": ticket["id"], "on": True})).ok()
        (await chat_desk.talk(team.agent)(TYPING, {"t": ticket["id"], "on": False})).ok()
        started, stopped = payload(await client.receive(), "typing"), payload(await client.receive(), "typing")
    assert started["user"]["id"] == team.agent.id and started["user"]["name"].startswith("Agent ")
    assert (started["typing"], stopped["typing"], started["ticketId"]) == (True, False, ticket["id"])
    assert await chat_desk.events("live.chat.typing") == []  # never stored


async def test_read_receipts_arrive_live(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    message = await sent(chat_desk, team.agent, ticket["id"], "Read this")
    async with chat_desk.subscribed(team.agent, RECEIPTS_SUB, {"t": ticket["id"]}, ticket["id"]) as client:
        (await chat_desk.talk(team.customer)(READ, {"t": ticket["id"]})).ok()
        receipt = payload(await client.receive(), "readReceipt")
    assert receipt["lastReadMessageId"] == message["id"] and receipt["user"]["id"] == team.customer.id
    assert receipt["user"]["name"].startswith("Customer ")


async def test_another_company_hears_nothing_ever(chat_desk: ChatDesk, team: Team) -> None:
    other = await chat_desk.team()
    victim, own = await ticket_for(chat_desk, team), await ticket_for(chat_desk, other)
    async with connect(chat_desk.ws_url) as client:
        await client.init(f"Bearer {other.admin.client.token}")
        await client.subscribe("victim", MESSAGE_ADDED, {"t": victim["id"]})
        refused = await client.receive()
        assert refused["id"] == "victim" and "NOT_FOUND" in str(refused), refused
    async with chat_desk.subscribed(other.admin, MESSAGE_ADDED, {"t": own["id"]}, own["id"]) as client:
        await sent(chat_desk, team.customer, victim["id"], "secret")
        mine = await sent(chat_desk, other.customer, own["id"], "ours")
        assert payload(await client.receive(), "messageAdded")["id"] == mine["id"]  # the first thing to arrive
        await client.silent(0.3)


async def test_only_readers_of_the_chat_may_subscribe(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    expected = {team.colleague.client.token: "NOT_FOUND", team.other_agent.client.token: "FORBIDDEN",
                None: "UNAUTHENTICATED"}
    for token, code in expected.items():
        async with connect(chat_desk.ws_url) as client:
            await client.init(f"Bearer {token}" if token else None)
            await client.subscribe("1", MESSAGE_ADDED, {"t": ticket["id"]})
            answer = await client.receive()
            assert answer["id"] == "1" and code in str(answer), (code, answer)


async def test_a_subscriber_who_stops_taking_part_is_told_and_cut_off(chat_desk: ChatDesk, team: Team) -> None:
    watcher = await chat_desk.person(team.tenant, "customer")
    await chat_desk.settle()
    ticket = await ticket_for(chat_desk, team, watcherIds=[watcher.id])
    async with chat_desk.subscribed(watcher, MESSAGE_ADDED, {"t": ticket["id"]}, ticket["id"]) as client:
        await team.customer.ok(UNWATCH, {"id": ticket["id"], "u": watcher.id})
        told, ended = await client.receive(), await client.receive()
        await sent(chat_desk, team.customer, ticket["id"], "after you left")
        await client.silent(0.3)
    assert told["type"] == "next" and told["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN", told
    assert ended == {"id": "1", "type": "complete"}
