"""The RabbitMQ bus against a real broker: confirms, durable queues, retry and dead-letter, order, live fan-out."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import replace

import aio_pika
import pytest
from pymongo.errors import OperationFailure

from subgraphs.kernel.events.amqp import ATTEMPT_HEADER, AmqpBus, retry_queues
from subgraphs.kernel.events.envelope import Event
from tests.fixtures.forwarder import Forwarder
from tests.harness import eventually
from tests.subgraphs.kernel.events.conftest import Broker, BrokerOutage, event

pytestmark = pytest.mark.amqp


class Recorder:
    """A handler that records each call and fails its first `failures` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls: list[tuple[float, Event]] = []

    async def __call__(self, event: Event) -> None:
        self.calls.append((time.monotonic(), event))
        if len(self.calls) <= self.failures:
            raise RuntimeError(f"failure {len(self.calls)}")

    @property
    def events(self) -> list[Event]:
        return [e for _, e in self.calls]

    def times(self, event: Event) -> list[float]:
        return [t for t, e in self.calls if e.id == event.id]


async def test_a_confirmed_publish_is_already_in_the_durable_queue_bound_by_pattern(broker: Broker) -> None:
    spec = broker.spec(("ticket.*",), Recorder())
    await (await broker.consume(spec)).close()  # the durable queue stays, with nobody consuming it
    publisher = broker.bus()
    await publisher.start()

    await publisher.publish(event("ticket.created"))
    await publisher.publish(event("user.created"))
    await publisher.publish(event("ticket.status.changed"))

    [message] = await broker.take(spec.queue)
    assert Event.from_json(message.body).type == "ticket.created"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT


async def test_a_consumer_gets_matching_events_in_publish_order(broker: Broker) -> None:
    seen = Recorder()
    await broker.consume(broker.spec(("ticket.#",), seen))
    publisher = broker.bus()
    await publisher.start()

    sent = [event("ticket.created", n=i) if i % 3 else event("ticket.status.changed", n=i) for i in range(100)]
    for e in sent:
        await publisher.publish(e)
    await publisher.publish(event("user.created"))
    await publisher.publish(last := event("ticket.closed"))

    await eventually(lambda: last in seen.events)  # a company-wide event: everything before it is handled
    assert seen.events == [*sent, last]


async def test_a_failing_handler_is_retried_then_dead_lettered_with_the_error(broker: Broker) -> None:
    broken = Recorder(failures=99)
    spec = broker.spec(("#",), broken, max_attempts=3, retry_delay_ms=100)
    bus = await broker.consume(spec)

    sent = event()
    await bus.publish(sent)
    await eventually(lambda: len(broken.calls) == 3)
    await eventually(lambda: _has(broker, f"{spec.queue}.dead", 1), timeout=5)

    times = broken.times(sent)
    assert times[1] - times[0] >= 0.1
    assert times[2] - times[1] >= 0.2  # the delay doubles
    [dead] = await broker.take(f"{spec.queue}.dead")
    assert Event.from_json(dead.body) == sent
    assert dead.headers[ATTEMPT_HEADER] == 3
    assert "failure 3" in str(dead.headers["x-aurontek-error"])
    for queue in (spec.queue, *retry_queues(spec).values()):
        assert await broker.count(queue) == 0
    await bus.publish(later := event(n=2))
    await eventually(lambda: later in broken.events)  # a company-wide event: a delivery of `sent` would come first
    assert len(broken.times(sent)) == 3


async def test_a_handler_that_recovers_is_not_dead_lettered(broker: Broker) -> None:
    flaky = Recorder(failures=2)
    spec = broker.spec(("#",), flaky, max_attempts=5, retry_delay_ms=20)
    bus = await broker.consume(spec)

    sent = event()
    await bus.publish(sent)
    await eventually(lambda: len(flaky.calls) == 3)

    assert flaky.events == [sent, sent, sent]
    await bus.publish(later := event(n=2))
    await eventually(lambda: later in flaky.events)  # a company-wide event: a delivery of `sent` would come first
    assert len(flaky.times(sent)) == 3
    assert await broker.count(f"{spec.queue}.dead") == 0


