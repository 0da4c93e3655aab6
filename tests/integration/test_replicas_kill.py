"""Two instances of every service and two gateways on one RabbitMQ virtual host and one database, a workload through
both gateways, and one instance of each service killed (`kill -9`) in the middle of it: nothing lost, nothing doubled.

Layout (`deployed(replicas=2, ia=True)`): side A is instance 0 of users, tickets, chat, notifications and the IA, with
gateway A composing exactly those; side B is instance 1 of each, with gateway B (a gateway names one URL per
subgraph). Both sides share the database, the exchange and the SMTP server. Both tickets instances run the SLA
scanner every half second, warning a week ahead, so every open ticket gets its response and its resolution warning
at the next scan, from whichever instance gets there first.

Workload, through both gateways at once: two customers create tickets; on two conversation tickets the customer and
the agent chat and the agent replies with public comments; an agent reads itself and a ticket (users, tickets, IA).
Each worker has a home gateway; an attempt that fails (transport error, or any error but a permanent refusal) is
sent again with the same variables, hence the same idempotency key, to the other gateway, as a load balancer
retries. Subscribers hold graphql-transport-ws subscriptions: `messageAdded` of both conversation tickets (customer
and agent) and `notificationAdded` (the customers and the administrator), on gateway B (steady) and on gateway A
(movers: when their subscription ends or their socket drops they subscribe again on gateway B, and stay there).

Kills, of side A, one service at a time, each once the load answered more operations since the one before, the load
going on throughout: notifications, IA, tickets, users, gateway A, chat. Tickets and users die while gateway A still
sends them requests; the notification movers lose their subscription with notifications A, the message movers their
socket with gateway A; chat A dies last, with no requests left (gateway A is gone) but its consumers, relay and live
feed at work. Every worker then goes on until it has answered three more operations, the load stops, and the test
waits until the deployment is quiet: every outbox relayed, no queue holding a message, every mail sent, every steady
subscriber has heard every message, and every event of the company handled by the consumers the assertions look
through (notifications; the IA's tickets; the tickets service's IA conclusions), twice a second apart. That takes
about a minute after the first kill: a killed process's open transaction keeps what it wrote locked until the
database drops it (60 s; the ticket a reply was being written to, say, so the next replies to it wait that long),
and a mail a killed sender had claimed waits for its lease (60 s at least).

Asserted then:
- every ticket created, chat message sent and reply written is stored exactly once (one ticket per title, under the
  id its client was answered; each text and body once), with exactly one `ticket.created` / `ticket.commented`;
- every ticket (created under load, and both conversation tickets) has exactly one SLA warning per clock (response,
  resolution); none is automatically assigned twice;
- notifications: no (event, recipient) has two in-app notifications, two mail deliveries, or mails under two
  Message-IDs; every mail received is a delivery's and every delivery (all sent) was received; a delivery reached
  the SMTP server once, or at most as many times as it was attempted when a sender died mid-send (then under one
  Message-ID: a crash between the server's acceptance and its record cannot be told from a loss); the creator
  heard of each ticket created, the customer of each reply, the company's administrator of each SLA warning, each
  in-app and by mail;
- the IA classified each ticket at most once, and each one it has not classified yet is still queued under a live
  lease (the killed instance's claim lapses two minutes after it, later than this test looks);
- steady subscribers (gateway B) kept their one subscription, heard every message of their ticket once each, in the
  ticket's stored order, and every notification of their person stored after they listened, once each;
- movers ended on gateway B, never heard a frame twice (across the failover either), heard only stored messages,
  each subscription's messages in stored order, and every message sent (notification stored) after they listened
  on gateway B. What came between their old subscription's end and the new one's start may be missed: there is no
  replay.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from subgraphs.ia import store as ia_store
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.topology import namespace_of, queue_name
from subgraphs.kernel.ids import new_id
from subgraphs.notifications import store as notifications_store
from subgraphs.notifications.consumer import wanted as notifications_wanted
from subgraphs.tickets.intelligence.consumers import PATTERNS as INTELLIGENCE
from tests.fixtures.users import ROOT_EMAIL, ROOT_PASSWORD, Factory, Person, sign_in
from tests.harness import Client, eventually
from tests.integration.processes import Deployment, Process, answered, deployed, own_vhost, queued
from tests.subgraphs.tickets.harness import ASSIGN, CREATE_ITEM, item_input
from tests.supergraph.ws_client import connect, listening

pytestmark = pytest.mark.amqp

CREATE = "mutation($i: CreateTicketInput!, $k: String) { createTicket(input: $i, idempotencyKey: $k) { id } }"
SEND = """mutation($t: ID!, $x: String!, $k: String) {
  sendChatMessage(ticketId: $t, text: $x, idempotencyKey: $k) { id } }"""
REPLY = """mutation($t: ID!, $b: String!, $k: String) {
  addTicketComment(ticketId: $t, input: {body: $b}, idempotencyKey: $k) { comment { id } } }"""
READ = "query($t: ID!) { me { id } ticket(id: $t) { id status classification { confidence } } }"
MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { id kind text } }"
NOTIFICATION_ADDED = "subscription { notificationAdded { id kind } }"
KILLED = ("notifications", "ia", "tickets", "users", "gateway", "chat")  # instance 0 of each, in this order
DATABASES = ("users", "tickets", "chat", "notifications", "ia")
CLOCKS = ("response", "resolution")
ENV = {"tickets": {"SLA_SCAN_INTERVAL_SECONDS": "0.5", "SLA_WARNING_LEAD_MINUTES": str(7 * 1440)},
       # the local SMTP server answers at once; a sender's lease is three timeouts, a minute at least
       "notifications": {"SMTP_TIMEOUT_SECONDS": "5"}}
AFTER_EACH_KILL = 6  # operations answered after a kill before the next
AFTER_THE_LAST = 3  # operations each worker answers after the last kill before the load stops
# An operation is answered within this: what a killed process's open transaction wrote (a ticket, say) stays locked
# until the database drops the transaction, 60 s after it began
WITHIN = 90.0
Db = Any  # a pymongo AsyncDatabase


@pytest.fixture
async def deployment(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path
                     ) -> AsyncIterator[tuple[Deployment, str]]:
    async with own_vhost(amqp_url) as vhost, deployed(vhost, mongo_url, http, tmp_path, env=ENV, replicas=2,
                                                        ia=True) as running:
        yield running, vhost


@dataclass
class Sent:
    """One operation of the workload as its client saw it: what it carried (unique), when it was first sent, the
    gateway of each attempt (the last one answered), and the answer."""

    what: str
    began: float
    tried: list[str] = field(default_factory=list)
    answer: dict[str, Any] = field(default_factory=dict)


Operation = Callable[[int], tuple[str, str, dict[str, Any]]]  # n -> (what, query, variables)


class Load:
    """Workers, each sending its operations one after another through its home gateway (each failed attempt again
    through the next gateway) until `stop` is set."""

    def __init__(self, http: httpx.AsyncClient, gateways: list[str]) -> None:
        self.http = http
        self.gateways = gateways
        self.stop = asyncio.Event()
        self.log: dict[str, list[Sent]] = defaultdict(list)
        self.tasks: list[asyncio.Task[None]] = []

    @property
    def answered(self) -> int:
        return sum(len(log) for log in self.log.values())

    def reached(self, count: int) -> bool:
        return self.answered >= count

    def start(self, worker: str, home: int, token: str, pause: float, operation: Operation) -> None:
        self.tasks.append(asyncio.create_task(self._run(worker, home, token, pause, operation), name=worker))

    async def _run(self, worker: str, home: int, token: str, pause: float, operation: Operation) -> None:
        urls = [self.gateways[home], self.gateways[1 - home]]
        for n in itertools.count():
            if self.stop.is_set():
                return
            what, query, variables = operation(n)
            sent = Sent(what, time.monotonic())
            sent.answer = await answered(self.http, urls, token, query, variables, within=WITHIN, tried=sent.tried)
            self.log[worker].append(sent)
            await asyncio.sleep(pause)

    def through(self, gateway: str) -> int:
        return sum(1 for log in self.log.values() for sent in log if sent.tried[-1] == gateway)

    def sent(self, prefix: str) -> list[Sent]:
        return [sent for worker, log in self.log.items() if worker.startswith(prefix) for sent in log]

    async def finish(self) -> None:
        self.stop.set()
        await asyncio.wait_for(asyncio.gather(*self.tasks), WITHIN)

    async def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


@dataclass
class Tab:
    """A subscriber: subscribes at `urls[0]` and, when that subscription ends or its socket drops, at the next URL
    (staying at the last). `listens` has the URL and the times of each subscription that listened (after the pong
    that says so); `heard` the ids of the frames, each with the number of the subscription that heard it."""

    name: str
    urls: list[str]
    person: Person
    query: str
    variables: dict[str, Any]
    root: str  # the subscription's field
    listens: list[tuple[str, float, datetime]] = field(default_factory=list)
    heard: list[tuple[int, str]] = field(default_factory=list)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    ended: list[object] = field(default_factory=list)  # how each subscription ended, and frames with errors

    @property
    def steady(self) -> bool:
        return len(self.urls) == 1

    @property
    def ticket(self) -> str:
        return str(self.variables["t"])

    async def run(self) -> None:
        at = 0
        while True:
            url = self.urls[at]
            try:
                async with connect(url) as socket:
                    if (await socket.init(f"Bearer {self.person.client.token}"))["type"] == "connection_ack":
                        [operation] = await listening(socket, (self.query, self.variables), attempts=3)
                        self.listens.append((url, time.monotonic(), datetime.now(UTC)))
                        generation = len(self.listens)
                        while (message := await socket.receive(timeout=3600)).get("id") != operation or \
                                message["type"] == "next":
                            if message.get("id") != operation:
                                continue
                            payload = message["payload"]
                            if payload.get("errors") or not payload.get("data"):
                                self.ended.append(payload)
                                continue
                            node = payload["data"][self.root]
                            self.heard.append((generation, node["id"]))
                            self.nodes[node["id"]] = node
                        self.ended.append(message)
            except (ConnectionClosed, InvalidHandshake, OSError, TimeoutError, AssertionError) as error:
                self.ended.append(repr(error))
            at = min(at + 1, len(self.urls) - 1)
            await asyncio.sleep(0.1)

    def texts(self, generation: int | None = None) -> list[str]:
        """The ids of the TEXT messages heard (by subscription `generation`), in the order heard."""
        return [i for g, i in self.heard if self.nodes[i]["kind"] == "TEXT" and generation in (None, g)]


@dataclass
class Company:
    """An administrator, two agents, two customers, a catalogue item, and a conversation ticket of each customer
    assigned to the agent of the same number."""

    id: str
    admin: Person
    agents: list[Person]
    customers: list[Person]
    item: str
    conversations: list[str]

    @property
    def people(self) -> list[Person]:
        return [self.admin, *self.agents, *self.customers]


def token(person: Person) -> str:
    return person.client.token or ""


async def company(http: httpx.AsyncClient, users: Process, gateways: list[str], run: str) -> Company:
    root = await sign_in(Client(http, users.url), email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
    factory = Factory(root)
    tenant = await factory.tenant()
    agents = [await factory.person(tenant, "agent", careGroups=["Network"]) for _ in range(2)]
    customers = [await factory.person(tenant, "customer") for _ in range(2)]
    item = (await answered(http, gateways, token(tenant.admin), CREATE_ITEM, {"i": item_input()}))["createServiceItem"]
    conversations = []
    for n, customer in enumerate(customers):
        ticket = (await answered(http, gateways[n:] + gateways[:n], token(customer), CREATE, {
            "i": {"itemId": item["id"], "title": f"Conversation {n} of {run}", "description": "Let us talk."},
            "k": f"{run}-conversation-{n}"}))["createTicket"]
        await answered(http, gateways, token(tenant.admin), ASSIGN, {"id": ticket["id"], "a": agents[n].id})
        conversations.append(ticket["id"])
    return Company(tenant.id, tenant.admin, agents, customers, item["id"], conversations)


def workload(load: Load, desk: Company, run: str) -> None:
    """Nine workers, homes alternating between the gateways."""
    for n, ticket in enumerate(desk.conversations):
        for who, person in (("customer", desk.customers[n]), ("agent", desk.agents[n])):
            def message(i: int, t: str = ticket, w: str = f"{who} {n}") -> tuple[str, str, dict[str, Any]]:
                text = f"message {i} of {w}"
                return text, SEND, {"t": t, "x": text, "k": f"{run}-message-{w}-{i}"}

            load.start(f"messages of {who} {n}", (n + (who == "agent")) % 2, token(person), 0.25, message)

        def reply(i: int, t: str = ticket, w: int = n) -> tuple[str, str, dict[str, Any]]:
            body = f"reply {i} on conversation {w}"
            return body, REPLY, {"t": t, "b": body, "k": f"{run}-reply-{w}-{i}"}

        load.start(f"replies {n}", n, token(desk.agents[n]), 0.5, reply)

        def create(i: int, w: int = n) -> tuple[str, str, dict[str, Any]]:
            title = f"Ticket {i} of customer {w} in {run}"
            return title, CREATE, {"i": {"itemId": desk.item, "title": title, "description": "The VPN drops."},
                                   "k": f"{run}-ticket-{w}-{i}"}

        load.start(f"tickets of customer {n}", n, token(desk.customers[n]), 0.6, create)

    def read(i: int) -> tuple[str, str, dict[str, Any]]:
        return f"read {i}", READ, {"t": desk.conversations[i % 2]}

    load.start("reads", 1, token(desk.agents[0]), 0.4, read)


async def test_replicas_killed_one_of_each_lose_and_double_nothing(deployment: tuple[Deployment, str],
                                                                   http: httpx.AsyncClient, mongo_url: str) -> None:
    running, vhost = deployment
    side_a, side_b = running.instances
    gateways = [side_a["gateway"].url, side_b["gateway"].url]
    ws = [url.replace("http", "ws", 1) + "/graphql" for url in gateways]
    run = new_id()
    desk = await company(http, side_a["users"], gateways, run)

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    db = {name: client[f"{running.database_prefix}{name}"] for name in DATABASES}
    tabs: list[Tab] = []
    for n, ticket in enumerate(desk.conversations):
        for person in (desk.customers[n], desk.agents[n]):
            for side, urls in (("B", [ws[1]]), ("A", ws)):
                tabs.append(Tab(f"messages of conversation {n} for {person.email} on {side}", urls, person,
                                MESSAGE_ADDED, {"t": ticket}, "messageAdded"))
    for person, urls in ((desk.customers[0], [ws[1]]), (desk.admin, [ws[1]]), (desk.customers[1], ws),
                         (desk.admin, ws)):
        tabs.append(Tab(f"notifications of {person.email} on {'B' if len(urls) == 1 else 'A'}", urls, person,
                        NOTIFICATION_ADDED, {}, "notificationAdded"))
    listening_tabs: list[asyncio.Task[None]] = []
    load = Load(http, gateways)
    try:
        for ticket in desk.conversations:  # warned before the agent answers (an answer stops the response clock)
            await eventually(functools.partial(_warned, db["tickets"], ticket), timeout=30,
                             what=f"conversation {ticket} warned on both clocks")
        listening_tabs = [asyncio.create_task(tab.run(), name=tab.name) for tab in tabs]
        await eventually(lambda: all(tab.listens for tab in tabs), timeout=30, what="every tab listening")

        workload(load, desk, run)
        await eventually(lambda: len(load.log) == len(load.tasks) and all(len(log) >= 2 for log in load.log.values())
                         and min(load.through(g) for g in gateways) >= 5,
                         timeout=60, what="the load flowing through both gateways")
        for name in KILLED:
            mark = load.answered + AFTER_EACH_KILL
            side_a[name].kill()
            await eventually(functools.partial(load.reached, mark), timeout=WITHIN,
                             what=f"the load going on after {name} A was killed")
        marks = {worker: len(log) for worker, log in load.log.items()}
        await eventually(lambda: all(len(load.log[w]) >= m + AFTER_THE_LAST for w, m in marks.items()),
                         timeout=WITHIN, what="every worker going on after the kills")
        await load.finish()
        await _quiet(running, vhost, db, desk, tabs)

        await _stored_once(db, desk, load)
        await _notified_once(db, running, desk)
        await _analysed_at_most_once(db, desk)
        await _heard_once(db, desk, load, tabs, ws[1])
    finally:
        if not load.stop.is_set():
            load.stop.set()
            await load.cancel()
        for task in listening_tabs:
            task.cancel()
        await asyncio.gather(*listening_tabs, return_exceptions=True)
        await client.close()
    assert any(len(sent.tried) > 1 for log in load.log.values() for sent in log), "no operation met a kill"
    assert all(s.answer["me"]["id"] == desk.agents[0].id for s in load.log["reads"])


async def _warned(tickets: Db, ticket_id: str) -> bool:
    found = await tickets["tickets"].find_one({"_id": ticket_id})
    return found is not None and all(found["sla"][f"{kind}WarnedAt"] for kind in CLOCKS)


async def _stored_texts(chat: Db, ticket_id: str) -> list[tuple[str, str]]:
    """The ticket's TEXT messages as stored, in the ticket's order: (id, text)."""
    rows = chat["messages"].find({"ticketId": ticket_id, "kind": "text"}).sort("seq", 1)
    return [(m["_id"], m["text"]) async for m in rows]


async def _quiet(running: Deployment, vhost: str, db: dict[str, Db], desk: Company, tabs: list[Tab]) -> None:
    """Wait until every outbox is relayed, no queue holds a message, every mail is sent, every steady subscriber of
    messages heard every message, and the consumers this test looks through handled each of the company's events
    (a delivery in hand, retried against a dead process's transaction, shows in no queue), twice at least a second
    apart."""
    state: dict[str, object] = {}
    since: list[float] = []

    async def quiet() -> bool:
        stored = {t: {i for i, _ in await _stored_texts(db["chat"], t)} for t in desk.conversations}
        outboxes = {name: await db[name]["outbox"].count_documents({"publishedAt": None}) for name in DATABASES}
        unsent = await db["notifications"][notifications_store.MAIL].count_documents({"status": {"$ne": "sent"}})
        waiting = await queued(vhost, running.exchange)
        deaf = [tab.name for tab in tabs if tab.steady and tab.root == "messageAdded"
                and set(tab.texts()) != stored[tab.ticket]]
        state.update(outboxes=outboxes, unsent=unsent, queued=waiting, deaf=deaf)
        if any(outboxes.values()) or unsent or waiting or deaf:
            since.clear()
            return False
        unhandled = await _unhandled(db, desk.id, running.exchange)
        state.update(unhandled=unhandled)
        if any(unhandled.values()):
            since.clear()
            return False
        since.append(time.monotonic())
        return since[-1] - since[0] >= 1.0

    try:
        await eventually(quiet, timeout=WITHIN, interval=0.5, what="the deployment quiet after the kills")
    except AssertionError as error:
        raise AssertionError(f"{error}: {state}") from None


async def _unhandled(db: dict[str, Db], company_id: str, exchange: str) -> dict[str, int]:
    """By consumer: how many of the company's events it should have handled it has not (each handled event leaves
    a marker, `<queue>:<event id>`, in its service's database; notifications declines, with no marker, the events its
    `wanted` says can change nothing there)."""
    events: dict[str, list[Event]] = {}
    for name, kinds in (("tickets", ("ticket.",)), ("chat", ("chat.",)), ("ia", ("ticket.",))):
        events[name] = [Event.from_dict(row["event"]) async for row in db[name]["outbox"].find(
            {"event.companyId": company_id, "event.type": {"$regex": f"^({'|'.join(kinds)})"}}, {"event": 1})]
    conclusions = [row["_id"] async for row in db["ia"]["outbox"].find(
        {"event.companyId": company_id, "event.type": {"$in": list(INTELLIGENCE)}}, {"_id": 1})]
    notified = [e.id for e in events["tickets"] + events["chat"] + events["ia"] if notifications_wanted(e)]
    namespace = namespace_of(exchange)
    missing = {}
    for service, consumer, ids in (("notifications", "notify", notified),
                                   ("ia", "tickets", [e.id for e in events["tickets"]]),
                                   ("tickets", "intelligence", conclusions)):
        queue = queue_name(service, consumer, namespace)
        markers = await db[service]["processed_events"].count_documents(
            {"_id": {"$in": [f"{queue}:{event}" for event in ids]}})
        missing[queue] = len(ids) - markers
    return missing


async def _stored_once(db: dict[str, Db], desk: Company, load: Load) -> None:
    tickets, chat = db["tickets"], db["chat"]
    created = {s.what: s.answer["createTicket"]["id"] for s in load.sent("tickets of customer")}
    stored: dict[str, list[str]] = defaultdict(list)
    async for row in tickets["tickets"].find({"title": {"$in": list(created)}}):
        stored[row["title"]].append(row["_id"])
    assert stored == {title: [ticket] for title, ticket in created.items()}, \
        "every ticket created stored once, under the id its client was answered"
    for n, ticket in enumerate(desk.conversations):
        texts = sorted(text for _, text in await _stored_texts(chat, ticket))
        sent = sorted(s.what for who in ("customer", "agent") for s in load.log[f"messages of {who} {n}"])
        assert texts == sent, f"every message sent on conversation {n} stored, and each once"
        bodies = sorted([c["body"] async for c in tickets["comments"].find({"ticketId": ticket})])
        assert bodies == sorted(s.what for s in load.sent(f"replies {n}")), "every reply stored, and each once"

    events = await _ticket_events(tickets, desk.id)
    every = {*created.values(), *desk.conversations}
    assert sorted(e["data"]["ticketId"] for e in events["ticket.created"]) == sorted(every)
    comments = [c["_id"] async for c in tickets["comments"].find({"ticketId": {"$in": desk.conversations}})]
    assert sorted(e["data"]["commentId"] for e in events["ticket.commented"]) == sorted(comments)
    warnings = Counter((e["data"]["ticketId"], e["data"]["kind"]) for e in events["ticket.sla_warning"])
    assert warnings == {(t, kind): 1 for t in every for kind in CLOCKS}, "each ticket's clocks warned once each"
    automatic = Counter(e["data"]["ticketId"] for e in events["ticket.assigned"] if e["data"].get("automatic"))
    assert [t for t, n in automatic.items() if n > 1] == [], "a ticket assigned automatically twice"


async def _ticket_events(tickets: Db, company_id: str) -> dict[str, list[dict[str, Any]]]:
    """The company's events the tickets service wrote (its outbox keeps them, relayed), by type."""
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    async for row in tickets["outbox"].find({"event.companyId": company_id}):
        events[row["event"]["type"]].append(row["event"])
    return events


