"""Keeps the ticket read model current from ticket events; the newest snapshot (by the ticket's version) wins."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from subgraphs.chat import store
from subgraphs.kernel.events.contracts.tickets import TicketView, is_snapshot, view_row
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.events.ticket_views import fold
from subgraphs.kernel.ids import is_id
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection

PATTERNS = ("ticket.*",)
# A ticket created this recently may not have reached the read model yet (its event is on the way): the chat waits
# up to ARRIVAL_WAIT for it rather than calling it unknown. Older ids (and ids from the future) are answered at once.
# The wait is long enough for a consumer seconds behind under load; its looks start quick and slow down (doubling
# from ARRIVAL_POLL to ARRIVAL_POLL_MAX), so callers waiting add little to the database's load.
FRESH = timedelta(minutes=2)
ARRIVAL_WAIT = 10.0
# A ticket's chat fields asked through the gateway (a page, a list's unread counts) wait less: a list must not stall
# on a lagging view, and the page of a ticket created a moment ago still shows its chat.
FIELDS_WAIT = 1.0
ARRIVAL_POLL = 0.05
ARRIVAL_POLL_MAX = 0.5


async def remember(db: Database, event: Event, uow: UnitOfWork) -> TicketView | None:
    """Fold a ticket event's snapshot into the read model; the ticket as it now stands (None: no snapshot)."""
    data = event.data
    if not is_snapshot(data):
        return None
    fold(uow, db[store.TICKETS], event, view_row(data))  # an older snapshot, folded late, changes nothing
    return TicketView.from_snapshot(data)


async def find_ticket(tickets: TenantCollection, ticket_id: str) -> TicketView | None:
    """A ticket of the collection's scope, or None."""
    doc = await tickets.find_one({"_id": ticket_id})
    return TicketView.from_doc(doc) if doc else None


def is_fresh(ticket_id: str) -> bool:
    """Whether the id was minted (ObjectIds carry their creation second) within FRESH of now, by the real clock."""
    if not is_id(ticket_id):
        return False
    age = datetime.now(UTC) - ObjectId(ticket_id).generation_time
    return timedelta(seconds=-5) <= age <= FRESH


async def unheard_of(db: Database, ticket_id: str) -> bool:
    """Whether `ticket_id` is fresh and in no company's read model yet: its creation is still on the way. Says
    nothing about a ticket that exists (in the caller's company or another's)."""
    return is_fresh(ticket_id) and await db[store.TICKETS].find_one({"_id": ticket_id}, projection={"_id": 1}) is None


async def arrived(db: Database, ticket_id: str, *, wait: float) -> bool:
    """Whether a fresh id no company's read model holds yet (`unheard_of`) got there within `wait` seconds. Its
    looks start quick and slow down; polling the shared database (not a signal in this process) works with several
    chat instances sharing one queue, whichever of them applies the event."""
    loop = asyncio.get_running_loop()
    deadline, pause = loop.time() + wait, ARRIVAL_POLL
    while loop.time() < deadline:
        await asyncio.sleep(min(pause, max(deadline - loop.time(), 0)))
        pause = min(pause * 2, ARRIVAL_POLL_MAX)
        if not await unheard_of(db, ticket_id):
            return True
    return False


async def find_arriving(db: Database, find: Callable[[], Awaitable[TicketView | None]],
                        ticket_id: str) -> TicketView | None:
    """`find()`'s ticket; for a fresh id no company's read model has yet, found once it `arrived`. An id another
    company's view holds is answered at once: it is not on its way, and a caller probing others' tickets makes the
    database work no longer."""
    found = await find()
    if found is not None or not await unheard_of(db, ticket_id):
        return found
    return await find() if await arrived(db, ticket_id, wait=ARRIVAL_WAIT) else None