class Conflicted:
    """A handler whose transaction conflicts `times` times (a dead process's transaction still holds the document),
    then succeeds."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.calls = 0
        self.events: list[Event] = []

    async def __call__(self, event: Event) -> None:
        self.calls += 1
        self.events.append(event)
        if self.calls <= self.times:
            raise OperationFailure("WriteConflict error", code=112,
                                   details={"errorLabels": ["TransientTransactionError"]})


async def test_one_slow_ticket_does_not_hold_up_the_others_and_each_ticket_keeps_its_order(broker: Broker) -> None:
    """The first event of ticket 0 waits until every other ticket's events are handled (one event at a time, it
    would wait for ever); each ticket's events are handled in the order they were published, though handlers of
    different tickets run at once and finish in any order."""
    others_done = asyncio.Event()
    handled: dict[str, list[int]] = {}
    sent = [event(ticketId=f"t{n % 5}", n=n) for n in range(60)]
    others = sum(1 for e in sent if e.data["ticketId"] != "t0")
    chooser = random.Random(3)

    async def handler(e: Event) -> None:
        if e.data["n"] == 0:
            await asyncio.wait_for(others_done.wait(), timeout=10)
        await asyncio.sleep(chooser.uniform(0, 0.01))
        handled.setdefault(e.data["ticketId"], []).append(e.data["n"])
        if sum(len(v) for k, v in handled.items() if k != "t0") == others:
            others_done.set()

    await broker.consume(broker.spec(("#",), handler))
    publisher = broker.bus()
    await publisher.start()
    for e in sent:
        await publisher.publish(e)
    await eventually(lambda: sum(len(v) for v in handled.values()) == len(sent))
    assert handled == {f"t{t}": [n for n in range(60) if n % 5 == t] for t in range(5)}


async def test_an_event_about_the_whole_company_waits_for_its_earlier_events_and_holds_up_its_later_ones(
        broker: Broker) -> None:
    """A person's creation between tickets' events: the tickets before it are handled (at once) before it starts,
    the tickets after it start once it is done, so no ticket's handler meets a read model without the person."""
    spans: dict[str, list[float]] = {}

    async def handler(e: Event) -> None:
        name = e.data["name"]
        spans[name] = [time.monotonic()]
        await asyncio.sleep(0.1)
        spans[name].append(time.monotonic())

    await broker.consume(broker.spec(("#",), handler))
    publisher = broker.bus()
    await publisher.start()
    for e in [event(ticketId="a", name="a"), event(ticketId="b", name="b"), event("user.created", name="person"),
              event(ticketId="c", name="c"), event(ticketId="d", name="d")]:
        await publisher.publish(e)
    await eventually(lambda: all(len(spans.get(n, ())) == 2 for n in "abcd") and "person" in spans)
    person_began, person_ended = spans["person"]
    assert max(spans["a"][1], spans["b"][1]) <= person_began
    assert min(spans["c"][0], spans["d"][0]) >= person_ended
    assert spans["b"][0] < spans["a"][1] and spans["d"][0] < spans["c"][1]  # tickets side by side


async def test_a_passing_failure_outlasts_the_attempts_and_is_not_dead_lettered(broker: Broker) -> None:
    """Three attempts allowed; a write conflict that lasts six is retried until it passes, never dead-lettered (a
    poison event with the same budget is dead after three: the test above)."""
    conflicted = Conflicted(times=6)
    spec = broker.spec(("#",), conflicted, max_attempts=3, retry_delay_ms=20)
    bus = await broker.consume(spec)
    await bus.publish(sent := event())
    await eventually(lambda: conflicted.calls == 7, timeout=10)
    await bus.publish(later := event(n=2))
    await eventually(lambda: later in conflicted.events)  # a company-wide event: a delivery of `sent` would come first
    assert conflicted.events == [sent] * 7 + [later]
    assert await broker.count(f"{spec.queue}.dead") == 0


