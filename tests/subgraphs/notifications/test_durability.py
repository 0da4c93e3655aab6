"""Nothing lost, nothing doubled: against real RabbitMQ and a real SMTP server, a broker outage, a
consumer restart and an SMTP server refusing for a while, all in the middle of a stream of events.

The service and the producer reach the broker through a TCP forwarder (tests/fixtures/forwarder.py): the
broker is "down" while the forwarder resets every connection and refuses new ones.

A stand-in producer writes the events through a transactional outbox of its own, as the users and
tickets services do, so a broker outage delays its events and loses none.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from yarl import URL

from subgraphs.kernel.events.amqp import AmqpBus
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database, connect
from subgraphs.notifications import store
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from tests.fixtures.forwarder import Forwarder
from tests.fixtures.topology import delete_topology
from tests.harness import RunningService, eventually, start_service
from tests.subgraphs.notifications.conftest import FAST
from tests.subgraphs.notifications.desk import Desk
from tests.subgraphs.notifications.mailserver import MailServer

pytestmark = pytest.mark.amqp

STREAM = 40  # events per test
CUSTOMERS = 5


@dataclass
class Line:
    """A producer's outbox and a notifications service, both on one RabbitMQ exchange."""

    producer: Outbox
    service: RunningService
    broker: Forwarder  # the only way to the broker for the producer and the service
    mail: MailServer
    settings: dict[str, Any]
    restart: Callable[[], Awaitable[RunningService]]
    company_id: str = field(default_factory=new_id)
    customers: list[dict[str, Any]] = field(default_factory=list)
    raised: list[Event] = field(default_factory=list)

    async def emit(self, type: str, data: dict[str, Any], *, actor_id: str | None = None) -> Event:
        async def work(uow: UnitOfWork) -> Event:
            return uow.emit(type, data, company_id=self.company_id, actor_id=actor_id)

        event = await self.producer.transaction(work)
        self.raised.append(event)
        return event

    @property
    def db(self) -> Database:
        return self.service.runtime.db

    async def people(self) -> None:
        """A company and its customers, told as the users service tells them."""
        await self.emit("company.created", {"companyId": self.company_id, "name": "Durable Co", "status": "active",
                                            "email": f"it-{self.company_id}@durable.test", "contacts": [],
                                            "licence": None})
        for n in range(CUSTOMERS):
            person = {"userId": new_id(), "email": f"c{n}-{self.company_id}@durable.test", "firstName": f"C{n}",
                      "lastName": "Durable", "language": "en", "roleKey": "customer", "permissions": [],
                      "status": "active", "companyId": self.company_id, "jobTitle": None, "roleId": new_id(),
                      "roleName": "Customer", "roleLevel": 10, "skills": [], "careGroups": [],
                      "activityStatus": "available"}
            self.customers.append(person)
            await self.emit("user.created", person)

    async def stream(self, until: asyncio.Event, at_least: int = STREAM) -> list[tuple[float, Event]]:
        """New tickets, spread over the customers, every few milliseconds, until told (and `at_least`)."""
        events: list[tuple[float, Event]] = []
        while len(events) < at_least or not until.is_set():
            creator = self.customers[len(events) % CUSTOMERS]["userId"]
            ticket = Desk.ticket(self.company_id, creator, title=f"Stream ticket {len(events)}")
            events.append((time.monotonic(), await self.emit("ticket.created", ticket, actor_id=creator)))
            await asyncio.sleep(0.03)
        return events

    async def notified(self) -> int:
        return await self.db[store.NOTIFICATIONS].count_documents({"companyId": self.company_id})

    async def exactly_once(self, events: list[Event]) -> None:
        """Every event gave its creator one in-app notification and one mail, and nobody more."""
        await eventually(lambda: self._mails_for(events) >= len(events), timeout=60, what="every mail received")
        await eventually(self._queue_empty, timeout=30, what="mail queue settled")
        await asyncio.sleep(0.5)  # time for a duplicate, if there were one, to show
        for event in events:
            rows = await self.db[store.NOTIFICATIONS].find({"sourceId": event.id}).to_list(None)
            assert [r["recipientId"] for r in rows] == [event.data["creatorId"]], event.data["title"]
        references = [m.message["Subject"].rsplit(" ", 1)[-1] for c in self.customers
                      for m in self.mail.mailbox.to(c["email"], "ticket_created")]
        assert sorted(references) == sorted(e.data["reference"] for e in events)
        assert all(len(self.mail.mailbox.to(c["email"], "welcome")) == 1 for c in self.customers)

    def _mails_for(self, events: list[Event]) -> int:
        return sum(len(self.mail.mailbox.to(c["email"], "ticket_created")) for c in self.customers)

    async def _queue_empty(self) -> bool:
        return await self.db[store.MAIL].count_documents({"status": {"$nin": ["sent", "failed"]}}) == 0


