"""The load: every person of the company acts through the gateway, one operation after another with 1-3 s of
thought between them, as a helpdesk's people do.

- Customers raise tickets, write in theirs (comments and chat), open one (its page: people, comments, chat) and
  read their tickets and notifications.
- Agents reply in the tickets they hold (comments and chat), open one, move one on (start, hold, resume), take
  an unassigned ticket from the queue (the list, then the assignment), and read their queue and notifications.
- On the hot tickets (a share of the first ones) the customer and the agent keep the ticket open in a tab: two
  live subscriptions each over graphql-transport-ws, the chat (`messageAdded` with its author's first and last
  name, which chat provides from its read model of people) and the ticket itself (`ticketUpdated`). Each chat
  frame is matched to the message sent, so the report has every frame's delay from the send and what did not
  arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import orjson

from benchmarks.workload.people import Company, Person

T = TypeVar("T")

COMMENT = """mutation($t: ID!, $b: String!) { addTicketComment(ticketId: $t, input: {body: $b}) { comment { id } } }"""
CHAT = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
WARM_UP = "warm-up"  # the text of the messages that tell a tab its subscription runs (not counted)
RAISE = """mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }"""
MY_TICKETS = "{ tickets(first: 20) { edges { node { id title status } } } }"
QUEUE = """query($a: ID!) {
  tickets(first: 20, filter: {assigneeId: $a}) { edges { node { id title status priority } } } }"""
UNASSIGNED = """{ tickets(first: 5, filter: {unassigned: true, status: [OPEN]}) { edges { node { id } } } }"""
TAKE = "mutation($id: ID!, $a: ID!) { assignTicket(id: $id, assigneeId: $a) { id status } }"
MOVE = """mutation($id: ID!, $s: TicketStatus!, $r: String) { changeTicketStatus(id: $id, status: $s, reason: $r) {
  id status } }"""
DETAIL = """query($id: ID!) { ticket(id: $id) {
  id reference title description status priority createdAt allowedTransitions commentCount
  creator { id firstName lastName } assignee { id firstName lastName } sla { responseDueAt resolutionDueAt breached }
  comments(first: 20) { edges { node { id body createdAt author { id firstName } } } }
  unreadCount canChat messages(first: 30) { edges { node { id text createdAt author { id firstName } } } } } }"""
NOTICES = "{ unreadNotificationCount notifications(first: 20) { edges { node { id title read } } } }"
LIVE_CHAT = """subscription($t: ID!) { messageAdded(ticketId: $t) { id text author { id firstName lastName } } }"""
LIVE_TICKET = """subscription($t: ID!) { ticketUpdated(ticketId: $t) { id status updatedAt } }"""

# (operation, weight) per role; each operation is one GraphQL request.
MIX = {
    "customer": (("comment", 22), ("chat", 22), ("my_tickets", 16), ("notifications", 14), ("detail", 16),
                 ("raise", 10)),
    "agent": (("comment", 18), ("chat", 20), ("queue", 14), ("notifications", 12), ("detail", 14), ("move", 12),
              ("take", 10)),
}
FRAMES_WAIT = 30.0  # after the backlogs drain, how long the tabs may still wait for their frames
NEXT_STATUS = {"OPEN": "IN_PROGRESS", "IN_PROGRESS": "ON_HOLD", "ON_HOLD": "IN_PROGRESS"}


@dataclass
class Outcomes:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # the first errors of each kind
    sent_chat: dict[str, tuple[str, float]] = field(default_factory=dict)  # text -> (ticket, when its send began)
    frames: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # subscription -> delays
    received: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))  # (tab, text) -> times
    stored_chat: set[str] = field(default_factory=set)  # the texts whose send was answered
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # set at each chat frame matched to its send
    frames_waited: float = 0.0  # seconds after the backlogs drained until every owed frame was in (or gave up)

    @property
    def operations(self) -> int:
        return sum(len(v) for v in self.latencies.values()) + sum(self.errors.values())


class Actor:
    def __init__(self, person: Person, company: Company, gateway: str, session: aiohttp.ClientSession,
                 outcomes: Outcomes, chooser: random.Random, serial: itertools.count[int]) -> None:
        self.person, self.company, self.gateway, self.session = person, company, gateway, session
        self.outcomes, self.chooser, self.serial = outcomes, chooser, serial
        names, weights = zip(*MIX[person.role], strict=True)
        self.names, self.weights = list(names), list(weights)
        self.statuses: dict[str, str] = {}  # what this agent last saw of a ticket's status

    async def run(self, until: float) -> None:
        await asyncio.sleep(self.chooser.uniform(0, 2))  # not everyone at the same moment
        while time.monotonic() < until:
            await self.act(self.chooser.choices(self.names, self.weights)[0])
            await asyncio.sleep(self.chooser.uniform(1, 3))

    async def act(self, operation: str) -> None:
        person = self.person
        ticket = self.chooser.choice(person.tickets) if person.tickets else None
        text = f"{operation} {next(self.serial)} from {person.role} {person.id[-6:]}"
        if operation == "take":
            await self.take()
            return
        if operation == "move":
            if ticket is None or ticket not in self.statuses:  # an agent looks at a ticket before moving it
                operation = "detail"
            else:
                target = NEXT_STATUS.get(self.statuses[ticket])
                if target is None:
                    return
                reason = "Waiting for the customer" if target == "ON_HOLD" else None
                answer = await self.ask("move", MOVE, {"id": ticket, "s": target, "r": reason})
                if answer is not None:
                    self.statuses[ticket] = answer["changeTicketStatus"]["status"]
                return
        if ticket is None and operation in ("comment", "chat", "detail"):
            operation = "my_tickets" if person.role == "customer" else "queue"
        requests: dict[str, tuple[str, dict[str, Any]]] = {
            "comment": (COMMENT, {"t": ticket, "b": text}),
            "chat": (CHAT, {"t": ticket, "x": text}),
            "raise": (RAISE, {"i": {"itemId": self.company.item, "title": f"Workload {text}",
                                    "description": "Raised under load."}}),
            "my_tickets": (MY_TICKETS, {}),
            "queue": (QUEUE, {"a": person.id}),
            "detail": (DETAIL, {"id": ticket}),
            "notifications": (NOTICES, {}),
        }
        query, variables = requests[operation]
        if operation == "chat":
            self.outcomes.sent_chat[text] = (str(ticket), time.monotonic())
        answer = await self.ask(operation, query, variables)
        if answer is None:
            return
        if operation == "chat":
            self.outcomes.stored_chat.add(text)
        elif operation == "raise":
            person.tickets.append(answer["createTicket"]["id"])
        elif operation == "detail" and answer["ticket"] is not None and person.role == "agent":
            self.statuses[answer["ticket"]["id"]] = answer["ticket"]["status"]

    async def take(self) -> None:
        """The unassigned tickets of the queue, then the first of them assigned to this agent."""
        listed = await self.ask("unassigned", UNASSIGNED, {})
        if listed is None or not listed["tickets"]["edges"]:
            return
        ticket = self.chooser.choice(listed["tickets"]["edges"])["node"]["id"]
        answer = await self.ask("take", TAKE, {"id": ticket, "a": self.person.id})
        if answer is not None:
            self.person.tickets.append(ticket)
            self.statuses[ticket] = answer["assignTicket"]["status"]

    async def ask(self, operation: str, query: str, variables: dict[str, Any]) -> dict[str, Any] | None:
        began = time.monotonic()
        try:
            async with self.session.post(f"{self.gateway}/graphql", data=orjson.dumps(
                    {"query": query, "variables": variables}), headers={
                    "authorization": f"Bearer {self.person.token}", "content-type": "application/json"}) as answer:
                body = orjson.loads(await answer.read())
        except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as error:
            self.outcomes.errors[f"{operation}: {type(error).__name__}"] += 1
            return None
        if body.get("errors"):
            code = body["errors"][0].get("extensions", {}).get("code", "?")
            self.outcomes.errors[f"{operation}: {code}"] += 1
            samples = self.outcomes.error_samples.setdefault(f"{operation}: {code}", [])
            if len(samples) < 3:
                samples.append(body["errors"][0])
            return None
        self.outcomes.latencies[operation].append(time.monotonic() - began)
        data: dict[str, Any] = body["data"]
        return data


class Tab:
    """A person's browser tab on one hot ticket: the chat and the ticket, live, on one WebSocket."""

    def __init__(self, number: int, person: Person, ticket: str, gateway: str, outcomes: Outcomes) -> None:
        self.number, self.person, self.ticket, self.outcomes = number, person, ticket, outcomes
        self.url = gateway.replace("http", "ws", 1) + "/graphql"
        self.ready = asyncio.Event()
        self.live = asyncio.Event()  # the tab heard its ticket's warm-up message: its chat subscription is running

    async def run(self, session: aiohttp.ClientSession) -> None:
        async with session.ws_connect(self.url, protocols=("graphql-transport-ws",), heartbeat=None) as socket:
            await socket.send_str(orjson.dumps({"type": "connection_init",
                                                "payload": {"authorization": f"Bearer {self.person.token}"}}).decode())
            acked = orjson.loads((await socket.receive()).data)
            if acked.get("type") != "connection_ack":
                raise RuntimeError(f"tab not admitted: {acked}")
            for name, query in (("chat", LIVE_CHAT), ("ticket", LIVE_TICKET)):
                await socket.send_str(orjson.dumps({"id": name, "type": "subscribe", "payload": {
                    "query": query, "variables": {"t": self.ticket}}}).decode())
            self.ready.set()
            async for message in socket:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                frame = orjson.loads(message.data)
                if frame.get("type") == "ping":  # the gateway closes a socket that does not answer (4408)
                    await socket.send_str('{"type":"pong"}')
                    continue
                self.frame(frame, time.monotonic())
            self.outcomes.errors[f"live: socket closed {socket.close_code}"] += 1

    def frame(self, frame: dict[str, Any], at: float) -> None:
        if frame.get("type") != "next" or frame["payload"].get("errors"):
            self.outcomes.errors[f"live {frame.get('id')}: {frame.get('type')} {frame.get('payload')}"[:120]] += 1
            return
        if frame["id"] == "ticket":
            self.outcomes.frames["ticketUpdated"].append(0.0)  # counted; its cause's moment is not tracked
            return
        text = frame["payload"]["data"]["messageAdded"]["text"]
        if text.startswith(WARM_UP):
            self.live.set()
            return
        sent = self.outcomes.sent_chat.get(text)
        if sent is not None:
            self.outcomes.received[(self.number, text)] += 1
            self.outcomes.arrived.set()
            self.outcomes.frames["messageAdded"].append(at - sent[1])


