"""The outbox against MongoDB and RabbitMQ: only committed events go out, in order, once, and an outage only delays."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

import pytest
from typing_extensions import TypedDict

from subgraphs.kernel import clock
from subgraphs.kernel.events import contracts
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import HOLD, LEASE, Outbox, UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.orphans import Orphans
from tests.harness import eventually, free_port
from tests.subgraphs.kernel.events.conftest import Broker, BrokerOutage

pytestmark = pytest.mark.amqp


class Probe(TypedDict):
    """The payload of this module's events: they prove the outbox, not any service's contract."""

    ticketId: str


for _type in ("probe.created", "probe.assigned", "probe.moved"):
    contracts.register(_type, Probe)


class Seen:
    """What reaches a durable consumer queue on the test exchange, with arrival times."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.arrivals: dict[str, float] = {}

    async def __call__(self, event: Event) -> None:
        self.arrivals[event.id] = time.monotonic()
        self.events.append(event)

    def ids(self) -> list[str]:
        return [e.id for e in self.events]

    def has(self, event_id: str) -> bool:
        return event_id in self.arrivals


@pytest.fixture
async def seen(broker: Broker) -> Seen:
    seen = Seen()
    await broker.consume(broker.spec(("#",), seen, subject=lambda event: "everything"))  # one lane: publish order
    return seen


Replica = Callable[..., Awaitable[Outbox]]


@pytest.fixture
async def replica(broker: Broker, db: Database) -> AsyncIterator[Replica]:
    """Start a service replica on the test database: its own bus, its Outbox and (unless told not to) its relay."""
    started: list[Outbox] = []

    async def start(url: str | None = None, *, relay: bool = True, connect: bool = True, **kwargs: Any) -> Outbox:
        bus = broker.bus(url)
        if connect:
            await bus.start()
        outbox = Outbox(db, bus, **kwargs)
        await outbox.ensure_indexes()
        if relay:
            outbox.start()
        started.append(outbox)
        return outbox

    yield start
    for outbox in started:
        await outbox.stop()


async def commit(outbox: Outbox, *types: str, fail: bool = False) -> list[Event]:
    """One transaction that stores a ticket and emits `types`; with `fail`, it raises after emitting."""

    async def work(uow: UnitOfWork) -> list[Event]:
        result = await outbox.db["tickets"].insert_one({"types": list(types)}, session=uow.session)
        emitted = [uow.emit(t, {"ticketId": str(result.inserted_id)}, company_id="c1", actor_id="u1") for t in types]
        if fail:
            raise RuntimeError("the change is refused")
        return emitted

    return await outbox.transaction(work)


async def past(outbox: Outbox, seen: Seen) -> Event:
    """Commit one more event and wait until it is seen: the relay and the consumer (one lane, in publish order) are
    past everything committed before it, so what has not arrived by then was not published."""
    [last] = await commit(outbox, "probe.moved")
    await eventually(partial(seen.has, last.id))
    return last


async def marked(outbox: Outbox) -> None:
    """Wait until every row is marked published: the relay marks a batch once the broker confirmed all of it, a
    moment after the consumer may have had it."""

    async def none_pending() -> bool:
        return await outbox.pending() == 0

    await eventually(none_pending)