async def test_a_passing_failure_that_never_passes_is_dead_when_its_window_ends(broker: Broker) -> None:
    """Past its three attempts a write conflict is retried for the window (one second here) counted from its first
    failure, then dead-lettered. The first failure's time travels in a header: as a float, which AMQP keeps in 32
    bits, it was up to a minute off and the delivery was still retried long after its window."""
    conflicted = Conflicted(times=10**6)
    spec = broker.spec(("#",), conflicted, max_attempts=3, retry_delay_ms=50, transient_window=1.0)
    bus = await broker.consume(spec)
    began = time.monotonic()
    await bus.publish(event())
    await eventually(lambda: _has(broker, f"{spec.queue}.dead", 1), timeout=20)
    assert 1.0 <= time.monotonic() - began < 3.0
    assert conflicted.calls > 3  # retried past its attempts while the window lasted


async def test_a_failed_event_whose_retry_copy_is_not_confirmed_goes_back_to_its_queue(broker: Broker) -> None:
    """The broker stops answering as a handler fails, so the copy for its retry is never confirmed: the delivery
    is returned to its queue and handled again, and nothing stays behind. It used to stay unacknowledged on the
    live channel for as long as the consumer ran (in CI a chat consumer so never folded a reply)."""
    forwarder, url = Forwarder.to_url(broker.url)
    await forwarder.start()
    calls = Recorder()

    async def handler(e: Event) -> None:
        await calls(e)
        if len(calls.calls) == 1:
            forwarder.stall()  # the broker stops answering now
            raise RuntimeError("not now")

    spec = broker.spec(("#",), handler, max_attempts=3, retry_delay_ms=50)
    consumer = broker.bus(url, confirm_timeout=1.0)
    consumer.add_consumer(spec)
    await consumer.start()
    try:
        publisher = broker.bus()
        await publisher.start()
        await publisher.publish(event())
        await eventually(lambda: len(calls.calls) == 1)
        await asyncio.sleep(2.0)  # past the confirm timeout
        forwarder.flow()
        await eventually(lambda: len(calls.calls) >= 2, timeout=10)
        await asyncio.sleep(1.0)  # the retry copy, confirmed late, is handled too: at least once, never zero times
        await consumer.close()
        assert await broker.count(spec.queue) == 0  # nothing was left unacknowledged to come back now
        for queue in {*retry_queues(spec).values(), f"{spec.queue}.dead"}:
            assert await broker.count(queue) == 0, queue
    finally:
        await forwarder.stop()


async def test_a_short_retry_does_not_wait_behind_a_longer_one(broker: Broker) -> None:
    hopeless, once = event(n=1), event(n=2)
    calls = Recorder()

    async def handler(e: Event) -> None:
        await calls(e)
        if e == hopeless or len(calls.times(once)) == 1:
            raise RuntimeError("not now")

    bus = await broker.consume(broker.spec(("#",), handler, max_attempts=4, retry_delay_ms=300))

    await bus.publish(hopeless)
    await eventually(lambda: len(calls.times(hopeless)) == 3)  # now waiting 1.2s for its last attempt
    await bus.publish(once)
    await eventually(lambda: len(calls.times(once)) == 2, timeout=5)

    first, retried = calls.times(once)
    assert retried - first < 0.9  # its own 0.3s, not the rest of the other's 1.2s


async def test_a_malformed_message_goes_straight_to_dead(broker: Broker) -> None:
    seen = Recorder()
    spec = broker.spec(("ticket.*",), seen, max_attempts=5, retry_delay_ms=10)
    await broker.consume(spec)

    await broker.publish_raw(b'{"not": "an event"', "ticket.created")
    await broker.publish_raw(b"{}", "ticket.created", headers={ATTEMPT_HEADER: "x"})

    await eventually(lambda: _has(broker, f"{spec.queue}.dead", 2))
    dead = await broker.take(f"{spec.queue}.dead")
    assert [m.body for m in dead] == [b'{"not": "an event"', b"{}"]
    assert all("malformed" in str(m.headers["x-aurontek-error"]) for m in dead)
    assert seen.calls == []
    assert await broker.count(spec.queue) == 0


