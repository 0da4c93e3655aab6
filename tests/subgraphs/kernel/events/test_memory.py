"""The in-process bus: per-consumer delivery, retry with backoff then dead-letter, live fan-out, drain."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from subgraphs.kernel.events.bus import ConsumerSpec
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.events.topology import Durable
from tests.harness import eventually
from tests.subgraphs.kernel.events.conftest import event


@pytest.fixture
async def bus() -> AsyncIterator[InProcessBus]:
    bus = InProcessBus()
    await bus.start()
    yield bus
    await bus.close()


class Recorder:
    """A handler that records what it saw and fails its first `failures` calls."""

    def __init__(self, failures: int = 0, delay: float = 0.0) -> None:
        self.failures = failures
        self.delay = delay
        self.calls: list[tuple[float, Event]] = []
        self.handled: list[Event] = []

    async def __call__(self, event: Event) -> None:
        self.calls.append((time.monotonic(), event))
        await asyncio.sleep(self.delay)
        if len(self.calls) <= self.failures:
            raise RuntimeError(f"failure {len(self.calls)}")
        self.handled.append(event)

    @property
    def types(self) -> list[str]:
        return [e.type for _, e in self.calls]


async def test_each_consumer_gets_the_events_its_patterns_match(bus: InProcessBus) -> None:
    tickets, everything = Recorder(), Recorder()
    bus.add_consumer(ConsumerSpec("tickets", ("ticket.*",), tickets))
    bus.add_consumer(ConsumerSpec("all", ("#",), everything))

    await bus.publish(event("ticket.created"))
    await bus.publish(event("user.created"))
    await bus.drain()

    assert tickets.types == ["ticket.created"]
    assert everything.types == ["ticket.created", "user.created"]


async def test_events_published_before_start_are_delivered_at_start() -> None:
    bus, seen = InProcessBus(), Recorder()
    bus.add_consumer(ConsumerSpec("tickets", ("ticket.*",), seen))
    await bus.publish(event())
    try:
        await bus.start()
        await bus.drain()
    finally:
        await bus.close()

    assert seen.types == ["ticket.created"]


async def test_a_consumer_sees_events_in_publish_order(bus: InProcessBus) -> None:
    seen = Recorder()
    bus.add_consumer(ConsumerSpec("tickets", ("#",), seen))

    sent = [event(n=i) for i in range(50)]
    for e in sent:
        await bus.publish(e)
    await bus.drain()

    assert [e for _, e in seen.calls] == sent


async def test_a_failed_handler_is_retried_with_backoff_and_then_succeeds(bus: InProcessBus) -> None:
    flaky = Recorder(failures=2)
    bus.add_consumer(ConsumerSpec("flaky", ("#",), flaky, max_attempts=5, retry_delay_ms=30))

    await bus.publish(event())
    await bus.drain()

    times = [t for t, _ in flaky.calls]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.03
    assert times[2] - times[1] >= 0.06  # the second wait doubles
    assert bus.dead_letters == []


async def test_after_max_attempts_the_event_is_dead_lettered_with_its_error(bus: InProcessBus) -> None:
    broken = Recorder(failures=99)
    bus.add_consumer(ConsumerSpec("broken", ("#",), broken, max_attempts=3, retry_delay_ms=10))

    sent = event()
    await bus.publish(sent)
    await bus.drain()

    assert len(broken.calls) == 3
    [dead] = bus.dead_letters
    assert (dead.queue, dead.event, dead.attempts) == ("broken", sent, 3)
    assert "failure 3" in dead.error


async def test_a_slow_consumer_delays_only_itself(bus: InProcessBus) -> None:
    slow, fast = Recorder(delay=0.5), Recorder()
    bus.add_consumer(ConsumerSpec("slow", ("#",), slow))
    bus.add_consumer(ConsumerSpec("fast", ("#",), fast))

    await bus.publish(event())
    await asyncio.sleep(0.05)

    assert fast.types == ["ticket.created"]
    assert slow.types == ["ticket.created"]  # started, not finished
    await bus.drain()


async def test_a_consumer_asking_for_a_wider_lane_count_holds_that_many_events_at_once() -> None:
    """The bus's width holds for every consumer but one that asks for its own (the notifications ask for more)."""
    bus, narrow, wide = InProcessBus(width=1), Recorder(delay=0.3), Recorder(delay=0.3)
    bus.add_consumer(ConsumerSpec("narrow", ("#",), narrow))
    bus.add_consumer(ConsumerSpec("wide", ("#",), wide, width=3))
    await bus.start()
    try:
        for n in range(3):
            await bus.publish(event(ticketId=f"t{n}"))  # three tickets: nothing orders them
        await asyncio.sleep(0.15)
        assert len(wide.calls) == 3 and len(narrow.calls) == 1  # started; none finished
        await bus.drain()
        assert len(wide.handled) == len(narrow.handled) == 3
    finally:
        await bus.close()


