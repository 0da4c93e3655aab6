"""Background work that must happen once, with two instances of its service on one database and one RabbitMQ
exchange: the SLA scanner, the outbox relay, the expiry sweep, the mail queue, the unread-chat batches and the
closing of resolved tickets. Each test runs both instances' background tasks at once, stops the instances (a
stop waits for their tasks: nothing is left in flight) and then counts the effect, in the database, on the
broker and at the SMTP server. (IA training with two replicas: tests/subgraphs/ia/classification/
test_training_replicas.py.)"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aio_pika
import httpx
import orjson
import pytest

from subgraphs.chat.service import DEFINITION as CHAT
from subgraphs.kernel import clock
from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.events.amqp import AmqpBus
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.expiry import sweep
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database, connect
from subgraphs.notifications import store as notifications_store
from subgraphs.notifications.mail.queue import enqueue
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, Factory, Person, Tenant, sign_in
from tests.harness import Client, RunningService, start_service
from tests.integration.live_stack import _delete_queues, eventually
from tests.subgraphs.notifications.conftest import FAST as NOTIFICATIONS_FAST
from tests.subgraphs.notifications.mailserver import MailServer
from tests.subgraphs.tickets.harness import ASSIGN, CREATE_ITEM, CREATE_TICKET, MOVE, Member, item_input, next_monday

pytestmark = pytest.mark.amqp

FENCE = "test.fence"
SCANNING = {"sla_scan_interval_seconds": 0.05, "seed_catalogue": False}  # both scanners go round all the time
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"


@dataclass
class Ground:
    """What every test here shares: one exchange, one database prefix, the users service, an SMTP server."""

    users: RunningService
    mail: MailServer
    http: httpx.AsyncClient
    mongo_url: str
    common: dict[str, Any]
    client: Any  # the test's own MongoDB client: it outlives the services'
    buses: list[AmqpBus] = field(default_factory=list)

    @property
    def jwks_url(self) -> str:
        return f"{self.users.url}/.well-known/jwks.json"

    async def start(self, definition: SubgraphDefinition, **settings: Any) -> RunningService:
        service = await start_service(definition, mongo_url=self.mongo_url, http=self.http,
                                      auth_jwks_url=self.jwks_url, **{**self.common, **settings})
        assert isinstance(service.runtime.bus, AmqpBus)
        self.buses.append(service.runtime.bus)
        return service

    @contextlib.asynccontextmanager
    async def running(self, definition: SubgraphDefinition, count: int = 1, **settings: Any
                      ) -> AsyncIterator[list[RunningService]]:
        """`count` instances of a service on the shared database and exchange; stopped on the way out, which
        cancels their background tasks and waits for them (a mail being sent is sent first)."""
        started: list[RunningService] = []
        try:
            for _ in range(count):
                started.append(await self.start(definition, **settings))
            yield started
        finally:
            for service in started:
                await service.stop()

    def database(self, definition: SubgraphDefinition) -> Database:
        """A service's database, to read once its instances are stopped."""
        return Database(self.client, f"{self.common['mongodb_database_prefix']}{definition.name}")


