"""Live fan-out with broadcaster: our RabbitMQ backend (one exclusive queue per instance) against the real
broker, and the in-process bus doing the same job; events routed to listeners by key."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable

import pytest
from broadcaster import Broadcast
from yarl import URL

from subgraphs.kernel.events import broadcast as broadcast_module
from subgraphs.kernel.events.amqp import AmqpBus
from subgraphs.kernel.events.broadcast import AmqpBackend, BusBackend, Listener, LiveEventsLost, LiveFeed
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.memory import InProcessBus
from tests.harness import eventually
from tests.subgraphs.kernel.events.conftest import Broker, BrokerOutage, event

CHANNELS = ("ticket.*", "chat.message_added", "live.chat.*")


def by_ticket(e: Event) -> Iterable[Hashable]:
    return [e.data["ticketId"]] if "ticketId" in e.data else []


async def first(listener: Listener, timeout: float = 5.0) -> Event:
    return await asyncio.wait_for(anext(listener), timeout)


async def nothing_more(listener: Listener) -> None:
    with pytest.raises(TimeoutError):
        await first(listener, timeout=0.3)


Instance = Callable[..., Awaitable[LiveFeed]]  # a running instance's feed; more calls, more instances
Publish = Callable[[Event], Awaitable[None]]  # a durable publish, as the outbox relay makes it


@contextlib.asynccontextmanager
async def feeds(backend: Callable[[], object]) -> AsyncIterator[Instance]:
    started: list[tuple[LiveFeed, Broadcast]] = []

    async def instance(backlog: int = 256) -> LiveFeed:
        made = backend()
        broadcast = Broadcast(backend=made)  # type: ignore[arg-type]
        await broadcast.connect()
        feed = LiveFeed(broadcast, CHANNELS, by_ticket, backlog=backlog, early=isinstance(made, AmqpBackend))
        await feed.start()
        started.append((feed, broadcast))
        return feed

    try:
        yield instance
    finally:
        for feed, broadcast in started:
            await feed.stop()
            await broadcast.disconnect()


@pytest.fixture(params=["rabbitmq", "in-process"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Instance, Publish]]:
    """Instances on RabbitMQ (our backend, a unique exchange) or on one in-process bus."""
    if request.param == "rabbitmq":
        broker = Broker(request.getfixturevalue("amqp_url"))  # skips (or fails under CI) without a broker
        publisher = broker.bus()
        await publisher.start()
        async with feeds(lambda: AmqpBackend(broker.url, exchange=broker.exchange)) as instance:
            yield instance, publisher.publish
        await broker.close()
    else:
        bus = InProcessBus()
        await bus.start()
        async with feeds(lambda: BusBackend(bus)) as instance:
            yield instance, bus.publish
        await bus.close()


async def test_an_event_reaches_the_listeners_of_its_ticket_on_every_instance(
        world: tuple[Instance, Publish]) -> None:
    instance, publish = world
    one, two = await instance(), await instance()
    async with one.listen("t1") as a, two.listen("t1") as b, two.listen("t2") as other:
        sent = event("chat.message_added", ticketId="t1", text="hello")
        await publish(event("user.created", userId="u1"))  # no channel binds it
        await publish(sent)
        assert await first(a) == sent
        assert await first(b) == sent
        await nothing_more(other)


async def test_channels_are_routing_key_patterns(world: tuple[Instance, Publish]) -> None:
    instance, publish = world
    feed = await instance()
    async with feed.listen("t1") as listener:
        sent = [event("ticket.created", ticketId="t1"), event("ticket.status_changed", ticketId="t1")]
        await publish(event("ticket.sla.deep", ticketId="t1"))  # `*` is one word
        for e in sent:
            await publish(e)
        assert [await first(listener), await first(listener)] == sent
        await nothing_more(listener)


async def test_a_listener_of_several_keys_gets_each_event_once(world: tuple[Instance, Publish]) -> None:
    instance, publish = world
    feed = await instance()

    def both(e: Event) -> Iterable[Hashable]:
        return [e.data["ticketId"], ("company", e.company_id)]

    feed.route = both
    async with feed.listen("t1", ("company", "c1")) as listener:
        sent = event("ticket.created", ticketId="t1")
        await publish(sent)
        assert await first(listener) == sent
        await nothing_more(listener)


async def test_a_live_publish_reaches_every_instance_but_no_durable_consumer(broker: Broker) -> None:
    seen: list[Event] = []

    async def record(e: Event) -> None:
        seen.append(e)

    consumer = await broker.consume(broker.spec(("chat.*", "ticket.*"), record))
    async with feeds(lambda: AmqpBackend(broker.url, exchange=broker.exchange)) as instance:
        one, two = await instance(), await instance()
        async with two.listen("t1") as listener:
            typing = event("live.chat.typing", ticketId="t1", userId="u1")
            await one.publish(typing)
            assert await first(listener) == typing
            durable = event("chat.message_added", ticketId="t9")
            await consumer.publish(durable)
            await eventually(lambda: len(seen) == 1)
    assert seen == [durable]


async def test_a_slow_listener_is_dropped_and_the_others_go_on(world: tuple[Instance, Publish]) -> None:
    instance, publish = world
    feed = await instance(backlog=3)
    async with feed.listen("t1") as slow, feed.listen("t1") as quick:
        sent = [event("chat.message_added", ticketId="t1", n=i) for i in range(5)]
        for e in sent:
            await publish(e)
            assert await first(quick) == e
        with pytest.raises(LiveEventsLost):
            await first(slow)


async def test_leaving_a_block_stops_listening(world: tuple[Instance, Publish]) -> None:
    instance, _ = world
    feed = await instance()
    async with feed.listen("t1"), feed.listen("t1"):
        assert feed.listeners("t1") == 2
    assert feed.listeners("t1") == 0


async def test_an_unreadable_message_is_dropped_and_the_feed_goes_on(broker: Broker) -> None:
    async with feeds(lambda: AmqpBackend(broker.url, exchange=broker.exchange)) as instance:
        feed = await instance()
        async with feed.listen("t1") as listener:
            await broker.publish_raw(b"not json", "chat.message_added")
            sent = event("chat.message_added", ticketId="t1")
            await feed.publish(sent)
            assert await first(listener) == sent


async def test_one_exclusive_queue_per_instance_goes_away_with_it(broker: Broker) -> None:
    backend = AmqpBackend(broker.url, exchange=broker.exchange)

    async def declared_elsewhere(name: str) -> str:
        """What another connection hears when it looks for the queue `name`."""
        broker._channel = None  # a refused passive declare closes the channel: look from a fresh one
        try:
            await (await broker.channel()).declare_queue(name, passive=True)
        except Exception as refusal:
            return type(refusal).__name__
        return "found"

    async with feeds(lambda: backend) as instance:
        await instance()
        assert backend._queue is not None
        name = backend._queue.name
        assert await declared_elsewhere(name) == "ChannelLockedResource"  # exclusive to its instance
    assert await declared_elsewhere(name) == "ChannelNotFoundEntity"  # deleted with it
    broker._channel = None


async def test_live_fan_out_resumes_after_a_broker_outage(broker: Broker, broker_outage: BrokerOutage) -> None:
    publisher = broker.bus(broker_outage.url)
    await publisher.start()
    url = str(URL(broker_outage.url).update_query(reconnect_interval="0.5"))
    backend = AmqpBackend(url, exchange=broker.exchange)
    async with feeds(lambda: backend) as instance:
        feed = await instance()
        async with feed.listen("t1") as listener:
            async with broker_outage():  # the instance's exclusive queue goes with its connection
                await eventually(lambda: backend._connection is not None and
                                 not backend._connection.connected.is_set())
            sent = event("chat.message_added", ticketId="t1")

            async def delivered() -> bool:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(publisher.publish(sent), 2)
                    return await first(listener, timeout=1) == sent
                return False

            await eventually(delivered, timeout=60, interval=0.2)


async def test_an_announced_event_is_heard_at_once_and_once_only(world: tuple[Instance, Publish]) -> None:
    instance, publish = world
    one, two = await instance(), await instance()
    async with one.listen("t1") as here, two.listen("t1") as there:
        sent = event("chat.message_added", ticketId="t1")
        await one.announce(sent)
        assert len(here) == 1  # this instance's listeners have it before announce returns
        await publish(sent)  # the outbox's copy, later
        follow_up = event("chat.message_added", ticketId="t1", n=2)
        await publish(follow_up)
        assert [await first(here), await first(here)] == [sent, follow_up]
        assert [await first(there), await first(there)] == [sent, follow_up]


async def test_early_copies_reach_no_durable_consumer(broker: Broker) -> None:
    seen: list[Event] = []

    async def record(e: Event) -> None:
        seen.append(e)

    consumer = await broker.consume(broker.spec(("chat.*", "chat.message_added"), record))  # what services bind
    async with feeds(lambda: AmqpBackend(broker.url, exchange=broker.exchange)) as instance:
        one, two = await instance(), await instance()
        async with two.listen("t1") as there:
            early = event("chat.message_added", ticketId="t1")
            await one.announce(early)
            assert await first(there) == early
            await consumer.publish(marker := event("chat.messages_read", ticketId="t9"))
            await eventually(lambda: len(seen) == 1)
    assert seen == [marker]


def test_the_rabbitmq_bus_names_its_url_and_exchange() -> None:
    bus = AmqpBus("amqp://guest:guest@127.0.0.1:5672/", exchange="x")
    assert (bus.url, bus.exchange_name) == ("amqp://guest:guest@127.0.0.1:5672/", "x")


async def test_a_feed_stops_promptly_while_the_broker_is_away(broker: Broker, broker_outage: BrokerOutage) -> None:
    """A service shutting down during a broker outage (a rolling restart in an incident) must not hang on the
    live queue's unbinding: that queue went with the connection anyway."""
    url = str(URL(broker_outage.url).update_query(reconnect_interval="0.5"))
    backend = AmqpBackend(url, exchange=broker.exchange)
    broadcast = Broadcast(backend=backend)  # type: ignore[arg-type]
    await broadcast.connect()
    feed = LiveFeed(broadcast, CHANNELS, by_ticket, early=True)
    await feed.start()
    async with broker_outage():
        await eventually(lambda: backend._connection is not None and not backend._connection.connected.is_set())
        started = time.monotonic()
        await asyncio.wait_for(feed.stop(), 15)
        await asyncio.wait_for(broadcast.disconnect(), 15)
        assert time.monotonic() - started < 10


