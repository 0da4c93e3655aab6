"""Assigning, unassigning and delegating tickets to people whose role and care group fit."""

from __future__ import annotations

from typing import Any

from subgraphs.kernel.arrival import find_arriving
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Forbidden
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.tickets import store
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.people.lookup import Person, active_person, fits_care_group, is_agent, is_intern
from subgraphs.tickets.ticket.access import standing
from subgraphs.tickets.ticket.changes import Edit, Ticket, change
from subgraphs.tickets.ticket.history import FieldChange
from subgraphs.tickets.ticket.lifecycle import WORKABLE, Status

ARRIVAL_WAIT = 10.0  # for a person just created (kernel.arrival): long enough for a consumer seconds behind


def ensure_workable(ticket: Ticket) -> None:
    status = Status(ticket["status"])
    if status not in WORKABLE:
        raise BadUserInput(f"the ticket is {status.label}; only open, in-progress or on-hold tickets change hands",
                           field="id")


def unfit(person: Person | None, ticket: Ticket, *, role: str) -> str | None:
    """Why `person` cannot take `ticket` in `role` ('agent' or 'intern'), or None when they fit."""
    if person is None:
        return "no active person of the ticket's company has this id"
    if role == "agent" and not is_agent(person):
        return f"{person['email']} is not an agent (tickets.work and tickets.update)"
    if role == "intern" and not is_intern(person):
        return f"{person['email']} is not an intern (tickets.work without tickets.update)"
    if not fits_care_group(person, ticket.get("careGroup")):
        return f"{person['email']} is not in the care group {ticket['careGroup']}"
    return None


async def eligible(db: Database, ticket: Ticket, user_id: str, *, role: str) -> Person:
    # a person created a moment ago whose event has not reached this service yet: an administrator who adds an agent
    # and hands them a ticket at once is served once it lands, not told there is no such person
    person = await find_arriving(db[store.PEOPLE], user_id, wait=ARRIVAL_WAIT,
                                 find=lambda: active_person(db, company_id=ticket["companyId"], user_id=user_id))
    problem = unfit(person, ticket, role=role)
    if problem is not None:
        raise BadUserInput(problem, field="assigneeId" if role == "agent" else "internId")
    assert person is not None
    return person


def assignment_edit(ticket: Ticket, assignee_id: str | None, *, automatic: bool = False,
                    extra: dict[str, Any] | None = None) -> Edit:
    """Hand the ticket to `assignee_id` (None: to nobody); a delegation's tutor goes with the old hands."""
    fields: dict[str, Any] = {"assigneeId": assignee_id, "tutorId": None}
    changes = [FieldChange("assigneeId", ticket.get("assigneeId"), assignee_id)]
    if ticket.get("tutorId"):
        changes.append(FieldChange("tutorId", ticket["tutorId"], None))
    if assignee_id is None and ticket["status"] == Status.IN_PROGRESS.value:
        fields["status"] = Status.OPEN.value  # nobody works it any more
        changes.append(FieldChange("status", Status.IN_PROGRESS.label, Status.OPEN.label))
    data = {"previousAssigneeId": ticket.get("assigneeId"), "automatic": automatic, **(extra or {})}
    action = "assigned" if assignee_id else "unassigned"
    return Edit(action, set=fields, changes=changes, events=[(ticket_events.ASSIGNED, data)])


async def assign(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *,
                 assignee_id: str | None) -> Ticket:
    """Assign, reassign (assignee_id given) or unassign (None)."""
    async def plan(ticket: Ticket) -> Edit | None:
        if not actor.can("tickets.assign", ticket["companyId"]):
            raise Forbidden("you lack the permission tickets.assign", permission="tickets.assign")
        ensure_workable(ticket)
        if assignee_id is not None:
            await eligible(deps.db, ticket, assignee_id, role="agent")
        if ticket.get("assigneeId") == assignee_id and not ticket.get("tutorId"):
            return None
        return assignment_edit(ticket, assignee_id)

    return await change(deps, tenancy, actor, ticket_id, plan)


async def delegate(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, intern_id: str
                   ) -> Ticket:
    """Give an agent's ticket to an intern; the agent stays on it as tutor."""
    async def plan(ticket: Ticket) -> Edit:
        if not actor.can("tickets.delegate", ticket["companyId"]):
            raise Forbidden("you lack the permission tickets.delegate", permission="tickets.delegate")
        ensure_workable(ticket)
        mine = standing(actor, ticket)
        if ticket.get("tutorId"):
            raise BadUserInput("the ticket is already delegated; reassign it first", field="id")
        if ticket.get("assigneeId") is None:
            raise BadUserInput("only an assigned ticket is delegated: its agent becomes the tutor", field="id")
        if not (mine.assignee or mine.supervisor):
            raise Forbidden("only the ticket's agent or a supervisor delegates it")
        await eligible(deps.db, ticket, intern_id, role="intern")
        tutor = ticket["assigneeId"]
        return Edit("delegated", set={"assigneeId": intern_id, "tutorId": tutor},
                    changes=[FieldChange("assigneeId", tutor, intern_id), FieldChange("tutorId", None, tutor)],
                    events=[(ticket_events.DELEGATED, {"internId": intern_id, "tutorId": tutor})])

    return await change(deps, tenancy, actor, ticket_id, plan)
