"""Keeps the ticket read model current from ticket events; the newest snapshot (by the ticket's version) wins."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from pymongo import ReturnDocument
from pymongo.errors import PyMongoError

from subgraphs.chat import store
from subgraphs.kernel import arrival, clock
from subgraphs.kernel.events.contracts.tickets import CREATED, MAY_CHANGE_VIEW, TicketView, is_snapshot, view_row
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.events.ticket_views import fold
from subgraphs.kernel.logging import get_logger
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection

log = get_logger(__name__)

# What the view is kept from: the kinds of ticket event that may change it (the rest, the IA's conclusions among them,
# the broker never brings; comments come, and `system.wanted` declines those without mentions).
PATTERNS = tuple(sorted(MAY_CHANGE_VIEW))
RETIRED = ("ticket.*",)  # what the tickets queue was bound to before
# A ticket's creation comes on a queue of its own, not behind the ticket's other events: the person who raised a ticket
# often writes in its chat at once, and the chat waits for the ticket to arrive (ARRIVAL_WAIT). Behind the changes and
# mentions of every ticket, under load, a new ticket reached the chat seconds late (benchmarks/workload/RESULTS.md).
NEW_PATTERNS = (CREATED,)
CLOCK_DRIFT = timedelta(seconds=30)  # between the clocks of the service that raised an event and chat's
# A ticket created this recently (`kernel.arrival.FRESH`) may not have reached the read model yet (its event is on the
# way): the chat waits up to ARRIVAL_WAIT for it rather than calling it unknown. Older ids (and ids from the future)
# are answered at once. The wait is long enough for a consumer seconds behind under load.
ARRIVAL_WAIT = 10.0
# A ticket's chat fields asked through the gateway (a page, a list's unread counts) wait less: a list must not stall
# on a lagging view, and the page of a ticket created a moment ago still shows its chat.
FIELDS_WAIT = 1.0


async def remember(db: Database, event: Event, uow: UnitOfWork) -> TicketView | None:
    """Fold a ticket event's snapshot into the read model; the ticket as it now stands (None: no snapshot)."""
    data = event.data
    if not is_snapshot(data):
        return None
    fold(uow, db[store.TICKETS], event, view_row(data))  # an older snapshot, folded late, changes nothing
    return TicketView.from_snapshot(data)


class NewTickets:
    """When this deployment's chat first took ticket creations from their own queue: a creation raised before then
    (chat upgraded from a version without that queue) may be in the tickets queue alone."""

    def __init__(self) -> None:
        self.since: datetime | None = None  # not known yet: every creation may be

    async def record(self, db: Database, declared: asyncio.Event, *, retry: float = 5.0) -> None:
        """Once the service has `declared` its queues (the new one among them), the moment it first did (asked again
        every `retry` seconds while the database is away: until then, creations come from both queues)."""
        await declared.wait()
        while self.since is None:
            try:
                row = await db[store.MILESTONES].find_one_and_update({"_id": "new-tickets"},
                                                                    {"$setOnInsert": {"at": clock.now()}},
                                                                    upsert=True, return_document=ReturnDocument.AFTER)
                self.since = row["at"] if row else None
            except PyMongoError as exc:
                log.warning("when new tickets first came on their own queue is not known yet",
                            extra={"error": repr(exc)})
                await asyncio.sleep(retry)

    def only_in_tickets_queue(self, event: Event) -> bool:
        """Whether a ticket's creation may have reached the tickets queue alone: raised before the new-tickets queue
        existed, or so soon after that the clocks' drift leaves it open. The later ones that queue brings, and
        folding them again from the tickets queue cost two transactions that also conflicted with its own."""
        return self.since is None or event.occurred_at < self.since + CLOCK_DRIFT


async def known(db: Database, ticket_id: object) -> bool:
    """Whether the read model holds the ticket (whatever company's)."""
    return isinstance(ticket_id, str) and await arrival.holds(db[store.TICKETS], ticket_id)


async def find_ticket(tickets: TenantCollection, ticket_id: str) -> TicketView | None:
    """A ticket of the collection's scope, or None."""
    doc = await tickets.find_one({"_id": ticket_id})
    return TicketView.from_doc(doc) if doc else None


async def find_arriving(db: Database, find: Callable[[], Awaitable[TicketView | None]],
                        ticket_id: str) -> TicketView | None:
    """`find()`'s ticket; for a fresh id no company's read model has yet, found once it arrives (`ARRIVAL_WAIT`)."""
    return await arrival.find_arriving(db[store.TICKETS], ticket_id, find, wait=ARRIVAL_WAIT)
