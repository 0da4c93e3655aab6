"""Idempotent consumption: an event id is handled once per queue, its writes and marker committing together (a
redelivery may run the handler again; its writes then roll back)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pymongo.errors import DuplicateKeyError
from typing_extensions import TypedDict

from subgraphs.kernel.events import contracts
from subgraphs.kernel.events.consumer import idempotent
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.mongo import Database
from tests.harness import eventually
from tests.subgraphs.kernel.events.conftest import Broker, event


class Noted(TypedDict):
    """The payload of this module's events: they prove the consumer, not any service's contract."""

    eventId: str


contracts.register("probe.noted", Noted)


class Notifier:
    """A handler that stores one notification per event and emits `notification.created`."""

    def __init__(self, outbox: Outbox, failures: int = 0) -> None:
        self.outbox = outbox
        self.failures = failures
        self.calls = 0

    async def __call__(self, event: Event, uow: UnitOfWork) -> None:
        self.calls += 1
        await self.outbox.db["notifications"].insert_one({"eventId": event.id}, session=uow.session)
        uow.emit("probe.noted", {"eventId": event.id}, company_id=event.company_id, actor_id=None)
        if self.calls <= self.failures:
            raise RuntimeError("mail server refused")

    async def stored(self) -> int:
        return await self.outbox.db["notifications"].count_documents({})


@pytest.fixture
async def outbox(db: Database) -> AsyncIterator[Outbox]:
    bus = InProcessBus()
    await bus.start()
    yield Outbox(db, bus)
    await bus.close()


async def markers(outbox: Outbox) -> list[str]:
    return [doc["_id"] async for doc in outbox.db["processed_events"].find({}, projection={"_id": 1})]


async def test_a_redelivered_event_is_handled_once(outbox: Outbox) -> None:
    notifier = Notifier(outbox)
    handle = idempotent(outbox, "notifications.mail", notifier)

    sent = event()
    for _ in range(3):
        await handle(sent)

    # A redelivery runs the handler again; what it writes rolls back with its marker, found taken.
    assert notifier.calls == 3
    assert await notifier.stored() == 1
    assert await outbox.pending() == 1  # the event it emitted, once
    assert await markers(outbox) == [f"notifications.mail:{sent.id}"]


async def test_a_failed_handler_leaves_nothing_behind_and_its_retry_runs_again(outbox: Outbox) -> None:
    notifier = Notifier(outbox, failures=1)
    handle = idempotent(outbox, "notifications.mail", notifier)

    sent = event()
    with pytest.raises(RuntimeError):
        await handle(sent)
    assert await notifier.stored() == 0
    assert await markers(outbox) == []
    assert await outbox.pending() == 0

    await handle(sent)
    assert notifier.calls == 2
    assert await notifier.stored() == 1
    assert await markers(outbox) == [f"notifications.mail:{sent.id}"]
    assert await outbox.pending() == 1  # the event it emitted committed with it


async def test_each_queue_handles_the_event_once(outbox: Outbox) -> None:
    mail, in_app = Notifier(outbox), Notifier(outbox)
    sent = event()

    for handle in (idempotent(outbox, "mail", mail), idempotent(outbox, "in-app", in_app)) * 2:
        await handle(sent)

    assert await mail.stored() == 2  # one a queue (both notifiers store in one collection)
    assert sorted(await markers(outbox)) == [f"in-app:{sent.id}", f"mail:{sent.id}"]


async def test_concurrent_deliveries_of_one_event_are_handled_once(outbox: Outbox) -> None:
    notifier = Notifier(outbox)
    handle = idempotent(outbox, "notifications.mail", notifier)

    sent = event()
    await asyncio.gather(*[handle(sent) for _ in range(5)])

    assert await notifier.stored() == 1
    assert await markers(outbox) == [f"notifications.mail:{sent.id}"]


async def test_a_duplicate_key_raised_by_the_handler_itself_is_a_failure(outbox: Outbox) -> None:
    await outbox.db["notifications"].insert_one({"_id": "taken"})

    async def clashing(event: Event, uow: UnitOfWork) -> None:
        await outbox.db["notifications"].insert_one({"_id": "taken"}, session=uow.session)

    handle = idempotent(outbox, "notifications.mail", clashing)
    with pytest.raises(DuplicateKeyError):
        await handle(event())
    assert await markers(outbox) == []


@pytest.mark.amqp
async def test_an_event_redelivered_after_the_work_committed_is_not_handled_again(
    broker: Broker, outbox: Outbox
) -> None:
    """The consumer stops after committing but before acknowledging: the broker delivers again."""
    notifier, committed, release = Notifier(outbox), asyncio.Event(), asyncio.Event()
    deliveries: list[Event] = []
    handled: list[Event] = []  # deliveries whose handling has returned

    async def deliver(e: Event) -> None:
        deliveries.append(e)
        await handle(e)
        handled.append(e)
        if len(deliveries) == 1:
            committed.set()
            await release.wait()

    spec = broker.spec(("#",), deliver)
    handle = idempotent(outbox, spec.queue, notifier)
    first = await broker.consume(spec)
    sent = event()
    await first.publish(sent)
    await asyncio.wait_for(committed.wait(), timeout=5)
    await first.close()
    release.set()

    await broker.consume(spec)
    await eventually(lambda: len(handled) == 2)  # the second delivery is past the point of notifying

    assert deliveries == [sent, sent]
    assert await notifier.stored() == 1  # the second run's writes rolled back with its marker
    assert await outbox.pending() == 1
    assert await broker.count(spec.queue) == 0