def live_report(outcomes: Outcomes, tabs: list[Tab]) -> dict[str, Any]:
    """Every chat message stored on a hot ticket against what each of that ticket's tabs got."""
    expected = missing = duplicated = 0
    first_send = min((at for _, at in outcomes.sent_chat.values()), default=0.0)
    missed_at: list[float] = []  # when each missing frame's message was sent, seconds after the load's first send
    for tab in tabs:
        for text in outcomes.stored_chat:
            if outcomes.sent_chat[text][0] != tab.ticket:
                continue
            expected += 1
            times = outcomes.received.get((tab.number, text), 0)
            missing += times == 0
            duplicated += times > 1
            if times == 0:
                missed_at.append(round(outcomes.sent_chat[text][1] - first_send, 2))
    return {"tabs": len(tabs), "subscriptions": 2 * len(tabs), "chat_frames_expected": expected,
            "chat_frames_missing": missing, "chat_frames_missing_sent_at_s": sorted(missed_at)[:20],
            "chat_frames_duplicated": duplicated,
            "ticket_frames": len(outcomes.frames["ticketUpdated"]), "waited_for_frames_s": outcomes.frames_waited}


async def _frames_in(outcomes: Outcomes, tabs: list[Tab], limit: float) -> None:
    """Wait until every tab has every chat frame it is owed, or `limit` seconds (the report says what is missing)."""
    ended = time.monotonic()
    while live_report(outcomes, tabs)["chat_frames_missing"] and time.monotonic() - ended < limit:
        outcomes.arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(outcomes.arrived.wait(), timeout=limit - (time.monotonic() - ended))
    outcomes.frames_waited = round(time.monotonic() - ended, 1)


