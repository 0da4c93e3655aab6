"""The transactional outbox: events are written with the state change, then relayed to the bus.

A unit of work inserts its events into `outbox` inside the same MongoDB transaction as the
change. The relay claims pending rows with a lease (so several instances can run it), publishes
them in order with broker confirms, and marks them published; a broker outage only delays.
The lease is one for the whole outbox: one replica relays at a time, so events go out in one
order and no row is published by two replicas. A replica keeps it from pass to pass while its
own commits keep coming (each pass publishes every pending row, other replicas' too) and gives
it back when they stop: two writes per busy spell instead of two per pass. A replica that dies
holding it holds it until it lapses.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from subgraphs.kernel import clock, idempotency
from subgraphs.kernel.deferred import Deferred, Rows, Update
from subgraphs.kernel.events import contracts
from subgraphs.kernel.events.bus import EventBus
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.ids import new_event_id, new_id
from subgraphs.kernel.logging import get_logger
from subgraphs.kernel.mongo import Database, Document
from telemetry import metrics, tracing

log = get_logger(__name__)
T = TypeVar("T")

RETENTION_SECONDS = 14 * 86400
LEASE = timedelta(seconds=30)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# createdAt is milliseconds; `sequence` (an ObjectId, increasing within a process) orders the rows
# of one transaction and of transactions that share a millisecond.
ORDER = [("createdAt", ASCENDING), ("sequence", ASCENDING)]
MAX_BACKOFF = 5.0
BUSY_RETRY = 0.05  # another replica is relaying: its batch may have been read before our rows committed
# After a spell of relaying, the lease is kept this long for the next commits: a replica under steady writes takes
# and gives it back once, not once a pass (two writes a pass, a third of what the relay cost the database at 100
# messages a second). Another replica's rows wait that much longer for it when this one goes quiet; when this one
# dies holding it, the survivors free it as soon as they find it dead (`lapse`), not only at the lease's end.
HOLD = 0.25


class UnitOfWork:
    """One transaction: its session, the events that commit with it and the writes it defers to its end."""

    def __init__(self, session: AsyncClientSession) -> None:
        self.session = session
        self.events: list[Event] = []
        self.deferred = Deferred()
        self.afterwards: list[Callable[[], None]] = []  # told once the unit committed, in this process

    def after_commit(self, told: Callable[[], None]) -> None:
        """Call `told()` once this unit has committed (not when it fails or its transaction runs again without it)."""
        self.afterwards.append(told)

    def insert(self, rows: AsyncCollection[Document] | Rows, *documents: dict[str, Any],
               duplicate: Callable[[], Exception] | None = None) -> None:
        """Insert `documents` (each naming its `_id`) into `rows` as the unit ends, in one statement with its other
        deferred writes and its events (`kernel.deferred`). Nothing in the unit may read them back. A unique key
        they find taken raises `duplicate()` when given, else DuplicateKeyError; either way the unit writes
        nothing."""
        self.deferred.insert(rows, documents, duplicate)

    def update(self, rows: AsyncCollection[Document] | Rows, filter: Mapping[str, Any], update: Update,
               *, upsert: bool = False, unmatched: Callable[[], Exception] | None = None) -> None:
        """`update_one` as the unit ends, in the same statement: for a write whose result the unit does not need
        and whose document nothing in the unit reads or writes after it. With `unmatched`, the update must find a
        document: when its filter (a version read before) matches none, `unmatched()` is raised as the unit ends and
        the unit writes nothing."""
        self.deferred.update(rows, filter, update, upsert, unmatched)

    def delete(self, rows: AsyncCollection[Document] | Rows, filter: Mapping[str, Any], *,
               unmatched: Callable[[], Exception] | None = None) -> None:
        """`delete_one` as the unit ends, in the same statement, as `update`; with `unmatched`, it must find the
        document, or `unmatched()` is raised as the unit ends and the unit writes nothing."""
        self.deferred.delete(rows, filter, unmatched)

    def emit(self, type: str, data: Mapping[str, Any], *, company_id: str | None, actor_id: str | None) -> Event:
        """Queue an event to be written with this unit's writes; its payload must keep its contract."""
        contracts.check(type, data)
        event = Event(type=type, data=dict(data), company_id=company_id, actor_id=actor_id)
        self.events.append(event)
        return event


