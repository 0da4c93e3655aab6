"""Which tickets the IA learns labels from, and the per-company count that tells the trainer to retrain.

A ticket's category, type and priority become training labels when a person stands behind them: an
agent changed one of them (a correction: `ticket.updated` by a person, not the IA's own automatic
change), or the desk resolved the ticket under them. Tickets still open keep the labels of the item
the customer picked, which is a guess, not a label.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.ia import store
from subgraphs.ia.readmodel.tickets import TRIAGE, Ticket
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection

CORRECTED, RESOLVED = "corrected", "resolved"


def label_source(event: Event, before: Ticket | None) -> str | None:
    """CORRECTED or RESOLVED when this event makes the ticket's labels ones to learn from, else None."""
    data = event.data
    if event.type == ticket_events.UPDATED and event.actor_id and not data.get("automatic"):
        return CORRECTED if set(data.get("changed") or ()) & set(TRIAGE) else None
    if event.type == ticket_events.STATUS_CHANGED and data.get("to") == "resolved":
        return None if (before or {}).get("labelled") == CORRECTED else RESOLVED
    return None


async def labels_changed(db: Database, company_id: str, at: datetime, session: AsyncClientSession) -> None:
    """Count one more change to the company's training data; the trainer retrains once they settle."""
    await db[store.TRAINING].update_one({"_id": company_id}, _changed(at), upsert=True, session=session)


def _changed(at: datetime) -> dict[str, Any]:
    return {"$inc": {"version": 1}, "$set": {"changedAt": at}}


async def record(db: Database, event: Event, before: Ticket | None, uow: UnitOfWork) -> None:
    source = label_source(event, before)
    if source is None:
        return
    at = event.occurred_at  # both as the unit ends, after the view's own write of the ticket (`tickets.remember`)
    uow.update(db[store.TICKETS], {"_id": event.data["ticketId"]}, {"$set": {"labelled": source, "labelledAt": at}})
    uow.update(db[store.TRAINING], {"_id": event.data["companyId"]}, _changed(at), upsert=True)


async def labelled_count(db: Database, company_id: str) -> int:
    tickets = TenantCollection(db[store.TICKETS], company_id)
    return await tickets.count_documents({"labelled": {"$ne": None}})
