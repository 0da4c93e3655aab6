"""Idempotent consumption: each event id is handled once per queue, in one transaction with its marker.

Events a queue has in hand at the same moment (lanes.py lets up to its width through, each of another ticket or
company) commit together: while RUNNERS transactions run, the events that arrive wait for one to end and then go in
the next one, all of them. One commit and one write of markers serve the whole group; an event alone goes at once,
as before. The embedded database runs the commands of all transactions one at a time, so the commands a group saves
are what keeps a busy queue from falling behind. If the group's transaction fails, each of its events is handled
again in a transaction of its own, so one event's failure is its own and never its neighbours'.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from subgraphs.kernel import clock
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.logging import get_logger

log = get_logger(__name__)

IdempotentHandler = Callable[[Event, UnitOfWork], Awaitable[None]]
GROUP = 16  # events in one transaction at most
# Transactions of one queue under way at once. More groups of fewer events each: each group waits its turn at the
# database, and with one at a time a busy queue's share of the database shrank against the requests' (its backlog
# drained twice as slowly); with as many as the lanes' width, no event would wait for another's commit.
RUNNERS = 3


class _AlreadyHandled(Exception):
    """A concurrent delivery of the same event committed its marker first."""


def idempotent(outbox: Outbox, queue: str, handler: IdempotentHandler,
               accepts: Callable[[Event], bool] | None = None) -> Callable[[Event], Awaitable[None]]:
    """Wrap `handler` so a redelivered event is acknowledged without running it again.

    The processed-marker is written in the handler's own transaction: either the handler's
    writes and the marker both land, or neither does and the event is retried. An event
    `accepts` declines is acknowledged at once, with no database work at all.
    """
    group = _Group(outbox, queue, handler)

    async def handle(event: Event) -> None:
        if accepts is not None and not accepts(event):
            return
        await group.handle(event)

    return handle


class _Group:
    """Gathers the events in hand while a transaction runs into the next one (see the module's docstring)."""

    def __init__(self, outbox: Outbox, queue: str, handler: IdempotentHandler) -> None:
        self.outbox = outbox
        self.queue = queue
        self.handler = handler
        self.processed = outbox.db["processed_events"]
        self._waiting: list[tuple[Event, asyncio.Future[None]]] = []
        self._runners: set[asyncio.Task[None]] = set()  # kept from the garbage collector while they run
        self._running = 0  # runners not yet out of their loop (a finished task leaves `_runners` a moment later)

    async def handle(self, event: Event) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, done))
        if self._running < RUNNERS:
            self._running += 1
            runner = asyncio.create_task(self._run(), name=f"consume:{self.queue}")
            self._runners.add(runner)
            runner.add_done_callback(self._runners.discard)
        # A delivery given up (its consumer closing) leaves its event to the group, which settles it either way.
        await asyncio.shield(done)

    async def _run(self) -> None:
        taken: list[tuple[Event, asyncio.Future[None]]] = []
        try:
            while self._waiting:
                taken, self._waiting = self._waiting[:GROUP], self._waiting[GROUP:]
                await self._commit(taken)
        finally:
            self._running -= 1
            for _, done in taken:  # stopped (the service closing) before they were settled: the bus redelivers them
                if not done.done():
                    done.set_exception(RuntimeError(f"the {self.queue} consumer stopped"))

    async def _commit(self, taken: list[tuple[Event, asyncio.Future[None]]]) -> None:
        if len(taken) == 1:
            await self._alone(*taken[0])
            return
        try:
            await self.outbox.transaction(lambda uow: self._all(uow, [event for event, _ in taken]))
        except Exception as exc:  # someone's failure, or a duplicate delivery: each on its own, to see whose
            log.info("a group of events failed together; each is handled alone",
                     extra={"queue": self.queue, "events": len(taken), "error": repr(exc)})
            for event, done in taken:
                await self._alone(event, done)
            return
        for _, done in taken:
            if not done.done():
                done.set_result(None)

    async def _all(self, uow: UnitOfWork, events: list[Event]) -> None:
        at = clock.now()
        await self.processed.insert_many([self._marker(event, at) for event in events], session=uow.session)
        for event in events:
            await self.handler(event, uow)

    async def _alone(self, event: Event, done: asyncio.Future[None]) -> None:
        try:
            await self.outbox.transaction(lambda uow: self._one(uow, event))
        except _AlreadyHandled:
            pass
        except BaseException as exc:  # handed to the delivery, which the bus retries or dead-letters
            if not done.done():
                done.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        if not done.done():
            done.set_result(None)

    async def _one(self, uow: UnitOfWork, event: Event) -> None:
        try:  # no look for it first: the marker's insert finds a redelivery at once
            await self.processed.insert_one(self._marker(event, clock.now()), session=uow.session)
        except DuplicateKeyError:
            raise _AlreadyHandled from None
        # A duplicate key from the handler's own writes is its failure, to be retried, not a duplicate.
        await self.handler(event, uow)

    def _marker(self, event: Event, at: datetime) -> dict[str, object]:
        return {"_id": f"{self.queue}:{event.id}", "type": event.type, "at": at}
