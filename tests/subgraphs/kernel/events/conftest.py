"""Event-test fixtures: a fresh database per test, unique broker names, a broker client to inspect queues, and a
broker outage a test can cause."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage
from pymongo import AsyncMongoClient
from yarl import URL

from subgraphs.kernel.events.amqp import AmqpBus, retry_queues
from subgraphs.kernel.events.bus import ConsumerSpec, Handler
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.mongo import Database, Document, connect
from tests.fixtures.forwarder import Forwarder


def event(type: str = "ticket.created", **data: Any) -> Event:
    return Event(type=type, data=data, company_id="c1", actor_id="u1")


def unique(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
async def mongo_client(mongo_url: str) -> AsyncIterator[AsyncMongoClient[Document]]:
    client = connect(mongo_url, app_name="aurontek-events-tests")
    yield client
    await client.close()


@pytest.fixture
async def db(mongo_client: AsyncMongoClient[Document]) -> AsyncIterator[Database]:
    database = Database(mongo_client, f"events_{uuid.uuid4().hex[:12]}")
    yield database
    await mongo_client.drop_database(database.name)


class Broker:
    """A plain client of the test broker: unique names, queue inspection, and cleanup of what a test made.

    It uses a plain (not robust) connection, opened again when it was closed: a robust channel answers a
    passive declare from its cache, which would freeze the message counts. It always reaches the broker
    directly, never through a `BrokerOutage`'s forwarder.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.exchange = unique("test.events")
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._queues: list[str] = []
        self._buses: list[AmqpBus] = []
        self._forwarders: list[Forwarder] = []

    async def channel(self) -> AbstractChannel:
        if self._connection is None or self._connection.is_closed:
            self._connection = await aio_pika.connect(self.url)
        if self._channel is None or self._channel.is_closed:
            self._channel = await self._connection.channel()
        return self._channel

    def spec(self, patterns: tuple[str, ...], handler: Handler, **policy: Any) -> ConsumerSpec:
        """A consumer on a unique queue; the queue and its retry and dead queues are deleted after the test."""
        spec = ConsumerSpec(unique("test.consumer"), patterns, handler, **policy)
        self._queues += [spec.queue, f"{spec.queue}.dead", *retry_queues(spec).values()]
        return spec

    def forget_after(self, queues: list[str]) -> None:
        """Delete `queues` (declared by the test itself) after the test."""
        self._queues += queues

    def bus(self, url: str | None = None, **kwargs: Any) -> AmqpBus:
        """A bus on this test's exchange, closed after the test; it reconnects within half a second."""
        url = str(URL(url or self.url).update_query(reconnect_interval="0.5"))
        bus = AmqpBus(url, exchange=self.exchange, **kwargs)
        self._buses.append(bus)
        return bus

    async def consume(self, spec: ConsumerSpec, url: str | None = None) -> AmqpBus:
        """A started bus whose one consumer is `spec`: a service replica that consumes."""
        bus = self.bus(url)
        bus.add_consumer(spec)
        await bus.start()
        return bus

    async def publish_raw(self, body: bytes, routing_key: str, **properties: Any) -> None:
        exchange = await (await self.channel()).get_exchange(self.exchange)
        await exchange.publish(aio_pika.Message(body, **properties), routing_key=routing_key)

    async def count(self, queue: str) -> int:
        declared = await (await self.channel()).declare_queue(queue, passive=True)
        assert declared.declaration_result.message_count is not None
        return declared.declaration_result.message_count

    async def take(self, queue: str) -> list[AbstractIncomingMessage]:
        """Every message now waiting in `queue`, removed from it."""
        declared = await (await self.channel()).declare_queue(queue, passive=True)
        taken = []
        while (message := await declared.get(no_ack=True, fail=False)) is not None:
            taken.append(message)
        return taken

    async def outage(self) -> BrokerOutage:
        """A way to this broker that the test can cut; it is stopped after the buses through it are closed."""
        forwarder, url = Forwarder.to_url(self.url)
        await forwarder.start()
        self._forwarders.append(forwarder)
        return BrokerOutage(forwarder, url)

    async def close(self) -> None:
        for bus in self._buses:
            await bus.close()
        for forwarder in self._forwarders:
            await forwarder.stop()
        channel = await self.channel()
        for queue in set(self._queues):
            await channel.queue_delete(queue)
        await channel.exchange_delete(self.exchange)
        assert self._connection is not None
        await self._connection.close()


@pytest.fixture
async def broker(amqp_url: str) -> AsyncIterator[Broker]:
    broker = Broker(amqp_url)
    yield broker
    await broker.close()


class BrokerOutage:
    """The broker going away and coming back, as its clients see it, on any machine (no control of the broker).

    Clients given `url` reach the broker through a TCP forwarder on a free port. `async with outage():` is the
    broker down for the block: the forwarder resets every connection through it and refuses new ones; after
    the block (however it ends) it accepts them again on the same port, and the clients reconnect by
    themselves. Clients on the broker's own URL, the test's inspection among them, are not cut.
    """

    def __init__(self, forwarder: Forwarder, url: str) -> None:
        self.forwarder = forwarder
        self.url = url

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[None]:
        await self.forwarder.cut()
        try:
            yield
        finally:
            await self.forwarder.restore()


@pytest.fixture
async def broker_outage(broker: Broker) -> BrokerOutage:
    return await broker.outage()