async def _notified_once(db: dict[str, Db], running: Deployment, desk: Company) -> None:
    notifications = db["notifications"]
    in_app = Counter([(n["sourceId"], n["recipientId"]) async for n in notifications["notifications"].find(
        {"companyId": desk.id})])
    assert [key for key, n in in_app.items() if n > 1] == [], "an event told someone in-app twice"
    deliveries = {d["_id"]: d async for d in notifications[notifications_store.MAIL].find({"companyId": desk.id})}
    by_event = Counter((d["sourceId"], d["to"].lower()) for d in deliveries.values())
    assert [key for key, n in by_event.items() if n > 1] == [], "an event queued two mails to someone"
    assert [d["_id"] for d in deliveries.values() if d["status"] != "sent"] == []
    addresses = {p.email.lower() for p in desk.people}
    received = [m for m in running.mail.mailbox.received if {a.lower() for a in m.recipients} & addresses]
    # the Message-ID is the delivery's id: one per event and recipient
    copies = Counter(str(m.message["Message-ID"]).strip("<>").split("@", 1)[0] for m in received)
    assert set(copies) == set(deliveries), "a mail received without its delivery, or a delivery never received"
    assert [(d, n) for d, n in copies.items() if n > max(1, deliveries[d]["attempts"])] == [], \
        "a delivery reached the SMTP server more often than it was attempted"

    events = await _ticket_events(db["tickets"], desk.id)
    creators = {e["data"]["ticketId"]: e["data"]["creatorId"] for e in events["ticket.created"]}
    told = events["ticket.created"] + events["ticket.commented"]
    owed = {(e["id"], creators[e["data"]["ticketId"]]): e for e in told}
    owed |= {(e["id"], desk.admin.id): e for e in events["ticket.sla_warning"]}
    mailed = {(d["sourceId"], d["recipientId"]) for d in deliveries.values()}
    assert [e for key, e in owed.items() if in_app[key] != 1] == [], "someone was not told in-app"
    assert [e for key, e in owed.items() if key not in mailed] == [], "someone was not mailed"