async def test_drain_waits_for_a_retry_that_comes_due_while_another_consumer_is_busy(bus: InProcessBus) -> None:
    # flaky fails at 0.2s and is retried at once; its retry ends at 0.4s, after slow ends at 0.3s.
    flaky = Recorder(failures=1, delay=0.2)
    slow = Recorder(delay=0.3)
    bus.add_consumer(ConsumerSpec("flaky", ("#",), flaky, retry_delay_ms=1))
    bus.add_consumer(ConsumerSpec("slow", ("#",), slow))

    await bus.publish(event())
    await bus.drain()

    assert len(flaky.handled) == 1
    assert len(slow.handled) == 1


async def test_live_subscriptions_each_get_every_matching_event(bus: InProcessBus) -> None:
    async with bus.live(("ticket.*",)) as first, bus.live(("ticket.*", "user.*")) as second:
        sent = [event("ticket.created"), event("company.created"), event("user.created")]
        for e in sent:
            await bus.publish(e)

        assert [await anext(first)] == [sent[0]]
        assert [await anext(second), await anext(second)] == [sent[0], sent[2]]
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(first), timeout=0.05)


async def test_a_closed_live_subscription_no_longer_receives(bus: InProcessBus) -> None:
    async with bus.live(("#",)) as feed:
        await bus.publish(event())
        await anext(feed)
    await bus.publish(event())  # nobody is listening: must not pile up anywhere

    async with bus.live(("#",)) as feed:
        fresh = event("user.created")
        await bus.publish(fresh)
        assert await anext(feed) == fresh


async def test_close_stops_pending_retries() -> None:
    bus, broken = InProcessBus(), Recorder(failures=99)
    bus.add_consumer(ConsumerSpec("broken", ("#",), broken, retry_delay_ms=50))
    await bus.start()
    await bus.publish(event())
    await asyncio.sleep(0.01)
    await bus.close()
    await asyncio.sleep(0.1)

    assert len(broken.calls) == 1
    assert not bus.connected


async def test_a_declared_queue_keeps_its_events_until_its_consumer_registers(bus: InProcessBus) -> None:
    """As a durable RabbitMQ queue would: the topology is declared before anyone publishes, so a consumer that
    registers later (a service started after its publisher) still gets every matching event, in order."""
    await bus.declare([Durable("aurontek.late.catalogue", ("catalogue.*",))])
    published = [event("catalogue.item_created"), event("user.created"), event("catalogue.item_updated")]
    for each in published:
        await bus.publish(each)
    await bus.drain()  # nothing is in flight for a consumer that is not there yet: drain does not wait for it
    late = Recorder()
    bus.add_consumer(ConsumerSpec("aurontek.late.catalogue", ("catalogue.*",), late))
    await bus.drain()
    assert late.handled == [published[0], published[2]]
    await bus.declare([Durable("aurontek.late.catalogue", ("catalogue.*",))])  # declaring again changes nothing
    await bus.publish(final := event("catalogue.item_created"))
    await bus.drain()
    assert late.handled[-1] == final and len(late.handled) == 3


async def test_backlog_counts_each_queues_deliveries_until_handled_retries_included(bus: InProcessBus) -> None:
    flaky, idle = Recorder(failures=1), Recorder()
    bus.add_consumer(ConsumerSpec("flaky", ("ticket.#",), flaky, max_attempts=3, retry_delay_ms=200))
    bus.add_consumer(ConsumerSpec("idle", ("user.#",), idle))

    async with bus.held("flaky"):
        await bus.publish(event())
        await bus.publish(event())
        assert bus.backlog() == {"flaky": 2, "idle": 0}

    # the first failed and waits for its retry; the second is handled
    await eventually(lambda: bool(flaky.handled), what="the second event handled")
    assert bus.backlog() == {"flaky": 1, "idle": 0}
    await bus.drain()
    assert bus.backlog() == {"flaky": 0, "idle": 0}
