"""Moving a ticket through its lifecycle: the checked transition, its timestamps and SLA clocks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.tickets import validation
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.desk.service import desk_of
from subgraphs.tickets.sla import clocks
from subgraphs.tickets.sla.calendar import BusinessCalendar
from subgraphs.tickets.ticket.access import standing
from subgraphs.tickets.ticket.changes import Edit, Ticket, change
from subgraphs.tickets.ticket.history import FieldChange
from subgraphs.tickets.ticket.lifecycle import Situation, Status, Transition, check


def _clock_fields(ticket: Ticket, target: Status, at: datetime, calendar: BusinessCalendar) -> dict[str, Any]:
    """What entering `target` does to the SLA clocks and the ticket's milestones."""
    sla = ticket["sla"]
    if target is Status.ON_HOLD or target is Status.CANCELLED:
        done = {"doneAt": at, "closedAt": at} if target is Status.CANCELLED else {}
        return {"sla": clocks.pause(sla, at), **done}
    if target is Status.IN_PROGRESS:
        return {"sla": clocks.resume(sla, at, calendar)}
    if target is Status.RESOLVED:
        return {"sla": clocks.resolve(sla, at, calendar), "resolvedAt": at, "doneAt": at,
                "resolverId": ticket.get("assigneeId")}
    if target is Status.OPEN:  # reopened
        return {"sla": clocks.reopen(sla, at, calendar), "resolvedAt": None, "doneAt": None, "resolverId": None}
    return {"closedAt": at}


def status_edit(ticket: Ticket, transition: Transition, *, at: datetime, reason: str | None,
                calendar: BusinessCalendar) -> Edit:
    """The edit a checked transition makes, with its history and its ticket.status_changed event."""
    target = transition.target
    hold_reason = reason if target is Status.ON_HOLD else None
    fields = {"status": target.value, "statusChangedAt": at, "holdReason": hold_reason,
              **_clock_fields(ticket, target, at, calendar)}
    changes = [FieldChange("status", Status(ticket["status"]).label, target.label)]
    if hold_reason != ticket.get("holdReason"):
        changes.append(FieldChange("holdReason", ticket.get("holdReason"), hold_reason))
    data = {"from": ticket["status"], "to": target.value, "verb": transition.verb, "reason": reason}
    ops: dict[str, dict[str, Any]] = {}
    if transition.verb == "reopen":
        ops["$inc"] = {"reopenCount": 1}
        rating = ticket.get("rating")
        if rating:  # it judged a resolution that did not hold; the next resolution is rated afresh
            fields["rating"] = None
            ops["$push"] = {"previousRatings": rating}
            changes.append(FieldChange("rating", rating["score"], None))
    return Edit(transition.verb, set=fields, ops=ops, changes=changes, events=[(ticket_events.STATUS_CHANGED, data)],
                at=at)


async def change_status(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, target: Status,
                        reason: str | None) -> Ticket:
    window = timedelta(days=deps.settings.reopen_window_days)

    async def plan(ticket: Ticket) -> Edit:
        now = clock.now()
        transition = check(Situation.of(ticket, now=now, reopen_window=window), standing(actor, ticket), target,
                           reason)
        cleaned = validation.optional_line(reason, field="reason", max_length=500)
        desk = await desk_of(deps, ticket["companyId"])
        return status_edit(ticket, transition, at=now, reason=cleaned, calendar=desk.calendar)

    return await change(deps, tenancy, actor, ticket_id, plan)
