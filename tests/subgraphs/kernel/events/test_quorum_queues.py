"""`AMQP_QUEUE_TYPE=quorum`: a consumer's queues are declared as quorum queues (what a RabbitMQ cluster replicates),
its events flow and retry as on classic queues, and a message that keeps coming back without being handled (a
process that dies on it every time) goes to the dead queue once it passes the delivery limit, instead of going
round for ever. The whole consumer suite also runs with AMQP_QUEUE_TYPE=quorum (see the README)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest
from aiormq.exceptions import ChannelPreconditionFailed

from subgraphs.kernel.events.amqp import DELIVERY_LIMIT, AmqpBus, queue_type_of, retry_queues
from subgraphs.kernel.events.bus import ConsumerSpec
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.topology import Durable
from tests.harness import eventually

pytestmark = pytest.mark.amqp


@pytest.fixture
async def names(amqp_url: str) -> AsyncIterator[tuple[str, str]]:
    """A unique exchange and consumer queue; every queue of that consumer deleted afterwards."""
    tag = uuid.uuid4().hex[:10]
    exchange, queue = f"quorum-test.{tag}", f"quorum-test.{tag}.consumer"
    yield exchange, queue
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        spec = ConsumerSpec(queue, ("#",), _noop, max_attempts=3, retry_delay_ms=50)
        for name in (queue, f"{queue}.dead", *retry_queues(spec).values()):
            await channel.queue_delete(name)  # quorum queues are deleted unconditionally
        await channel.exchange_delete(exchange)


async def _noop(event: Event) -> None:
    return None


def test_the_queue_type_comes_from_the_setting_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMQP_QUEUE_TYPE", raising=False)
    assert queue_type_of(None) == "classic"
    monkeypatch.setenv("AMQP_QUEUE_TYPE", "Quorum")
    assert queue_type_of(None) == "quorum" and queue_type_of("classic") == "classic"
    with pytest.raises(ValueError, match="AMQP_QUEUE_TYPE must be one of classic, quorum"):
        queue_type_of("mirrored")


async def test_events_flow_retry_and_dead_letter_through_quorum_queues(amqp_url: str, names: tuple[str, str]
                                                                      ) -> None:
    exchange, queue = names
    handled: list[str] = []
    failures: dict[str, int] = {}

    async def handler(event: Event) -> None:
        if event.data.get("fail"):
            failures[event.id] = failures.get(event.id, 0) + 1
            raise RuntimeError("the mail server refused it")
        handled.append(event.id)

    bus = AmqpBus(amqp_url, exchange=exchange, queue_type="quorum")
    await bus.start()
    try:
        await bus.declare([Durable(queue, ("ticket.*",))])
        bus.add_consumer(ConsumerSpec(queue, ("ticket.*",), handler, max_attempts=3, retry_delay_ms=50))
        good, bad = (Event("ticket.created", {"ticketId": "t1"}, "c1"),
                     Event("ticket.created", {"ticketId": "t2", "fail": True}, "c1"))
        await asyncio.sleep(0.2)  # the consumer declared in the background
        await bus.publish(good)
        await bus.publish(bad)
        await eventually(lambda: handled == [good.id] and failures.get(bad.id) == 3, timeout=10)
    finally:
        await bus.close()
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        dead = await channel.declare_queue(f"{queue}.dead", durable=True, passive=True)
        assert dead.declaration_result.message_count == 1
        # declared as quorum: asking for the same queue as a classic one is refused
        with pytest.raises(ChannelPreconditionFailed):
            await channel.declare_queue(queue, durable=True)


async def test_a_message_past_the_delivery_limit_goes_to_the_dead_queue(amqp_url: str, names: tuple[str, str]
                                                                       ) -> None:
    exchange, queue = names
    bus = AmqpBus(amqp_url, exchange=exchange, queue_type="quorum")
    await bus.start()
    try:
        await bus.declare([Durable(queue, ("ticket.*",))])
        await bus.publish(Event("ticket.created", {"ticketId": "t-poison"}, "c1"))
    finally:
        await bus.close()
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        consumer_queue = await channel.get_queue(queue, ensure=False)
        returned = 0
        while (message := await consumer_queue.get(fail=False, timeout=5)) is not None:
            await message.nack(requeue=True)  # as a consumer that dies holding it would, every time
            returned += 1
            assert returned <= DELIVERY_LIMIT + 1, "the delivery limit is not honoured"
        dead = await channel.get_queue(f"{queue}.dead", ensure=False)
        bodies: list[bytes] = []

        async def dead_lettered() -> bool:
            message = await dead.get(fail=False, timeout=5)
            if message is not None:
                bodies.append(message.body)
            return bool(bodies)

        await eventually(dead_lettered, timeout=10)
        assert b"t-poison" in bodies[0], bodies
        assert returned == DELIVERY_LIMIT + 1, returned