@contextlib.asynccontextmanager
async def held_apart(broker: Broker, broker_outage: BrokerOutage) -> AsyncIterator[tuple[LiveFeed, LiveFeed]]:
    """Two instances' feeds: the first reaches the broker through the outage's forwarder (which can stop passing its
    writes on), the second directly."""
    held = AmqpBackend(broker_outage.url, exchange=broker.exchange)
    async with feeds(lambda: held) as through_forwarder, feeds(
            lambda: AmqpBackend(broker.url, exchange=broker.exchange)) as direct:
        yield await through_forwarder(), await direct()


def large_messages(count: int) -> list[Event]:
    """Chat messages of 60 kB on ticket t1: a few hundred fill the sockets between an instance and the broker."""
    return [event("chat.message_added", ticketId="t1", n=n, text="x" * 60_000) for n in range(count)]


async def test_announcing_goes_on_while_the_broker_holds_the_early_copies(broker: Broker,
                                                                          broker_outage: BrokerOutage) -> None:
    """A broker that stops taking an instance's writes (its flow control under load; here a forwarder that stops
    passing them on) must not hold the callers who announce: a chat message's reply waited for its early copy's
    publish, and stood still with it. The copies follow once the broker takes writes again."""
    async with held_apart(broker, broker_outage) as (one, two):
        sent = large_messages(120)
        async with one.listen("t1") as here, two.listen("t1") as there:
            broker_outage.forwarder.stall()  # 7 MB of copies: more than the sockets between hold
            for e in sent:
                await asyncio.wait_for(one.announce(e), 5)  # one waited for as long as the stall, before
            assert [await first(here) for _ in sent] == sent  # this instance's listeners had each at once
            await nothing_more(there)
            broker_outage.forwarder.flow()
            assert [await first(there, timeout=15) for _ in sent] == sent  # in order, once the broker takes them