async def _analysed_at_most_once(db: dict[str, Db], desk: Company) -> None:
    classified = Counter([row["event"]["data"]["ticketId"] async for row in db["ia"]["outbox"].find(
        {"event.type": "ticket.classified", "event.companyId": desk.id})])
    assert [t for t, n in classified.items() if n > 1] == [], "a ticket classified twice"
    every = {e["data"]["ticketId"] for e in (await _ticket_events(db["tickets"], desk.id))["ticket.created"]}
    held = {job["_id"] async for job in db["ia"][ia_store.JOBS].find(
        {"_id": {"$in": list(every)}, "leaseUntil": {"$gt": datetime.now(UTC)}})}
    assert every - set(classified) - held == set(), "a ticket neither classified nor queued for the IA"


async def _heard_once(db: dict[str, Db], desk: Company, load: Load, tabs: list[Tab], survivor: str) -> None:
    for tab in tabs:
        ids = [i for _, i in tab.heard]
        assert len(ids) == len(set(ids)), f"{tab.name} heard a frame twice"
        assert tab.listens[-1][0] == survivor, f"{tab.name} did not end on gateway B"
        if tab.steady:
            assert len(tab.listens) == 1, f"{tab.name} lost its subscription: {tab.ended}"
        else:
            assert len(tab.listens) >= 2, f"{tab.name} never moved to gateway B"
        _, since, since_wall = tab.listens[-1]
        if tab.root == "messageAdded":
            stored = await _stored_texts(db["chat"], tab.ticket)
            order = [i for i, _ in stored]
            if tab.steady:
                assert tab.texts() == order, f"{tab.name} heard other messages, or in another order"
                continue
            assert set(tab.texts()) <= set(order), f"{tab.name} heard a message never stored"
            for generation in range(1, len(tab.listens) + 1):
                mine = set(tab.texts(generation))
                assert tab.texts(generation) == [i for i in order if i in mine], f"{tab.name} heard out of order"
            later = {s.what for s in load.sent("messages of") if s.began > since}
            missed = [text for i, text in stored if text in later and i not in set(tab.texts())]
            assert any(text in later for _, text in stored), f"nothing was sent after {tab.name} moved"
            assert missed == [], f"{tab.name} missed messages sent after it listened on gateway B"
        else:
            theirs = {n["_id"]: n["createdAt"].replace(tzinfo=UTC) async for n in db["notifications"][
                "notifications"].find({"recipientId": tab.person.id})}
            assert set(ids) <= set(theirs), f"{tab.name} heard a notification never stored"
            owed = {i for i, at in theirs.items() if at > since_wall}
            assert owed, f"nothing was stored for {tab.name} after it listened on gateway B"
            assert owed - set(ids) == set(), f"{tab.name} missed notifications stored after it listened on gateway B"
