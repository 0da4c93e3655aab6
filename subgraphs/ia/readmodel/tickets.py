"""Keeps the IA's view of each ticket current from the tickets service's events; the newest snapshot (by the
ticket's version) wins.

Beside the snapshot every ticket event carries, the view keeps what routing and learning need:
when the current assignee got the ticket, who held it before, who resolved it last, when anyone
last acted on it, and (see classification/labelling.py) whether a person stands behind its labels.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from subgraphs.ia import store
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.contracts.tickets import TicketStatus, is_older
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database, moved

# what the view keeps of the snapshot (`TicketSnapshot`): enough to triage and route
SNAPSHOT_FIELDS = ("companyId", "reference", "title", "description", "status", "type", "priority", "category",
                   "careGroup", "itemId", "creatorId", "assigneeId", "tutorId", "watcherIds", "createdAt", "version")
WORKABLE = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.ON_HOLD)
DONE = (TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.CANCELLED)
TRIAGE = ("category", "type", "priority")
Ticket = dict[str, Any]


def as_datetime(value: Any) -> datetime | None:
    """Datetimes arrive as datetimes in process and as ISO text over the broker."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def derived(before: Ticket | None, data: dict[str, Any], event: Event) -> dict[str, Any]:
    """The fields the view keeps beside the snapshot, as this event changes them."""
    at = event.occurred_at
    fields: dict[str, Any] = {}
    if event.actor_id:  # a person did something with the ticket (the SLA scheduler and the IA do not count)
        fields["lastActivityAt"] = at
    previous = (before or {}).get("assigneeId")
    if data.get("assigneeId") != previous or before is None:
        fields["assignedAt"] = at if data.get("assigneeId") else None
    if data.get("status") == TicketStatus.RESOLVED and (before or {}).get("status") != TicketStatus.RESOLVED:
        fields.update(resolvedAt=at, lastResolverId=data.get("assigneeId"))
    return fields


async def remember(db: Database, event: Event, uow: UnitOfWork) -> tuple[Ticket | None, Ticket | None]:
    """Fold a ticket event in; (the ticket as it was, as it now is), or (it, None) for an older event.

    The row is read outside the transaction and written as it ends, on the condition that it is still as read (its
    version and time; none yet): when another event of the ticket was folded meanwhile, the transaction is run again
    (`moved`), with the row as it is now."""
    data = event.data
    rows = db[store.TICKETS]
    before = await rows.find_one({"_id": data["ticketId"]})
    if is_older(data, event.occurred_at, before):
        return before, None
    snapshot = {k: data.get(k) for k in SNAPSHOT_FIELDS}
    snapshot["createdAt"] = as_datetime(snapshot["createdAt"])
    fields = {**snapshot, **derived(before, data, event), "asOf": event.occurred_at}
    update: dict[str, Any] = {"$set": fields}
    after: Ticket = {**(before or {"_id": data["ticketId"]}), **fields}
    previous = (before or {}).get("assigneeId")
    if previous and previous != data.get("assigneeId"):
        update["$addToSet"] = {"heldBy": previous}  # routing does not hand it back to them
        held = list(after.get("heldBy") or [])
        after["heldBy"] = held if previous in held else [*held, previous]
    if event.type == ticket_events.STATUS_CHANGED and data.get("verb") == "reopen":
        update["$inc"] = {"reopenCount": 1}
        after["reopenCount"] = int(after.get("reopenCount") or 0) + 1
    if before is None:
        uow.insert(rows, after, duplicate=moved)
    else:
        still = {"_id": before["_id"], "version": before.get("version"), "asOf": before.get("asOf")}
        uow.update(rows, still, update, unmatched=moved)
    return before, after


def labels_of(ticket: Ticket) -> dict[str, str | None]:
    """The ticket's category, type and priority as it stands."""
    return {target: ticket.get(target) for target in TRIAGE}
