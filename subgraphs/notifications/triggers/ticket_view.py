"""What notifications remember of each ticket from its events: reference, title and the people on it.

Every ticket event carries the ticket's snapshot (ticketId, companyId, reference, title, status,
priority, creatorId, assigneeId, tutorId, watcherIds, ...); chat events name only the ticket, so
the chat batching finds the participants here.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.events.contracts.tickets import TicketView, changes_view, view_row
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.events.ticket_views import fold
from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store


def template_context(ticket: TicketView) -> dict[str, Any]:
    """The ticket as templates use it."""
    return {"id": ticket.id, "reference": ticket.reference, "title": ticket.title, "status": ticket.status or None,
            "priority": ticket.priority}


async def remember(db: Database, event: Event, uow: UnitOfWork) -> TicketView:
    """Fold a ticket event's snapshot into the view (as `uow` ends) and return the ticket as it now stands.

    The IA's events about a ticket (ticket.classified, ticket.assignment_suggested, ...) carry no snapshot:
    their `priority` or `assigneeId` are its suggestions, not the ticket's, and change nothing here.
    """
    data = event.data
    if "reference" not in data:  # the view as it is (read outside the transaction: this event changes none of it)
        doc = await db[store.TICKETS].find_one({"_id": data["ticketId"]})
        if doc is None:  # its ticket's own events are still on the way: a row to hold its company meanwhile
            doc = {"_id": data["ticketId"], "companyId": event.company_id}
            uow.update(db[store.TICKETS], {"_id": doc["_id"]}, {"$setOnInsert": {"companyId": event.company_id}},
                       upsert=True)
        return TicketView.from_doc(doc)
    update = view_row(data)
    update.setdefault("companyId", event.company_id)
    # The event tells the whole ticket (every snapshot carries every field): no need to read it back, and no need to
    # write it when this kind of event leaves the view as the one before it left it (most are comments).
    if changes_view(event.type, data):
        fold(uow, db[store.TICKETS], event, update)
    return TicketView.from_doc({"_id": data["ticketId"], **update})


async def recall(db: Database, ticket_id: str, session: AsyncClientSession | None = None) -> TicketView | None:
    doc = await db[store.TICKETS].find_one({"_id": ticket_id}, session=session)
    return TicketView.from_doc(doc) if doc else None
