"""A ticket's chat the moment the ticket exists, through the gateway: the chat's read model of tickets may not have
heard of the new ticket yet (its event is on the way), and the creator must not be told it does not exist."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from pymongo import AsyncMongoClient

from subgraphs.chat.access.service import JOIN_WAIT
from subgraphs.chat.tickets.model import ARRIVAL_WAIT, CLOCK_DRIFT, FIELDS_WAIT, NewTickets
from subgraphs.kernel import clock
from subgraphs.kernel.events.contracts.tickets import CREATED
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.mongo import Database
from tests.harness import free_port
from tests.integration.live_stack import eventually
from tests.subgraphs.chat.harness import ChatDesk
from tests.subgraphs.tickets.harness import ASSIGN, Team
from tests.supergraph.ws_client import connect

TICKETS_CONSUMER = "aurontek.chat.tickets"  # the ticket's changes
NEW_TICKETS_CONSUMER = "aurontek.chat.new-tickets"  # its creation
LAG = 0.5  # how long the chat's read model stays behind the ticket's creation
MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { text } }"
WATCH = "mutation($id: ID!, $u: ID) { watchTicket(id: $id, userId: $u) { id } }"
MESSAGES = "query($t: ID!) { ticket(id: $t) { messages(first: 10) { edges { node { text } } } } }"
UNKNOWN = "6a0000000000000000000abc"  # an id minted long ago: answered at once


@contextlib.asynccontextmanager
async def unheard(chat_desk: ChatDesk) -> AsyncIterator[None]:
    """Chat hears of no new ticket meanwhile: both queues that may bring it one are held."""
    async with chat_desk.bus.held(NEW_TICKETS_CONSUMER), chat_desk.bus.held(TICKETS_CONSUMER):
        yield


async def test_a_chat_opened_right_after_creating_the_ticket_receives_its_messages(chat_desk: ChatDesk, team: Team,
                                                                                  gateway_url: str) -> None:
    customer = chat_desk.through(gateway_url, team.customer)
    async with connect(gateway_url.replace("http://", "ws://", 1) + "/graphql") as client:
        await client.init(f"Bearer {team.customer.client.token}")
        async with unheard(chat_desk):
            ticket = await team.ticket(customer, title="Screen flickers")
            await client.subscribe("1", MESSAGE_ADDED, {"t": ticket["id"]})
            sending = asyncio.create_task(customer(SEND, {"t": ticket["id"], "x": "Anyone there?"}))
            await asyncio.sleep(LAG)
        await eventually(lambda: chat_desk.feed.listeners(ticket["id"]) == 1, what="the subscription on chat")
        assert (await sending).ok() == {"sendChatMessage": {"text": "Anyone there?"}}
        await customer.ok(SEND, {"t": ticket["id"], "x": "Hello?"})
        texts = [(await client.receive())["payload"] for _ in range(2)]
    # the first message may have been stored before the subscription listened; the second is surely delivered
    assert {"data": {"messageAdded": {"text": "Hello?"}}} in texts, texts


async def test_a_new_ticket_reaches_the_chat_ahead_of_the_changes_of_others(chat_desk: ChatDesk, team: Team,
                                                                            gateway_url: str) -> None:
    """Its creation does not wait behind the other tickets' events: with those held, the customer who raised it still
    writes in its chat at once."""
    customer = chat_desk.through(gateway_url, team.customer)
    async with chat_desk.bus.held(TICKETS_CONSUMER):
        await team.assigned()  # a change of another ticket, waiting in the held queue
        ticket = await team.ticket(customer, title="Docking station")
        started = time.monotonic()
        assert (await customer(SEND, {"t": ticket["id"], "x": "Hello"})).ok() == {"sendChatMessage": {"text": "Hello"}}
        assert time.monotonic() - started < ARRIVAL_WAIT / 2  # not waited for


async def test_a_new_ticket_its_own_queue_did_not_bring_comes_with_the_tickets_changes(
        chat_desk: ChatDesk, team: Team, gateway_url: str) -> None:
    """A creation only the tickets queue holds (raised before the new-tickets queue existed, in an upgrade) still
    reaches the chat."""
    customer = chat_desk.through(gateway_url, team.customer)
    new_tickets = chat_desk.chat.runtime.state["chat"].new_tickets
    recorded, new_tickets.since = new_tickets.since, clock.now() + timedelta(minutes=5)  # the queue came after it
    try:
        async with chat_desk.bus.held(NEW_TICKETS_CONSUMER):
            ticket = await team.ticket(customer, title="Webcam is dark")
            sent = await customer(SEND, {"t": ticket["id"], "x": "Hi"})
            assert sent.ok() == {"sendChatMessage": {"text": "Hi"}}
    finally:
        new_tickets.since = recorded
    await chat_desk.settle()
    assert (await customer.ok(MESSAGES, {"t": ticket["id"]}))["ticket"]["messages"] == {
        "edges": [{"node": {"text": "Hi"}}]}


async def test_an_unknown_ticket_is_still_not_found_at_once(chat_desk: ChatDesk, team: Team,
                                                            gateway_url: str) -> None:
    async with connect(gateway_url.replace("http://", "ws://", 1) + "/graphql") as client:
        await client.init(f"Bearer {team.customer.client.token}")
        await client.subscribe("1", MESSAGE_ADDED, {"t": UNKNOWN})
        answer = await client.receive(timeout=2)
    assert [e["extensions"]["code"] for e in answer["payload"]["errors"]] == ["NOT_FOUND"], answer


PAGE = """query($t: ID!) { ticket(id: $t) { title status canChat unreadCount
  messages(first: 10) { edges { node { text } } } } }"""


async def test_the_page_of_a_ticket_chat_has_not_heard_of_yet_loads_without_its_chat(
        chat_desk: ChatDesk, team: Team, gateway_url: str) -> None:
    customer = chat_desk.through(gateway_url, team.customer)
    async with unheard(chat_desk):
        ticket = await team.ticket(customer, title="Mouse lags")
        early = await customer(PAGE, {"t": ticket["id"]})
    assert not early.errors, early.errors
    assert early.data == {"ticket": {"title": "Mouse lags", "status": "OPEN", "canChat": False, "unreadCount": None,
                                     "messages": None}}
    await chat_desk.settle()
    later = (await customer.ok(PAGE, {"t": ticket["id"]}))["ticket"]
    assert later["canChat"] is True and later["messages"] == {"edges": []}, later


async def test_the_page_asked_during_a_short_lag_shows_the_chat(chat_desk: ChatDesk, team: Team,
                                                                gateway_url: str) -> None:
    customer = chat_desk.through(gateway_url, team.customer)
    async with unheard(chat_desk):
        ticket = await team.ticket(customer, title="Keyboard sticks")
        asking = asyncio.create_task(customer(PAGE, {"t": ticket["id"]}))
        await asyncio.sleep(LAG)
    page = (await asking).ok()["ticket"]
    assert page["canChat"] is True and page["unreadCount"] == 0 and page["messages"] == {"edges": []}, page


LIST = """{ tickets(first: 50) { edges { node { id unreadCount } } } }"""


async def test_a_list_with_a_ticket_chat_has_not_heard_of_yet_does_not_stall(chat_desk: ChatDesk, team: Team,
                                                                              gateway_url: str) -> None:
    customer = chat_desk.through(gateway_url, team.customer)
    async with unheard(chat_desk):
        ticket = await team.ticket(customer, title="Printer jams")
        began = time.monotonic()
        listed = (await customer.ok(LIST, {}))["tickets"]["edges"]
        took = time.monotonic() - began
    assert {"node": {"id": ticket["id"], "unreadCount": None}} in listed
    assert took < FIELDS_WAIT + 4, took  # not the 10 s a message waits


async def test_the_page_of_a_ticket_someone_was_just_added_to_loads_before_chat_hears_of_it(
        chat_desk: ChatDesk, team: Team, gateway_url: str) -> None:
    """Tickets shows a colleague the ticket they were added to a moment ago; chat's read model does not count them in
    yet. The page must load all the same (a null from chat would null the non-null canChat, and with it the whole
    ticket: the colleague was told it does not exist), without its chat until chat hears of them."""
    customer, colleague = (chat_desk.through(gateway_url, m) for m in (team.customer, team.colleague))
    ticket = await team.ticket(customer, title="Dock ignores the monitor")
    await chat_desk.settle()
    async with chat_desk.bus.held(TICKETS_CONSUMER):
        await team.admin.ok(WATCH, {"id": ticket["id"], "u": team.colleague.id})
        early = await colleague(PAGE, {"t": ticket["id"]})
    assert not early.errors, early.errors
    assert early.data == {"ticket": {"title": "Dock ignores the monitor", "status": "OPEN", "canChat": False,
                                     "unreadCount": None, "messages": None}}
    await chat_desk.settle()
    later = (await colleague.ok(PAGE, {"t": ticket["id"]}))["ticket"]
    assert later["canChat"] is True and later["messages"] == {"edges": []}, later


async def test_the_agent_a_ticket_was_just_assigned_to_writes_in_its_chat_before_chat_hears_of_it(
        chat_desk: ChatDesk, team: Team, gateway_url: str) -> None:
    """The agent given a ticket writes to its customer at once; chat's read model does not count them in yet. The
    message waits for it instead of being refused."""
    customer, agent = (chat_desk.through(gateway_url, m) for m in (team.customer, team.agent))
    ticket = await team.ticket(customer, title="VPN drops every hour")
    await chat_desk.settle()
    async with chat_desk.bus.held(TICKETS_CONSUMER):
        await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id})
        sending = asyncio.create_task(agent(SEND, {"t": ticket["id"], "x": "Looking at it now"}))
        await asyncio.sleep(LAG)
        assert not sending.done()
    assert (await sending).ok() == {"sendChatMessage": {"text": "Looking at it now"}}


async def test_a_colleague_not_on_the_ticket_is_still_refused(chat_desk: ChatDesk, team: Team,
                                                              gateway_url: str) -> None:
    """The wait is for someone put on the ticket: an agent of the company who is not on it is refused once it is
    over, and nothing is written."""
    customer, other = (chat_desk.through(gateway_url, m) for m in (team.customer, team.other_agent))
    ticket = await team.ticket(customer, title="Headset crackles")
    await chat_desk.settle()
    began = time.monotonic()
    refused = await other(SEND, {"t": ticket["id"], "x": "Hi"})
    took = time.monotonic() - began
    assert [e["extensions"]["code"] for e in refused.errors] == ["FORBIDDEN"], refused.errors
    assert JOIN_WAIT - 0.5 <= took < JOIN_WAIT + 3, took
    assert (await customer.ok(MESSAGES, {"t": ticket["id"]}))["ticket"]["messages"] == {"edges": []}


async def test_a_creation_comes_from_the_tickets_queue_too_only_around_the_first_start_with_its_own(
        chat_desk: ChatDesk) -> None:
    """Folding every creation twice cost two transactions that conflicted; only one raised before the new-tickets
    queue existed (or within the clocks' drift of it) may be in the tickets queue alone."""
    runtime = chat_desk.chat.runtime
    first, later = NewTickets(), NewTickets()  # this start, and a later one (or another replica)
    assert first.only_in_tickets_queue(Event(CREATED, {}))  # before it knows: every creation may be
    await first.record(runtime.db, runtime.declared)
    await later.record(runtime.db, runtime.declared)
    assert first.since is not None and later.since == first.since
    assert later.only_in_tickets_queue(Event(CREATED, {}, occurred_at=first.since - timedelta(days=1)))
    assert not later.only_in_tickets_queue(Event(CREATED, {}, occurred_at=first.since + CLOCK_DRIFT * 2))


async def test_while_the_database_is_away_creations_keep_coming_from_both_queues() -> None:
    """Not knowing when the new-tickets queue began, the tickets queue folds every creation (twice is harmless), and
    chat keeps asking until the database answers."""
    dead: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(f"mongodb://127.0.0.1:{free_port()}",
                                                              serverSelectionTimeoutMS=100)
    declared = asyncio.Event()
    declared.set()
    away = NewTickets()
    recording = asyncio.create_task(away.record(Database(dead, "chat"), declared, retry=0.05))
    try:
        await asyncio.sleep(1.0)
        assert not recording.done() and away.since is None
        assert away.only_in_tickets_queue(Event(CREATED, {}))
    finally:
        recording.cancel()
        await dead.close()


async def test_a_creation_its_own_queue_brought_is_not_folded_again_from_the_tickets_queue(
        chat_desk: ChatDesk, team: Team, gateway_url: str) -> None:
    """Even while the tickets queue may hold creations alone (here: as if the new-tickets queue came a moment ago),
    one the new queue already brought costs the tickets queue one read, not a second transaction."""
    customer = chat_desk.through(gateway_url, team.customer)
    new_tickets = chat_desk.chat.runtime.state["chat"].new_tickets
    recorded, new_tickets.since = new_tickets.since, clock.now()
    try:
        async with chat_desk.bus.held(TICKETS_CONSUMER):
            ticket = await team.ticket(customer, title="Trackpad clicks twice")
            await customer.ok(SEND, {"t": ticket["id"], "x": "Hi"})  # chat knows it: the new queue brought it
        await chat_desk.settle()
    finally:
        new_tickets.since = recorded
    [created] = await chat_desk.events(CREATED, ticketId=ticket["id"])
    markers = chat_desk.chat.runtime.db["processed_events"]
    assert await markers.find_one({"_id": f"{NEW_TICKETS_CONSUMER}:{created['id']}"}) is not None
    assert await markers.find_one({"_id": f"{TICKETS_CONSUMER}:{created['id']}"}) is None