async def test_events_published_while_the_consumer_is_down_wait_for_it(broker: Broker) -> None:
    before, after = Recorder(), Recorder()
    spec = broker.spec(("#",), before)
    await (await broker.consume(spec)).close()
    publisher = broker.bus()
    await publisher.start()

    sent = [event(n=i) for i in range(5)]
    for e in sent:
        await publisher.publish(e)
    await broker.consume(replace(spec, handler=after))

    await eventually(lambda: len(after.calls) == 5)
    assert before.calls == []
    assert after.events == sent


async def test_an_event_being_handled_when_the_consumer_stops_is_delivered_again(broker: Broker) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def stuck(e: Event) -> None:
        started.set()
        await release.wait()

    spec = broker.spec(("#",), stuck)
    first = await broker.consume(spec)
    sent = event()
    await first.publish(sent)
    await asyncio.wait_for(started.wait(), timeout=5)
    await first.close()  # the work was not done, so the delivery was never acknowledged
    release.set()

    again = Recorder()
    await broker.consume(replace(spec, handler=again))
    await eventually(lambda: len(again.calls) == 1)
    assert again.events == [sent]


async def test_live_reaches_every_instance(broker: Broker) -> None:
    first, second, publisher = broker.bus(), broker.bus(), broker.bus()
    for bus in (first, second, publisher):
        await bus.start()

    async with first.live(("ticket.*",)) as one, second.live(("ticket.*",)) as two:
        sent = [event("ticket.created", n=i) for i in range(10)]
        await publisher.publish(event("user.created"))
        for e in sent:
            await publisher.publish(e)

        for feed in (one, two):
            assert [await asyncio.wait_for(anext(feed), timeout=5) for _ in sent] == sent


async def test_live_does_not_take_events_from_durable_consumers(broker: Broker) -> None:
    seen = Recorder()
    bus = await broker.consume(broker.spec(("#",), seen))

    async with bus.live(("#",)) as feed:
        sent = event()
        await bus.publish(sent)
        assert await asyncio.wait_for(anext(feed), timeout=5) == sent
    await eventually(lambda: len(seen.calls) == 1)


async def _has(broker: Broker, queue: str, count: int) -> bool:
    return await broker.count(queue) >= count


async def _publish_when_back(bus: AmqpBus, sent: Event) -> None:
    """Publish `sent` once the bus has reconnected, as the outbox relay does after an outage."""
    deadline = time.monotonic() + 30
    while True:
        try:
            await bus.publish(sent)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def test_a_broker_outage_loses_no_queued_event_and_consumers_and_live_feeds_resume(
    broker: Broker, broker_outage: BrokerOutage
) -> None:
    seen, parked = Recorder(), broker.spec(("#",), Recorder())
    await (await broker.consume(parked)).close()  # a queue nobody reads
    consumer = await broker.consume(broker.spec(("#",), seen), url=broker_outage.url)
    before, after = event(n=1), event(n=2)

    async with consumer.live(("#",)) as feed:
        await consumer.publish(before)
        await eventually(lambda: len(seen.calls) == 1)
        async with broker_outage():
            await eventually(lambda: not consumer.connected)  # the bus has lost the broker
        await _publish_when_back(consumer, after)

        await eventually(lambda: after in seen.events, timeout=30)
        # at least once: `before` comes again when the outage cut its acknowledgement on the way (the consumers
        # drop a repeated event by its id); nothing else repeats, and nothing is missing or out of order
        assert [e for n, e in enumerate(seen.events) if e not in seen.events[:n]] == [before, after], seen.events
        assert seen.events.count(after) == 1 and all(e in (before, after) for e in seen.events), seen.events
        assert [await asyncio.wait_for(anext(feed), timeout=30) for _ in range(2)] == [before, after]
    assert [Event.from_json(m.body) for m in await broker.take(parked.queue)] == [before, after]
