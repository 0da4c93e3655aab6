"""A service whose broker is not up yet waits for it at start, and says so when it never comes.

The broker "comes up" as a TCP forwarder to the real RabbitMQ that starts listening on its port a moment
after the bus began to connect there; nothing in the client is patched.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aio_pika
import pytest

from subgraphs.kernel.events.amqp import AmqpBus
from subgraphs.kernel.events.broadcast import AmqpBackend
from tests.fixtures.forwarder import Forwarder
from tests.subgraphs.kernel.events.conftest import event

pytestmark = pytest.mark.amqp


@asynccontextmanager
async def up(forwarder: Forwarder) -> AsyncIterator[None]:
    """The broker "comes up": the forwarder starts listening, for the block."""
    await forwarder.start()
    try:
        yield
    finally:
        await forwarder.stop()


@pytest.fixture
async def exchange(amqp_url: str) -> AsyncIterator[str]:
    name = f"aurontek.test.late-broker.{uuid.uuid4().hex[:8]}"
    yield name
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        await (await connection.channel()).exchange_delete(name)


async def test_the_bus_waits_for_a_broker_that_comes_up_late(amqp_url: str, exchange: str) -> None:
    late, through = Forwarder.to_url(amqp_url)
    bus = AmqpBus(through, exchange=exchange, connect_wait=20)
    starting = asyncio.create_task(bus.start())
    await asyncio.sleep(1.5)
    assert not starting.done()  # still waiting, not failed
    async with up(late):
        await asyncio.wait_for(starting, 15)
        assert bus.connected
        await bus.publish(event("ticket.created"))  # confirmed by the broker through the late listener
        await bus.close()


async def test_the_live_feed_waits_for_a_broker_that_comes_up_late(amqp_url: str, exchange: str) -> None:
    late, through = Forwarder.to_url(amqp_url)
    backend = AmqpBackend(through, exchange=exchange)
    connecting = asyncio.create_task(backend.connect())
    await asyncio.sleep(1.0)
    assert not connecting.done()
    async with up(late):
        await asyncio.wait_for(connecting, 15)
        await backend.disconnect()


async def test_a_broker_that_never_answers_stops_the_start_with_its_address(amqp_url: str) -> None:
    silent, through = Forwarder.to_url(amqp_url)  # never started: nothing listens on its port
    bus = AmqpBus(through, connect_wait=1.5)
    began = time.monotonic()
    with pytest.raises(ConnectionError, match=f"RabbitMQ at 127.0.0.1:{silent.port} did not answer within 1.5s"):
        await bus.start()
    assert time.monotonic() - began < 5