def refusals(outbox: Outbox, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The ids of the events the relay of `outbox` tries to publish from now on and cannot."""
    refused: set[str] = set()
    publish = outbox.bus.publish

    async def recorded(event: Event) -> None:
        try:
            await publish(event)
        except Exception:
            refused.add(event.id)
            raise

    monkeypatch.setattr(outbox.bus, "publish", recorded)
    return refused


async def test_committed_events_are_published_once_in_commit_order(replica: Replica, seen: Seen) -> None:
    outbox = await replica()

    sent: list[Event] = []
    for _ in range(20):
        sent += await commit(outbox, "probe.created", "probe.assigned", "probe.moved")

    last = await past(outbox, seen)
    assert seen.ids() == [e.id for e in [*sent, last]]
    assert seen.events == [*sent, last]
    await marked(outbox)


async def test_events_of_an_aborted_transaction_are_neither_stored_nor_published(replica: Replica, seen: Seen) -> None:
    outbox = await replica()

    with pytest.raises(RuntimeError):
        await commit(outbox, "probe.created", fail=True)
    [kept] = await commit(outbox, "probe.assigned")

    await eventually(partial(seen.has, kept.id))  # committed after the refused one: it would have come first
    assert seen.events == [kept]
    assert await outbox.db["tickets"].count_documents({}) == 1
    assert await outbox.rows.count_documents({}) == 1


async def test_transactions_in_the_same_millisecond_keep_their_order(replica: Replica, seen: Seen) -> None:
    outbox = await replica(relay=False)
    clock.freeze(clock.now())
    try:
        sent: list[Event] = []
        for _ in range(5):
            sent += await commit(outbox, "probe.created", "probe.assigned")
    finally:
        clock.reset()

    outbox.start()
    await eventually(lambda: len(seen.events) == len(sent))
    assert seen.ids() == [e.id for e in sent]


async def test_a_backlog_larger_than_one_batch_goes_out_without_waiting(replica: Replica, seen: Seen) -> None:
    outbox = await replica(relay=False, batch_size=5)
    sent = await commit(outbox, *["probe.created"] * 12)

    outbox.start()
    await eventually(lambda: len(seen.events) == 12, timeout=3)
    assert seen.events == sent


async def test_while_the_broker_is_unreachable_rows_stay_pending_and_go_out_later(
    replica: Replica, seen: Seen, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut_off = await replica(f"amqp://guest:guest@127.0.0.1:{free_port()}/", connect=False)  # nothing listens there
    refused = refusals(cut_off, monkeypatch)
    sent = await commit(cut_off, "probe.created", "probe.assigned")
    await eventually(lambda: {e.id for e in sent} <= refused)  # the relay has tried them and failed
    assert await cut_off.pending() == 2
    assert seen.events == []

    await cut_off.stop()
    await replica()  # the service again, with the broker back

    await eventually(lambda: len(seen.events) == 2)
    assert seen.events == sent


async def test_two_replicas_publish_each_row_once_and_in_order(replica: Replica, seen: Seen) -> None:
    first, second = await replica(), await replica()

    sent: list[Event] = []
    for i in range(30):
        sent += await commit(first if i % 2 else second, "probe.created", "probe.assigned")

    last = await past(first, seen)
    assert seen.ids() == [e.id for e in [*sent, last]]


async def test_a_replica_gives_the_lease_back_when_its_commits_stop(replica: Replica, seen: Seen) -> None:
    """A replica keeps the lease through a spell of commits and gives it back when they stop; then the other
    replica's commit goes out at once (it needs no lease to lapse)."""
    first, second = await replica(), await replica()
    sent: list[Event] = []
    for _ in range(10):
        sent += await commit(first, "probe.created")
    await eventually(lambda: len(seen.events) >= len(sent))

    async def given_back() -> bool:
        lease = await first.leases.find_one({"_id": "relay"})
        return lease is not None and lease["until"] <= clock.now()

    await eventually(given_back, timeout=2)
    [last] = await commit(second, "probe.assigned")
    await eventually(lambda: last.id in seen.ids(), timeout=1)


async def test_a_replica_keeps_the_lease_through_steady_commits(replica: Replica, seen: Seen) -> None:
    """Commits closer together than HOLD go out under the lease taken for the first: it is not given back and taken
    again for each (two writes a pass, which the database pays for)."""
    outbox = await replica()
    sent: list[Event] = []
    terms = set()
    for _ in range(12):
        sent += await commit(outbox, "probe.created")
        await eventually(lambda count=len(sent): len(seen.events) >= count)
        lease = await outbox.leases.find_one({"_id": "relay"})
        terms.add(lease["until"])
        await asyncio.sleep(HOLD / 5)
    assert seen.ids() == [e.id for e in sent]
    assert len(terms) == 1 and min(terms) > clock.now()


async def test_a_lease_held_by_a_dead_instance_is_freed_once_it_is_found_dead(replica: Replica, seen: Seen,
                                                                             db: Database) -> None:
    """An instance killed while it held the lease (as it does through steady commits) holds up every other replica's
    events only until the survivors find it dead (its beat stood still), not for the lease's whole term."""
    dead, watcher = Orphans(db, beat_seconds=0.1, dead_after=1.0), Orphans(db, beat_seconds=0.1, dead_after=1.0)
    alive = await replica(instance=watcher.id, relay=False)  # its relay starts once the dead one holds the lease
    await dead.beat()  # it was alive once; then it stops beating
    await alive.leases.insert_one({"_id": "relay", "holder": dead.id, "until": clock.now() + LEASE})
    alive.start()
    watcher.on_dead.append(alive.lapse)
    watching = asyncio.create_task(watcher.run())
    try:
        began = time.monotonic()
        [sent] = await commit(alive, "probe.created")
        await eventually(partial(seen.has, sent.id), timeout=LEASE.total_seconds())
        assert seen.arrivals[sent.id] - began < 6  # found dead after 1 s of stillness, then the relay's next try
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching


async def test_concurrent_commits_on_two_replicas_are_each_published_once(replica: Replica, seen: Seen) -> None:
    first, second = await replica(), await replica()

    batches = await asyncio.gather(*[commit(first if i % 2 else second, "probe.created") for i in range(40)])

    sent = {e.id for batch in batches for e in batch}
    last = await past(first, seen)
    assert sorted(seen.ids()) == sorted([*sent, last.id])


async def test_a_replica_that_died_mid_relay_is_replaced_when_its_lease_lapses(replica: Replica, seen: Seen) -> None:
    alive = await replica(relay=False)
    # What a replica killed while relaying leaves behind: the lease, held for its full term.
    await alive.leases.insert_one({"_id": "relay", "holder": "killed", "until": clock.now() + LEASE})
    sent = await commit(alive, "probe.created")

    assert await alive.relay_once() is None
    clock.advance(LEASE)
    try:
        assert await alive.relay_once() == 1
    finally:
        clock.reset()
    await eventually(lambda: len(seen.events) == 1)
    assert seen.events == sent


async def test_a_commit_on_any_replica_goes_out_at_once(replica: Replica, seen: Seen) -> None:
    first, second = await replica(), await replica()
    for outbox in (first, second, first, second):
        committed = time.monotonic()
        [sent] = await commit(outbox, "probe.created")
        await eventually(partial(seen.has, sent.id))

        assert seen.arrivals[sent.id] - committed < 0.5


async def test_a_broker_outage_delays_events_but_loses_none(
    replica: Replica, seen: Seen, broker_outage: BrokerOutage, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = await replica(broker_outage.url)  # the relay's bus is cut; the consumer of `seen` is not
    refused = refusals(outbox, monkeypatch)
    sent = await commit(outbox, "probe.created")
    await eventually(lambda: len(seen.events) == 1)
    # delivered once confirmed, and marked published just after: the ten counted below are the outage's alone
    await eventually(lambda: _none_pending(outbox), what="the first event marked published")

    async with broker_outage():
        during: list[Event] = []
        for _ in range(5):
            during += await commit(outbox, "probe.created", "probe.assigned")
        await eventually(lambda: {e.id for e in during} <= refused)  # the relay has tried them and failed
        assert await outbox.pending() == 10
        assert len(seen.events) == 1
    sent += during

    await eventually(lambda: len(seen.events) >= len(sent), timeout=30)
    last = await past(outbox, seen)
    assert seen.ids() == [e.id for e in [*sent, last]]
    await marked(outbox)


async def test_a_replica_stops_even_when_a_commit_wakes_its_relay_as_it_is_stopped(replica: Replica) -> None:
    """A service stopping while it commits: the relay woken in the same moment as its cancellation still stops (with
    `asyncio.wait_for` on Python 3.11 the wake-up won, the cancellation was lost, and the stop waited for ever)."""
    outbox = await replica(poll_interval=30.0)  # only a wake-up moves it: nothing else lets it loop round
    await asyncio.sleep(0.1)  # the relay is waiting to be woken
    relay = outbox._task
    assert relay is not None and not relay.done()
    outbox._wake.set()  # a commit's wake-up ...
    relay.cancel()  # ... and the service's stop, in the same turn of the loop
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(asyncio.shield(relay), timeout=10)
    assert relay.cancelled()


async def _none_pending(outbox: Outbox) -> bool:
    return await outbox.pending() == 0
