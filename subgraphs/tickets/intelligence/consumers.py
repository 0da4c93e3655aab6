"""Consumers of the IA service's conclusions about tickets.

Expected payloads (the envelope's `companyId` is the ticket's company; other events are ignored):

ticket.classified
    ticketId: str
    category: str | None              a category of the company's catalogue
    type: "request" | "incident" | None
    priority: "low" | "medium" | "high" | "critical" | None
    confidence: float                 0..1
    needsReview: bool                 the IA's own threshold was not reached
    model: str                        optional, shown as is

    Stored on the ticket as its classification. When `needsReview` is false and no person has
    triaged the ticket yet, the category, type and priority are applied (history actor: none,
    `ticket.updated` with `automatic: true`). Otherwise nothing is overwritten and, with
    `needsReview`, the ticket is flagged for a person.

ticket.assignment_suggested
    ticketId: str
    assigneeId: str | None            None: no agent fits (the IA tells the admins itself)
    score: float
    factors: {str: float}             why this agent; shown to admins as is
    reason: str                       optional, one line

    Stored on the ticket. When the company's desk has automatic assignment on, the ticket is
    still open and unassigned, and the agent still fits (active, agent, care group), the ticket
    is assigned to them (`ticket.assigned` with `automatic: true`).
"""

from __future__ import annotations

from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.events.contracts import ia as ia_events
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import moved
from subgraphs.tickets.assignment.service import assignment_edit, unfit
from subgraphs.tickets.catalogue.priority import RANK, Priority, TicketType
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.desk.service import desk_of
from subgraphs.tickets.people.lookup import active_person
from subgraphs.tickets.ticket.changes import Edit, Ticket, system_view, write
from subgraphs.tickets.ticket.history import FieldChange
from subgraphs.tickets.ticket.lifecycle import Status

PATTERNS = (ia_events.CLASSIFIED, ia_events.ASSIGNMENT_SUGGESTED)


def _classification(data: dict[str, Any]) -> dict[str, Any]:
    return {"category": data.get("category"), "type": data.get("type"), "priority": data.get("priority"),
            "confidence": float(data.get("confidence") or 0.0), "needsReview": bool(data.get("needsReview")),
            "model": data.get("model"), "at": clock.now()}


def _applied(ticket: Ticket, found: dict[str, Any]) -> dict[str, Any]:
    """The classified fields that differ from the ticket's and are valid values."""
    values = {"category": found["category"] or None,
              "type": found["type"] if found["type"] in set(TicketType) else None,
              "priority": found["priority"] if found["priority"] in set(Priority) else None}
    return {k: v for k, v in values.items() if v is not None and ticket.get(k) != v}


def classified_edit(ticket: Ticket, data: dict[str, Any]) -> Edit:
    found = _classification(data)
    fields: dict[str, Any] = {"classification": found}
    applied = {} if found["needsReview"] or ticket.get("manualTriage") else _applied(ticket, found)
    fields.update(applied, needsReview=found["needsReview"] and not ticket.get("manualTriage"))
    if "priority" in applied:
        fields["priorityRank"] = RANK[Priority(applied["priority"])]
    changes = [FieldChange(k, ticket.get(k), v) for k, v in applied.items()]
    events = [(ticket_events.UPDATED, {"changed": sorted(applied), "automatic": True})] if applied else []
    return Edit("classified", set=fields, changes=changes, events=events)


class IntelligenceConsumer:
    def __init__(self, deps: TicketsDeps) -> None:
        self.deps = deps

    async def handle(self, event: Event, uow: UnitOfWork) -> None:
        if not event.company_id:
            return
        tickets = system_view(self.deps, event.company_id)
        # read outside the transaction: the write is guarded by the version read (moved since: the unit runs again)
        ticket = await tickets.find_one({"_id": event.data.get("ticketId")})
        if ticket is None:
            return  # another company's ticket, or one that does not exist: nothing to do
        if event.type == ia_events.CLASSIFIED:
            edit = classified_edit(ticket, event.data)
        else:
            edit = await self._suggestion_edit(ticket, event.data)
        write(self.deps, uow, tickets, ticket, edit, actor_id=None, moved=moved)  # changed since read: read again

    async def _suggestion_edit(self, ticket: Ticket, data: dict[str, Any]) -> Edit:
        assignee_id: str | None = data.get("assigneeId")
        suggestion = {"assigneeId": assignee_id, "score": data.get("score"), "factors": data.get("factors") or {},
                      "reason": data.get("reason"), "at": clock.now()}
        if await self._applies(ticket, assignee_id):
            edit = assignment_edit(ticket, assignee_id, automatic=True)
            edit.set["suggestion"] = {**suggestion, "applied": True}
            return edit
        return Edit("assignment_suggested", set={"suggestion": {**suggestion, "applied": False}})

    async def _applies(self, ticket: Ticket, assignee_id: str | None) -> bool:
        if assignee_id is None or ticket["status"] != Status.OPEN.value or ticket.get("assigneeId"):
            return False
        desk = await desk_of(self.deps, ticket["companyId"])
        person = await active_person(self.deps.db, company_id=ticket["companyId"], user_id=assignee_id)
        return desk.auto_assign and unfit(person, ticket, role="agent") is None