class Outbox:
    def __init__(self, db: Database, bus: EventBus, *, batch_size: int = 200, poll_interval: float = 2.0,
                 gather: float = 0.02, service: str | None = None, instance: str | None = None) -> None:
        self.db = db
        self.service = service  # whose spans the relay's are (None: the current service's)
        self.bus = bus
        self.rows = db["outbox"]
        self.leases = db["outbox_lease"]
        self.batch_size = batch_size
        self.poll_interval = poll_interval  # for rows no local commit announced: another replica's, or a retry's
        # After a commit, wait this long for the next ones: a pass costs four queries whatever it carries,
        # so commits close together go out in one (at 100 commits a second, a pass each was half the queries).
        self.gather = gather
        self.instance = instance or new_event_id()  # who holds the lease: the instance's register (kernel.orphans)
        # told, in this process, the events of each unit of work once it committed (before any relay: a cache of this
        # replica forgets what they change at once; the others learn it from the live feed)
        self.committed: list[Callable[[list[Event]], None]] = []
        self._held_until: datetime | None = None  # the lease's end, while this replica holds it
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def ensure_indexes(self) -> None:
        await self.rows.create_index([("publishedAt", ASCENDING), *ORDER])
        # Published rows and processed-event markers are kept a while for inspection, then expire
        # (TTL applies to date values only, so pending rows, whose publishedAt is null, never do).
        await self.rows.create_index("publishedAt", name="published_ttl", expireAfterSeconds=RETENTION_SECONDS)
        await self.db["processed_events"].create_index("at", name="processed_ttl",
                                                       expireAfterSeconds=RETENTION_SECONDS)
        await idempotency.ensure_indexes(self.db)

    async def transaction(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work` in a transaction; the events it emits are stored with it, then relayed."""

        emitted: list[Event] = []
        afterwards: list[Callable[[], None]] = []

        async def run(session: AsyncClientSession) -> T:
            uow = UnitOfWork(session)
            result = await work(uow)
            emitted[:] = uow.events  # a retried transaction's last run is the one that commits
            afterwards[:] = uow.afterwards
            claim = idempotency.claim_of(uow.events)  # a keyed mutation's claim, with its writes
            if claim is not None:
                uow.insert(self.db[idempotency.COLLECTION], claim, duplicate=idempotency.AlreadyClaimed)
            if uow.events:
                created = clock.now()
                uow.insert(self.rows, *[self._row(e, created) for e in uow.events])
            await uow.deferred.send(self.db, session)
            if claim is not None:
                idempotency.recorded()
            return result

        result = await self.db.run_transaction(run)
        idempotency.committed()
        if emitted:  # only a commit that wrote rows gives the relay work (most consumer commits write none)
            self._wake.set()
        for listener in self.committed:
            listener(emitted)
        for told in afterwards:
            told()
        return result

    @staticmethod
    def _row(event: Event, created: datetime) -> dict[str, Any]:
        row = {
            "_id": event.id,
            "event": event.to_dict(),
            "createdAt": created,
            "sequence": new_id(),
            "publishedAt": None,
        }
        if event.traceparent:  # the trace the relay and every consumer continue
            row["traceparent"] = event.traceparent
        return row

    async def _publish(self, row: dict[str, Any]) -> None:
        event = Event.from_dict(row["event"]).traced_as(row.get("traceparent"))
        if not tracing.enabled():
            await self.bus.publish(event)
        else:
            with tracing.span(self.service, f"outbox relay {event.type}", parent=tracing.context_of(event.traceparent),
                              attributes={"messaging.message.id": event.id, "aurontek.event.type": event.type}):
                await self.bus.publish(event)
        metrics.child(metrics.EVENTS_PUBLISHED, self.service or "aurontek", event.type).inc()

    async def sample(self) -> None:
        """The backlog's size and the age of its oldest row, for the metrics (one count and one read)."""
        service = self.service or "aurontek"
        metrics.child(metrics.OUTBOX_PENDING, service).set(await self.pending())
        oldest = await self.rows.find_one({"publishedAt": None}, projection={"createdAt": 1}, sort=ORDER)
        age = (clock.now() - oldest["createdAt"]).total_seconds() if oldest is not None else 0.0
        metrics.child(metrics.OUTBOX_AGE, service).set(max(0.0, age))

    def start(self) -> None:
        self._wake.set()  # rows left from before a restart go out at once
        self._task = asyncio.create_task(self._relay_forever(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._release()

    async def _relay_forever(self) -> None:
        backoff = 0.5
        while True:
            holding = self._held_until is not None
            if not await clock.woken(self._wake, HOLD if holding else self.poll_interval) and holding:
                await self._release()  # quiet: another replica may relay now
                continue
            announced = self._wake.is_set()  # a commit here wrote rows: no need to look for them first
            if announced and self.gather:
                await asyncio.sleep(self.gather)
            self._wake.clear()  # commits from here on wake the next round
            try:
                busy = BUSY_RETRY
                while True:
                    published = await self.relay_once(look_first=not announced, keep=True)
                    announced = False
                    if published is None:
                        await asyncio.sleep(busy)
                        busy = min(busy * 2, self.poll_interval)
                    elif published < self.batch_size:
                        break  # all that was pending when read went out; later commits wake the next round
                backoff = 0.5  # the lease is kept for the next commits (HOLD)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: try again later
                log.warning("outbox relay paused", extra={"error": repr(exc), "retryIn": backoff})
                await self._release()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                self._wake.set()

    async def relay_once(self, *, look_first: bool = True, keep: bool = False) -> int | None:
        """Publish the oldest pending batch in order; return how many went out, None if another replica is at it.

        `look_first` checks that something is pending before taking the lease (replicas polling an empty
        outbox must not fight over it); after a local commit there is, and the look is one query saved.
        `keep` holds on to the lease afterwards (the caller gives it back with `_release`).
        """
        if look_first and await self.rows.find_one({"publishedAt": None}, projection={"_id": 1}) is None:
            return 0
        if not await self._take_lease():
            return None
        published: list[str] = []
        try:
            rows = await self.rows.find({"publishedAt": None}).sort(ORDER).to_list(self.batch_size)
            # Pipelined: sent in order on one channel, confirms awaited together (one at a time, a persistent
            # message's confirm capped the relay near 100 events a second). Every publish times out well
            # within the fresh lease. Only the confirmed prefix counts as published: after a failure the
            # rest is sent again, and consumers drop what they already had by event id.
            outcomes = await asyncio.gather(*(self._publish(row) for row in rows), return_exceptions=True)
            for row, outcome in zip(rows, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    raise outcome
                published.append(row["_id"])
        finally:
            if published:
                await self.rows.update_many({"_id": {"$in": published}}, {"$set": {"publishedAt": clock.now()}})
            if not keep:
                await self._release()
        return len(published)

    async def _take_lease(self) -> bool:
        """Hold the lease, fresh for at least half its length (no write while this replica holds it so)."""
        now = clock.now()
        if self._held_until is not None and now < self._held_until - LEASE / 2:
            return True
        try:
            await self.leases.update_one(
                {"_id": "relay", "$or": [{"until": {"$lt": now}}, {"holder": self.instance}]},
                {"$set": {"holder": self.instance, "until": now + LEASE}},
                upsert=True,
            )
        except DuplicateKeyError:  # held by another replica
            self._held_until = None
            return False
        self._held_until = now + LEASE
        return True

    async def _release(self) -> None:
        if self._held_until is None:
            return
        self._held_until = None
        with contextlib.suppress(PyMongoError):  # if this fails, the lease simply lapses
            await self.lapse(self.instance)

    async def lapse(self, instance: str) -> None:
        """The lease `instance` may hold is free at once: this replica's own, or a dead one's (`kernel.orphans`)."""
        await self.leases.update_one({"_id": "relay", "holder": instance}, {"$set": {"until": EPOCH}})

    async def pending(self) -> int:
        return await self.rows.count_documents({"publishedAt": None})