async def _warm_up(session: aiohttp.ClientSession, gateway: str, tabs: list[Tab], limit: float = 60.0) -> None:
    """A subscribe message is sent before the gateway's subscription to chat runs, and a message sent in between is
    not the tab's to hear: each hot ticket gets a warm-up message, again every 2 s, until every tab has heard one (or
    `limit` seconds). Only then does the load begin, so every frame counted missing was owed."""
    deadline = time.monotonic() + limit
    while (quiet := [tab for tab in tabs if not tab.live.is_set()]) and time.monotonic() < deadline:
        for tab in {tab.ticket: tab for tab in quiet}.values():
            async with session.post(f"{gateway}/graphql", data=orjson.dumps(
                    {"query": CHAT, "variables": {"t": tab.ticket, "x": f"{WARM_UP} {tab.ticket}"}}), headers={
                    "authorization": f"Bearer {tab.person.token}", "content-type": "application/json"}) as answer:
                await answer.read()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(tab.live.wait() for tab in quiet)), timeout=2)


async def drive(company: Company, gateway: str, seconds: float, after: Callable[[], Awaitable[T]], *, hot: int,
                seed: int = 5) -> tuple[Outcomes, list[Tab], T]:
    """Tabs held on `hot` tickets, the people's load for `seconds`, then `after()` (the wait for the backlogs)
    while the tabs stay open, so frames that come late still count; then the tabs close."""
    outcomes = Outcomes()
    chooser = random.Random(seed)
    serial = itertools.count()
    connector = aiohttp.TCPConnector(limit=300)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        tabs = [Tab(n, person, ticket, gateway, outcomes) for n, (person, ticket) in enumerate(company.hot(hot))]
        live = [asyncio.create_task(tab.run(session)) for tab in tabs]
        try:
            await asyncio.wait_for(asyncio.gather(*(tab.ready.wait() for tab in tabs)), timeout=60)
            await _warm_up(session, gateway, tabs)
            until = time.monotonic() + seconds
            actors = [Actor(p, company, gateway, session, outcomes, random.Random(chooser.random()), serial)
                      for p in company.people]
            await asyncio.gather(*(a.run(until) for a in actors))
            outcome = await after()
            await _frames_in(outcomes, tabs, FRAMES_WAIT)
        finally:
            for task in live:
                task.cancel()
            for ended in await asyncio.gather(*live, return_exceptions=True):
                if isinstance(ended, Exception):  # a tab whose socket failed before the end
                    outcomes.errors[f"live: {type(ended).__name__}"] += 1
    return outcomes, tabs, outcome