async def _delete_topology(amqp_url: str, exchange: str, settings: dict[str, Any]) -> None:
    await delete_topology(amqp_url, exchange, max_attempts=settings["event_max_attempts"],
                          retry_delay_ms=settings["event_retry_delay_ms"])


@pytest.fixture
async def line(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[Line]:
    exchange = f"test.notifications.{new_id()}"
    forwarder, through = Forwarder.to_url(amqp_url)
    await forwarder.start()
    fast_reconnect = str(URL(through).update_query(reconnect_interval="0.5"))
    mail = MailServer().start()
    settings: dict[str, Any] = {**FAST, "amqp_url": fast_reconnect, "events_exchange": exchange, "smtp_url": mail.url,
                "mongodb_database_prefix": f"tdur{new_id()[-8:]}_", "mail_max_attempts": 40, "event_max_attempts": 10}
    await _delete_topology(amqp_url, exchange, settings)  # nothing left over from an interrupted run
    client = connect(mongo_url, app_name="durability-producer")
    producer_bus = AmqpBus(fast_reconnect, exchange=exchange)
    producer = Outbox(Database(client, f"producer_{new_id()}"), producer_bus, poll_interval=0.1)
    await producer_bus.start()
    producer.start()

    async def restart() -> RunningService:
        return await start_service(NOTIFICATIONS, mongo_url=mongo_url, http=http, **settings)

    running = Line(producer, await restart(), forwarder, mail, settings, restart)
    try:
        yield running
    finally:
        await running.service.stop()
        await producer.stop()
        await producer_bus.close()
        await forwarder.stop()
        await client.drop_database(producer.db.name)
        await client.close()
        mail.stop()
        await _delete_topology(amqp_url, exchange, settings)


async def _broker_outage(line: Line) -> None:
    """The broker away for a second: every connection to it reset, new ones refused; then back."""
    await line.broker.cut()
    try:
        buses = (line.producer.bus, line.service.runtime.bus)
        await eventually(lambda: not any(bus.connected for bus in buses), what="the broker lost by both sides")
        await asyncio.sleep(1.0)
    finally:
        await line.broker.restore()


async def test_a_broker_outage_mid_stream_loses_and_doubles_nothing(line: Line) -> None:
    await line.people()
    done = asyncio.Event()
    stream = asyncio.create_task(line.stream(done))
    await eventually(lambda: _at_least(line, 8), what="the stream flowing")
    down = time.monotonic()
    await _broker_outage(line)
    up = time.monotonic()
    await eventually(lambda: _at_least(line, STREAM + 5), timeout=60, what="the stream flowing again")
    done.set()
    events = await stream
    assert any(down < at < up for at, _ in events), "no event was raised while the broker was down"
    await line.exactly_once([e for _, e in events])


async def test_a_consumer_restart_while_smtp_refuses_loses_and_doubles_nothing(line: Line) -> None:
    await line.people()
    line.mail.mailbox.refusing = True
    done = asyncio.Event()
    stream = asyncio.create_task(line.stream(done))
    await eventually(lambda: _at_least(line, 8), what="the stream flowing")
    down = time.monotonic()
    await line.service.stop()  # mid-stream: events wait in the durable queue, mails in the database
    await asyncio.sleep(0.3)
    line.service = await line.restart()
    up = time.monotonic()
    await eventually(lambda: _at_least(line, STREAM + 5), timeout=60, what="the stream flowing again")
    done.set()
    events = await stream
    assert any(down < at < up for at, _ in events), "no event was raised while the consumer was down"
    await eventually(lambda: line.mail.mailbox.refused >= 10, what="the SMTP server refusing")
    line.mail.mailbox.refusing = False
    await line.exactly_once([e for _, e in events])


async def _at_least(line: Line, count: int) -> bool:
    return await line.notified() >= count
