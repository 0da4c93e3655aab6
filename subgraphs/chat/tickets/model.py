"""Keeps the ticket read model current from ticket events; the newest snapshot wins."""

from __future__ import annotations

from subgraphs.chat import store
from subgraphs.chat.tickets.view import SNAPSHOT_FIELDS, TicketView, is_snapshot
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection

PATTERNS = ("ticket.*",)


async def remember(db: Database, event: Event, uow: UnitOfWork) -> TicketView | None:
    """Fold a ticket event's snapshot into the read model; the ticket as it now stands (None: no snapshot)."""
    data = event.data
    if not is_snapshot(data):
        return None
    rows = db[store.TICKETS]
    current = await rows.find_one({"_id": data["ticketId"]}, projection={"asOf": 1}, session=uow.session)
    if current is None or current["asOf"] <= event.occurred_at:  # a redelivered older event changes nothing
        row = {k: data.get(k) for k in SNAPSHOT_FIELDS}
        await rows.update_one({"_id": data["ticketId"]}, {"$set": {**row, "asOf": event.occurred_at}}, upsert=True,
                              session=uow.session)
    return TicketView.from_snapshot(data)


async def find_ticket(tickets: TenantCollection, ticket_id: str) -> TicketView | None:
    """A ticket of the collection's scope, or None."""
    doc = await tickets.find_one({"_id": ticket_id})
    return TicketView.from_doc(doc) if doc else None