async def test_past_the_waiting_limit_early_copies_are_dropped_and_later_ones_go_out(
        broker: Broker, broker_outage: BrokerOutage, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the broker takes none of an instance's writes, at most `OUTGOING` early copies wait in its memory; the
    ones past that are dropped (the outbox's copy still reaches the other instances), the callers who announce never
    wait, and once the broker takes writes again the waiting copies go out in order, then every later one."""
    monkeypatch.setattr(broadcast_module, "OUTGOING", 5)  # read as a feed starts: five copies may wait here
    async with held_apart(broker, broker_outage) as (one, two):
        sent = large_messages(200)
        async with one.listen("t1") as here, two.listen("t1") as there:
            broker_outage.forwarder.stall()  # 12 MB of copies: the sockets between hold some, five wait, the rest go
            for e in sent:
                await asyncio.wait_for(one.announce(e), 5)
            assert [await first(here) for _ in sent] == sent  # this instance's listeners had each at once
            await nothing_more(there)
            broker_outage.forwarder.flow()
            heard: list[Event] = []
            with contextlib.suppress(TimeoutError):
                while True:
                    heard.append(await first(there, timeout=3))
            ids = [e.id for e in sent]
            assert 0 < len(heard) < len(sent)  # some went out after the stall, the ones past the limit did not
            assert [ids.index(e.id) for e in heard] == sorted(ids.index(e.id) for e in heard)  # in order
            later = event("chat.message_added", ticketId="t1", n=200, text="after")
            await one.announce(later)
            assert await first(there, timeout=15) == later
