"""Keeps the ticket read model current from ticket events; the newest snapshot (by the ticket's version) wins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from subgraphs.chat import store
from subgraphs.kernel import arrival
from subgraphs.kernel.events.contracts.tickets import CREATED, TicketView, is_snapshot, view_row
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.events.ticket_views import fold
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection

PATTERNS = ("ticket.*",)
# A ticket's creation comes on a queue of its own, not behind the ticket's other events: the person who raised a ticket
# often writes in its chat at once, and the chat waits for the ticket to arrive (ARRIVAL_WAIT). Behind the changes and
# mentions of every ticket, under load, a new ticket reached the chat seconds late (benchmarks/workload/RESULTS.md).
NEW_PATTERNS = (CREATED,)
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


async def known(db: Database, ticket_id: object) -> bool:
    """Whether the read model holds the ticket (whatever company's)."""
    return isinstance(ticket_id, str) and await db[store.TICKETS].find_one({"_id": ticket_id}, {"_id": 1}) is not None


async def find_ticket(tickets: TenantCollection, ticket_id: str) -> TicketView | None:
    """A ticket of the collection's scope, or None."""
    doc = await tickets.find_one({"_id": ticket_id})
    return TicketView.from_doc(doc) if doc else None


async def find_arriving(db: Database, find: Callable[[], Awaitable[TicketView | None]],
                        ticket_id: str) -> TicketView | None:
    """`find()`'s ticket; for a fresh id no company's read model has yet, found once it arrives (`ARRIVAL_WAIT`)."""
    return await arrival.find_arriving(db[store.TICKETS], ticket_id, find, wait=ARRIVAL_WAIT)
