"""Agents' work log, written from ticket events: what each agent was given, resolved, saw reopened, handed back.

One row per fact, keyed by the event that told it (a redelivery writes nothing new). The rows are
what an agent's statistics are computed from, in the service and in the simulation alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from subgraphs.ia import store
from subgraphs.ia.readmodel.tickets import Ticket
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database

ASSIGNED, RESOLVED, REOPENED, HANDED_BACK = "assigned", "resolved", "reopened", "handed_back"
Row = dict[str, Any]


def _row(event: Event, kind: str, agent_id: str, data: dict[str, Any], **extra: Any) -> Row:
    return {"_id": f"{event.id}:{kind}", "companyId": event.company_id, "agentId": agent_id, "kind": kind,
            "ticketId": data["ticketId"], "priority": data.get("priority"), "at": event.occurred_at, **extra}


def _minutes(since: datetime | None, until: datetime) -> float | None:
    return None if since is None else max(0.0, (until - since).total_seconds() / 60)


def _assignment_rows(event: Event, before: Ticket | None) -> list[Row]:
    data = event.data
    new, previous = data.get("assigneeId"), data.get("previousAssigneeId", (before or {}).get("assigneeId"))
    rows = []
    if new and new != previous:
        rows.append(_row(event, ASSIGNED, new, data, automatic=bool(data.get("automatic")),
                         selfAssigned=event.actor_id == new))
    if previous and previous != new and event.actor_id == previous:  # they gave it up themselves
        rows.append(_row(event, HANDED_BACK, previous, data))
    return rows


def _status_rows(event: Event, before: Ticket | None) -> list[Row]:
    data, before = event.data, before or {}
    if data.get("to") == "resolved" and data.get("assigneeId"):
        held = _minutes(before.get("assignedAt"), event.occurred_at)
        return [_row(event, RESOLVED, data["assigneeId"], data, heldMinutes=held)]
    if data.get("verb") == "reopen" and before.get("lastResolverId"):
        return [_row(event, REOPENED, before["lastResolverId"], data)]
    return []


def rows_for(event: Event, before: Ticket | None) -> list[Row]:
    """The work-log rows a ticket event gives (most give none)."""
    if event.type == ticket_events.ASSIGNED:
        return _assignment_rows(event, before)
    if event.type == ticket_events.STATUS_CHANGED:
        return _status_rows(event, before)
    return []


async def record(db: Database, event: Event, before: Ticket | None, uow: UnitOfWork) -> None:
    for row in rows_for(event, before):  # as the unit ends
        uow.update(db[store.ACTIVITY], {"_id": row["_id"]}, {"$setOnInsert": row}, upsert=True)