@pytest.fixture(scope="module")
async def ground(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[Ground]:
    exchange = f"test.once.{new_id()}"
    common: dict[str, Any] = {"amqp_url": amqp_url, "events_exchange": exchange, "event_retry_delay_ms": 50,
                              "mongodb_database_prefix": f"once{new_id()[-8:]}_"}
    mail = MailServer().start()
    users = await start_service(USERS, mongo_url=mongo_url, http=http, admin_email=ROOT_EMAIL,
                                admin_password=ROOT_PASSWORD, access_token_ttl=3600, **{**FAST_HASH, **common})
    assert isinstance(users.runtime.bus, AmqpBus)
    ground = Ground(users, mail, http, mongo_url, common, connect(mongo_url, app_name="aurontek-once-tests"),
                    [users.runtime.bus])
    try:
        yield ground
    finally:
        clock.reset()
        await users.stop()
        await _delete_queues(amqp_url, exchange, ground.buses)
        await ground.client.close()
        mail.stop()


@dataclass
class Tap:
    """A queue of the test's own on the exchange: every event published there that its patterns match, in the
    order the broker delivered them."""

    exchange: aio_pika.abc.AbstractExchange
    heard: list[dict[str, Any]]

    def of(self, type: str) -> list[dict[str, Any]]:
        return [event for event in self.heard if event["type"] == type]

    async def fence(self) -> None:
        """Return once everything the broker confirmed before this call has been delivered to the tap: a marker
        published now is queued behind it."""
        marker = new_id()
        await self.exchange.publish(aio_pika.Message(orjson.dumps({"id": marker, "type": FENCE})), routing_key=FENCE)
        await eventually(lambda: any(event["id"] == marker for event in self.heard), what="the fence through the tap")


@contextlib.asynccontextmanager
async def tap(ground: Ground, *patterns: str) -> AsyncIterator[Tap]:
    connection = await aio_pika.connect(ground.common["amqp_url"])
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(ground.common["events_exchange"], aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for pattern in (*patterns, FENCE):
            await queue.bind(exchange, routing_key=pattern)
        heard: list[dict[str, Any]] = []

        async def keep(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            heard.append(orjson.loads(message.body))

        await queue.consume(keep, no_ack=True)
        yield Tap(exchange, heard)
    finally:
        await connection.close()


@dataclass
class Desk:
    """A company with an admin, a Network agent and customers, and a Network item (responses due in 4 hours)."""

    tenant: Tenant
    agent: Person
    customers: list[Person]
    item_id: str
    http: httpx.AsyncClient

    def on(self, service: RunningService, person: Person) -> Member:
        return Member(person, Client(self.http, service.url, person.client.token, person.client.headers), "")

    async def ticket(self, tickets: RunningService, customer: Person) -> dict[str, Any]:
        """A ticket of `customer`'s assigned to the agent (raised and assigned through `tickets`)."""
        raised = await self.on(tickets, customer).ok(CREATE_TICKET, {"i": {
            "itemId": self.item_id, "title": "VPN drops every hour", "description": "Since Monday."}})
        assigned = await self.on(tickets, self.tenant.admin).ok(ASSIGN, {"id": raised["createTicket"]["id"],
                                                                           "a": self.agent.id})
        return dict(assigned["assignTicket"])


async def known(service: RunningService, *people: Person) -> None:
    """The service's read model of people holds `people` (its consumer caught up with the users service)."""
    ids = [person.id for person in people]

    async def there() -> bool:
        return await service.runtime.db["people"].count_documents({"_id": {"$in": ids}}) == len(ids)

    await eventually(there, what=f"{service.runtime.name} knows {len(ids)} people")


async def desk(ground: Ground, tickets: RunningService, *readers: RunningService, customers: int = 1) -> Desk:
    root = await sign_in(ground.users.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
    factory = Factory(root)  # the root signed in at the clock as it is now
    tenant = await factory.tenant()
    agent = await factory.person(tenant, "agent", careGroups=["Network"])
    people = [await factory.person(tenant, "customer") for _ in range(customers)]
    for service in (tickets, *readers):  # the instances of one service share its read model
        await known(service, tenant.admin, agent, *people)
    admin = Member(tenant.admin, Client(ground.http, tickets.url, tenant.admin.client.token,
                                        tenant.admin.client.headers), "company_admin")
    item = await admin.ok(CREATE_ITEM, {"i": item_input(responseMinutes=240, resolutionMinutes=480)})
    return Desk(tenant, agent, people, item["createServiceItem"]["id"], ground.http)


async def relayed(*services: RunningService) -> None:
    """Every event the services wrote so far is out on the broker (no outbox row pending). Before the clock
    jumps: a relay holding its lease when time leaps hours ahead would see it lapse under it."""

    async def none_pending() -> bool:
        return sum([await service.runtime.outbox.pending() for service in services]) == 0

    await eventually(none_pending, what="every outbox row published")


async def mail_settled(notifications: RunningService) -> None:
    """No mail waiting or being sent (each one sent or given up)."""

    async def settled() -> bool:
        rows = notifications.runtime.db[notifications_store.MAIL]
        return await rows.count_documents({"status": {"$nin": ["sent", "failed"]}}) == 0

    await eventually(settled, what="the mail queue empty")


def message_id(row: dict[str, Any]) -> str:
    """The Message-ID a queued mail is sent with (its row's id, at the default sender's domain)."""
    return f"<{row['_id']}@aurontek.local>"


def once_each(counted: Counter[Any], expected: set[Any]) -> None:
    assert set(counted) == expected and all(n == 1 for n in counted.values()), (counted, expected)


async def test_each_sla_warning_and_breach_is_raised_once_with_two_tickets_instances(ground: Ground, frozen: None
                                                                                      ) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    async with tap(ground, "ticket.sla_warning", "ticket.sla_breached") as heard:
        async with ground.running(TICKETS, 2, **SCANNING) as instances:
            a, b = instances
            team = await desk(ground, a, customers=2)
            tickets = [await team.ticket(instances[n % 2], team.customers[n % 2]) for n in range(8)]
            ids = [ticket["id"] for ticket in tickets]
            rows = a.runtime.db["tickets"]

            async def all_flagged(flag: str) -> bool:
                return await rows.count_documents({"_id": {"$in": ids}, flag: {"$ne": None}}) == len(ids)

            await relayed(a, b)
            clock.freeze(monday + timedelta(hours=3, minutes=30))  # due 14:00: every warning due at once
            await eventually(lambda: all_flagged("sla.responseWarnedAt"), what="every ticket warned")
            await relayed(a, b)
            clock.freeze(monday + timedelta(hours=4, minutes=1))  # every response deadline past
            await eventually(lambda: all_flagged("sla.responseBreachedAt"), what="every breach flagged")
            await relayed(a, b)
        await heard.fence()

    expected = {(type, ticket, "response") for ticket in ids for type in ("ticket.sla_warning", "ticket.sla_breached")}
    outbox = await ground.database(TICKETS)["outbox"].find(
        {"event.type": {"$in": ["ticket.sla_warning", "ticket.sla_breached"]}, "event.data.ticketId": {"$in": ids}}
    ).to_list(None)
    once_each(Counter((r["event"]["type"], r["event"]["data"]["ticketId"], r["event"]["data"]["kind"]) for r in outbox),
              expected)  # written once
    delivered = [e for e in heard.heard if e["type"] != FENCE and e["data"]["ticketId"] in ids]
    once_each(Counter((e["type"], e["data"]["ticketId"], e["data"]["kind"]) for e in delivered), expected)  # and sent
    assert all(row["publishedAt"] is not None for row in outbox)


async def test_each_outbox_row_is_published_once_by_two_relays(ground: Ground) -> None:
    async with tap(ground, "ticket.created") as heard:
        async with ground.running(TICKETS, 2, seed_catalogue=False) as instances:
            team = await desk(ground, instances[0], customers=2)
            raised = await asyncio.gather(*(  # both instances write at once, both relays relay at once
                team.on(instances[n % 2], team.customers[n % 2]).ok(CREATE_TICKET, {"i": {
                    "itemId": team.item_id, "title": f"Printer {n} jams", "description": "Every job."}})
                for n in range(24)))
            await relayed(*instances)
        await heard.fence()

    ids = {ticket["createTicket"]["id"] for ticket in raised}
    rows = await ground.database(TICKETS)["outbox"].find(
        {"event.type": "ticket.created", "event.data.ticketId": {"$in": list(ids)}}).to_list(None)
    assert {row["event"]["data"]["ticketId"] for row in rows} == ids and len(rows) == len(ids)
    delivered = Counter(event["id"] for event in heard.of("ticket.created") if event["data"]["ticketId"] in ids)
    once_each(delivered, {row["_id"] for row in rows})


async def test_each_expired_row_is_swept_once_by_two_instances(ground: Ground, frozen: None) -> None:
    own = {"mongodb_database_prefix": f"sweep{new_id()[-8:]}_"}  # nothing expired there but what the test puts
    async with ground.running(NOTIFICATIONS, 2, smtp_url=ground.mail.url, **{**NOTIFICATIONS_FAST, **own}
                              ) as instances:
        db = instances[0].runtime.db
        now = clock.now()
        clock.freeze(now)
        long_ago = now - timedelta(days=15)  # past the outbox's and the markers' 14 days
        expired = {f"old-{n}" for n in range(40)}
        await db["outbox"].insert_many([{"_id": f"old-{n}", "event": {}, "createdAt": long_ago, "sequence": new_id(),
                                         "publishedAt": long_ago} for n in range(20)]
                                       + [{"_id": "recent", "event": {}, "createdAt": now, "sequence": new_id(),
                                           "publishedAt": now - timedelta(days=13)}])
        await db["processed_events"].insert_many([{"_id": f"old-{n}", "at": long_ago} for n in range(20, 40)]
                                                 + [{"_id": "fresh", "at": now}])
        swept = await asyncio.gather(*(sweep(service.runtime.db) for service in instances * 2))
        left = {row["_id"] for name in ("outbox", "processed_events") for row in await db[name].find(
            {"_id": {"$in": [*expired, "recent", "fresh"]}}).to_list(None)}

    assert sum(swept) == len(expired), swept  # every expired row deleted, and counted, once between them
    assert left == {"recent", "fresh"}


async def test_each_queued_mail_is_sent_once_by_two_notifications_instances(ground: Ground) -> None:
    """Forty mails due at once, four senders (two per instance) claiming them, a real SMTP server counting."""
    keys = [new_id() for _ in range(40)]
    async with ground.running(NOTIFICATIONS, 2, smtp_url=ground.mail.url, **NOTIFICATIONS_FAST) as instances:
        db = instances[0].runtime.db

        async def queue_all(uow: UnitOfWork) -> None:
            for n, key in enumerate(keys):
                enqueue(db, {"key": key, "sourceId": key, "companyId": None, "recipientId": None,
                             "to": f"queued-{n}@mail.test", "language": "en", "kind": "queued",
                             "mandatory": True, "subject": f"Queued {n}", "text": "Hi", "html": "<p>Hi</p>"}, uow)

        await instances[0].runtime.outbox.transaction(queue_all)
        await mail_settled(instances[0])
    rows = await ground.database(NOTIFICATIONS)[notifications_store.MAIL].find({"key": {"$in": keys}}).to_list(None)

    assert len(rows) == len(keys) and {row["status"] for row in rows} == {"sent"}
    assert {row["attempts"] for row in rows} == {1}  # each claimed once
    sent = {message_id(row) for row in rows}
    received = [str(r.message["Message-ID"]) for r in ground.mail.mailbox.received]
    once_each(Counter(m for m in received if m in sent), sent)  # one message each at the SMTP server


async def test_each_unread_chat_batch_is_mailed_once_by_two_notifications_instances(ground: Ground,
                                                                                      frozen: None) -> None:
    began = clock.now()
    clock.freeze(began)  # no batch falls due while its three messages are on their way, however slow the machine
    async with ground.running(TICKETS, seed_catalogue=False) as (tickets,), ground.running(CHAT) as (chat,), \
            ground.running(NOTIFICATIONS, 2, smtp_url=ground.mail.url, **NOTIFICATIONS_FAST) as notifications:
        team = await desk(ground, tickets, chat, notifications[0], customers=4)
        raised = [await team.ticket(tickets, customer) for customer in team.customers]

        async def chat_knows() -> bool:
            return await chat.runtime.db["tickets"].count_documents(
                {"_id": {"$in": [t["id"] for t in raised]}, "assigneeId": team.agent.id}) == len(raised)

        await eventually(chat_knows, what="chat knows the tickets and their agent")
        agent = team.on(chat, team.agent)
        for ticket in raised:  # three messages each, one batch per customer
            for text in ("On my way", "Can you send a photo?", "And the model number"):
                await agent.ok(SEND, {"t": ticket["id"], "x": text})
        unread = notifications[0].runtime.db[notifications_store.CHAT_UNREAD]

        async def batched() -> bool:
            return await unread.count_documents({"ticketId": {"$in": [t["id"] for t in raised]},
                                                "userId": {"$in": [c.id for c in team.customers]}, "count": 3}) == 4

        await eventually(batched, what="three messages in each customer's batch")
        clock.freeze(began + timedelta(seconds=NOTIFICATIONS_FAST["chat_unread_delay_seconds"] + 1))  # all due
        for customer in team.customers:
            await ground.mail.mailbox.wait_for(customer.email, "chat_unread")
        await eventually(lambda: _none(unread, {"ticketId": {"$in": [t["id"] for t in raised]}}),
                         what="every batch taken")
        await relayed(tickets, chat, *notifications)
        await mail_settled(notifications[0])
    notices = await ground.database(NOTIFICATIONS)[notifications_store.NOTIFICATIONS].find(
        {"kind": "chat_unread", "recipientId": {"$in": [c.id for c in team.customers]}}).to_list(None)

    mailed = Counter((customer.email, ticket["reference"]) for customer in team.customers
                     for received in ground.mail.mailbox.to(customer.email, "chat_unread")
                     for ticket in raised if ticket["reference"] in str(received.message["Subject"]))
    pairs = list(zip(team.customers, raised, strict=True))
    once_each(mailed, {(customer.email, ticket["reference"]) for customer, ticket in pairs})  # one mail each
    once_each(Counter((n["recipientId"], n["target"]["id"]) for n in notices),
              {(customer.id, ticket["id"]) for customer, ticket in pairs})  # and one notice in the app


async def _none(rows: Any, query: dict[str, Any]) -> bool:
    return await rows.count_documents(query) == 0


async def test_each_resolved_ticket_closes_once_with_one_notice_with_two_instances_of_each(ground: Ground,
                                                                                          frozen: None) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    async with tap(ground, "ticket.status_changed") as heard:
        async with ground.running(TICKETS, 2, **SCANNING) as tickets, \
                ground.running(NOTIFICATIONS, 2, smtp_url=ground.mail.url, **NOTIFICATIONS_FAST) as notifications:
            team = await desk(ground, tickets[0], notifications[0], customers=2)
            ids = []
            for n in range(6):
                ticket = await team.ticket(tickets[n % 2], team.customers[n % 2])
                await team.on(tickets[(n + 1) % 2], team.agent).ok(MOVE, {"id": ticket["id"], "s": "RESOLVED"})
                ids.append(ticket["id"])
            resolved = tickets[0].runtime.db["tickets"]
            await relayed(*tickets, *notifications)
            await _told(notifications[0], ids, "resolved")
            await mail_settled(notifications[0])
            clock.freeze(monday + timedelta(days=7, minutes=1))  # past the reopen window of every one

            async def closed() -> bool:
                return await resolved.count_documents({"_id": {"$in": ids}, "status": "closed"}) == len(ids)

            await eventually(closed, what="every ticket closed", timeout=60.0)
            await relayed(*tickets, *notifications)
            await _told(notifications[0], ids, "closed")
            await relayed(*notifications)
            await mail_settled(notifications[0])
        await heard.fence()

    closes = [e for e in heard.of("ticket.status_changed")
              if e["data"]["ticketId"] in ids and e["data"]["to"] == "closed"]
    once_each(Counter(e["data"]["ticketId"] for e in closes), set(ids))  # one event each, on the broker
    rows = await ground.database(TICKETS)["outbox"].count_documents(
        {"event.type": "ticket.status_changed", "event.data.to": "closed", "event.data.ticketId": {"$in": ids}})
    assert rows == len(ids)  # and in the outbox
    by_event = {e["id"]: e["data"]["ticketId"] for e in closes}
    told = await ground.database(NOTIFICATIONS)[notifications_store.NOTIFICATIONS].find(
        {"sourceId": {"$in": list(by_event)}}).to_list(None)
    once_each(Counter(by_event[n["sourceId"]] for n in told), set(ids))  # one notice each (the customer's)
    mails = await ground.database(NOTIFICATIONS)[notifications_store.MAIL].find(
        {"sourceId": {"$in": list(by_event)}}).to_list(None)
    once_each(Counter(by_event[m["sourceId"]] for m in mails), set(ids))
    message_ids = {message_id(m): by_event[m["sourceId"]] for m in mails}
    received = Counter(message_ids[str(r.message["Message-ID"])] for r in ground.mail.mailbox.received
                       if str(r.message["Message-ID"]) in message_ids)
    once_each(received, set(ids))  # and one mail each at the SMTP server


async def _told(notifications: RunningService, ids: list[str], to: str) -> None:
    """The notifications service told each ticket's customer that it went `to` (its read model has it)."""

    async def there() -> bool:
        rows = notifications.runtime.db[notifications_store.TICKETS]
        return await rows.count_documents({"_id": {"$in": ids}, "status": to}) == len(ids)

    await eventually(there, what=f"notifications heard every ticket {to}")
