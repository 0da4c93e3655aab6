"""A service whose broker is not up yet waits for it at start, and says so when it never comes.

The broker "comes up" as a TCP forwarder to the real RabbitMQ that starts listening on its port a moment
after the bus began to connect there; nothing in the client is patched.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aio_pika
import pytest
from yarl import URL

from subgraphs.kernel.events.amqp import AmqpBus
from subgraphs.kernel.events.broadcast import AmqpBackend
from tests.harness import free_port
from tests.subgraphs.kernel.events.conftest import event

pytestmark = pytest.mark.amqp


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


@asynccontextmanager
async def forwarder(port: int, broker: URL) -> AsyncIterator[None]:
    """Listen on `port` and carry every connection to the broker."""
    tasks: set[asyncio.Task[None]] = set()

    async def carry(client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        broker_in, broker_out = await asyncio.open_connection(broker.host, broker.port or 5672)
        for pipe in (_pipe(client_in, broker_out), _pipe(broker_in, client_out)):
            task = asyncio.create_task(pipe)
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    server = await asyncio.start_server(carry, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*tasks, return_exceptions=True)


def _through(amqp_url: str, port: int) -> str:
    return str(URL(amqp_url).with_host("127.0.0.1").with_port(port))


@pytest.fixture
async def exchange(amqp_url: str) -> AsyncIterator[str]:
    name = f"aurontek.test.late-broker.{uuid.uuid4().hex[:8]}"
    yield name
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        await (await connection.channel()).exchange_delete(name)


async def test_the_bus_waits_for_a_broker_that_comes_up_late(amqp_url: str, exchange: str) -> None:
    port = free_port()
    bus = AmqpBus(_through(amqp_url, port), exchange=exchange, connect_wait=20)
    starting = asyncio.create_task(bus.start())
    await asyncio.sleep(1.5)
    assert not starting.done()  # still waiting, not failed
    async with forwarder(port, URL(amqp_url)):
        await asyncio.wait_for(starting, 15)
        assert bus.connected
        await bus.publish(event("ticket.created"))  # confirmed by the broker through the late listener
        await bus.close()


async def test_the_live_feed_waits_for_a_broker_that_comes_up_late(amqp_url: str, exchange: str) -> None:
    port = free_port()
    backend = AmqpBackend(_through(amqp_url, port), exchange=exchange)
    connecting = asyncio.create_task(backend.connect())
    await asyncio.sleep(1.0)
    assert not connecting.done()
    async with forwarder(port, URL(amqp_url)):
        await asyncio.wait_for(connecting, 15)
        await backend.disconnect()


async def test_a_broker_that_never_answers_stops_the_start_with_its_address(amqp_url: str) -> None:
    port = free_port()
    bus = AmqpBus(_through(amqp_url, port), connect_wait=1.5)
    began = time.monotonic()
    with pytest.raises(ConnectionError, match=f"RabbitMQ at 127.0.0.1:{port} did not answer within 1.5s"):
        await bus.start()
    assert time.monotonic() - began < 5
