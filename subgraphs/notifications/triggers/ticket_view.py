"""What notifications remember of each ticket from its events: reference, title and the people on it.

Every ticket event carries the ticket's snapshot (ticketId, companyId, reference, title, status,
priority, creatorId, assigneeId, tutorId, watcherIds, ...); chat events name only the ticket, so
the chat batching finds the participants here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.mongo import Database, update_and_read
from subgraphs.notifications import store

FIELDS = ("companyId", "reference", "title", "status", "priority", "creatorId", "assigneeId", "tutorId",
          "watcherIds")


@dataclass(frozen=True)
class TicketView:
    id: str
    company_id: str
    reference: str
    title: str
    status: str | None
    priority: str | None
    creator_id: str | None
    assignee_id: str | None
    tutor_id: str | None
    watcher_ids: tuple[str, ...]

    @property
    def participant_ids(self) -> list[str]:
        """Creator, assignee, tutor and watchers, each once."""
        ids = [self.creator_id, self.assignee_id, self.tutor_id, *self.watcher_ids]
        return list(dict.fromkeys(i for i in ids if i))

    def context(self) -> dict[str, Any]:
        """The ticket as templates use it."""
        return {"id": self.id, "reference": self.reference, "title": self.title, "status": self.status,
                "priority": self.priority}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> TicketView:
        return cls(
            id=doc["_id"], company_id=doc["companyId"], reference=doc.get("reference") or "",
            title=doc.get("title") or "", status=doc.get("status"), priority=doc.get("priority"),
            creator_id=doc.get("creatorId"), assignee_id=doc.get("assigneeId"), tutor_id=doc.get("tutorId"),
            watcher_ids=tuple(doc.get("watcherIds") or ()),
        )


async def remember(db: Database, event: Event, session: AsyncClientSession) -> TicketView:
    """Fold a ticket event's snapshot into the view and return the ticket as it now stands.

    The IA's events about a ticket (ticket.classified, ticket.assignment_suggested, ...) carry no snapshot:
    their `priority` or `assigneeId` are its suggestions, not the ticket's, and change nothing here.
    """
    data = event.data
    if "reference" not in data:
        doc = await update_and_read(db[store.TICKETS], {"_id": data["ticketId"]},
                                    {"$setOnInsert": {"companyId": event.company_id}}, upsert=True, session=session)
        assert doc is not None
        return TicketView.from_doc(doc)
    update: dict[str, Any] = {k: data[k] for k in FIELDS if k in data}
    update.setdefault("companyId", event.company_id)
    # The event tells the whole ticket (every snapshot carries every field): no need to read it back.
    await db[store.TICKETS].update_one({"_id": data["ticketId"]}, {"$set": update}, upsert=True, session=session)
    return TicketView.from_doc({"_id": data["ticketId"], **update})


async def recall(db: Database, ticket_id: str, session: AsyncClientSession | None = None) -> TicketView | None:
    doc = await db[store.TICKETS].find_one({"_id": ticket_id}, session=session)
    return TicketView.from_doc(doc) if doc else None
