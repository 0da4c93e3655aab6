"""The transactional outbox: events are written with the state change, then relayed to the bus.

A unit of work inserts its events into `outbox` inside the same MongoDB transaction as the
change. The relay claims pending rows with a lease (so several instances can run it), publishes
them in order with broker confirms, and marks them published; a broker outage only delays.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel import clock
from subgraphs.kernel.events.bus import EventBus
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.ids import new_event_id
from subgraphs.kernel.logging import get_logger
from subgraphs.kernel.mongo import Database

log = get_logger(__name__)
T = TypeVar("T")

LEASE = timedelta(seconds=30)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class UnitOfWork:
    """One transaction: its session and the events that commit with it."""

    def __init__(self, session: AsyncClientSession) -> None:
        self.session = session
        self.events: list[Event] = []

    def emit(self, type: str, data: dict[str, Any], *, company_id: str | None, actor_id: str | None) -> Event:
        event = Event(type=type, data=data, company_id=company_id, actor_id=actor_id)
        self.events.append(event)
        return event


class Outbox:
    def __init__(self, db: Database, bus: EventBus, *, batch_size: int = 200) -> None:
        self.db = db
        self.bus = bus
        self.rows = db["outbox"]
        self.batch_size = batch_size
        self.instance = new_event_id()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def ensure_indexes(self) -> None:
        await self.rows.create_index([("publishedAt", ASCENDING), ("leaseUntil", ASCENDING)])
        await self.rows.create_index([("createdAt", ASCENDING), ("position", ASCENDING)])

    async def transaction(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work` in a transaction; the events it emits are stored with it, then relayed."""

        async def run(session: AsyncClientSession) -> T:
            uow = UnitOfWork(session)
            result = await work(uow)
            if uow.events:
                await self.rows.insert_many([self._row(e, i) for i, e in enumerate(uow.events)], session=session)
            return result

        result = await self.db.run_transaction(run)
        self._wake.set()
        return result

    @staticmethod
    def _row(event: Event, position: int) -> dict[str, Any]:
        return {
            "_id": event.id,
            "event": event.to_dict(),
            "createdAt": clock.now(),
            "position": position,
            "publishedAt": None,
            "leaseUntil": EPOCH,
        }

    def start(self) -> None:
        self._task = asyncio.create_task(self._relay_forever(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _relay_forever(self) -> None:
        backoff = 0.5
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=2.0)
            self._wake.clear()
            try:
                while await self.relay_once():
                    pass
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: try again later
                log.warning("outbox relay paused", extra={"error": repr(exc), "retryIn": backoff})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                self._wake.set()

    async def relay_once(self) -> int:
        """Claim and publish one batch; return how many were published."""
        now = clock.now()
        claimed = await self.rows.update_many(
            {"publishedAt": None, "leaseUntil": {"$lt": now}},
            {"$set": {"leaseUntil": now + LEASE, "leasedBy": self.instance}},
        )
        if claimed.modified_count == 0:
            return 0
        cursor = self.rows.find({"publishedAt": None, "leasedBy": self.instance, "leaseUntil": {"$gt": now}})
        rows = await cursor.sort([("createdAt", ASCENDING), ("position", ASCENDING)]).to_list(self.batch_size)
        published: list[str] = []
        try:
            for row in rows:
                await self.bus.publish(Event.from_dict(row["event"]))
                published.append(row["_id"])
        finally:
            if published:
                await self.rows.update_many({"_id": {"$in": published}}, {"$set": {"publishedAt": clock.now()}})
            unpublished = [row["_id"] for row in rows if row["_id"] not in set(published)]
            if unpublished and len(published) < len(rows):
                await self.rows.update_many({"_id": {"$in": unpublished}}, {"$set": {"leaseUntil": EPOCH}})
        return len(published)

    async def pending(self) -> int:
        return await self.rows.count_documents({"publishedAt": None})
