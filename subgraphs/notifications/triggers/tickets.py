"""Ticket triggers: who hears about what happens to a ticket.

Every ticket event carries the ticket's snapshot (see ticket_view) plus, per type:
ticket.assigned `previousAssigneeId`, `automatic`; ticket.status_changed `from`, `to`, `reason`;
ticket.delegated `internId`, `tutorId`; ticket.commented `commentId`, `authorId`, `internal`,
`excerpt`, `mentionIds`; ticket.mentioned `commentId`, `authorId`, `internal`, `excerpt`, `mentionedUserId`;
ticket.rated `score`, `comment`, `agentId`; ticket.sla_warning / sla_breached `kind`
(response | resolution), `dueAt`. The IA's ticket.assignment_needed carries no snapshot: `ticketId`,
`reason`, `careGroup`, `category` (its routing found no agent; the company's administrators hear of it).

Nobody hears about what they did themselves (except the confirmation of a ticket they opened),
and only people of the ticket's company, or platform staff who may see every company's tickets.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from subgraphs.kernel.events.contracts import ia as ia_events
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.contracts.tickets import changes_view
from subgraphs.kernel.events.envelope import Event
from subgraphs.notifications.people.model import Person
from subgraphs.notifications.triggers.lookup import Lookup
from subgraphs.notifications.triggers.notice import Notice, Target, TargetType, to_each
from subgraphs.notifications.triggers.ticket_view import TicketView, remember, template_context

NOTES = "tickets.internal_notes"
EVERY_COMPANY = "tickets.read.global"

Trigger = Callable[[Event, TicketView, Lookup], Awaitable[list[Notice]]]


def concerns(event: Event) -> bool:
    """Whether a ticket event can give a notice (it has a trigger) or change the ticket view; any other (the IA's
    conclusions but a ticket nobody could take, comment edits and deletions) changes nothing here."""
    return event.type in TRIGGERS or changes_view(event.type, event.data)


async def notices(event: Event, look: Lookup) -> list[Notice]:
    """The notices a ticket event gives, after it updated what we know of the ticket."""
    ticket = await remember(look.db, event, look.uow)
    trigger = TRIGGERS.get(event.type)
    if trigger is None:
        return []
    found = await trigger(event, ticket, look)
    return [n for n in found if _may_hear(n, ticket, event)]


def _may_hear(notice: Notice, ticket: TicketView, event: Event) -> bool:
    person = notice.recipient
    assert isinstance(person, Person)
    if person.id == event.actor_id and notice.kind != "ticket_created":
        return False
    return person.company_id == ticket.company_id or person.may(EVERY_COMPANY)


def _base(ticket: TicketView, **context: Any) -> dict[str, Any]:
    return {"ticket": template_context(ticket), **context}


def _target(ticket: TicketView) -> Target:
    return Target(TargetType.TICKET, ticket.id)


def _one(kind: str, person: Person | None, ticket: TicketView, **context: Any) -> list[Notice]:
    return [Notice(kind, person, _base(ticket, **context), _target(ticket))] if person else []


async def _created(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
    return _one("ticket_created", await look.person(ticket.creator_id), ticket)


async def _assigned(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
    if not ticket.assignee_id:
        return []  # unassigned: nobody to tell yet
    assignee = await look.person(ticket.assignee_id)
    actor = None if event.data.get("automatic") else await look.name(event.actor_id)
    context = {"actor": actor, "assignee": assignee.name if assignee else ""}
    return [*_one("ticket_assigned", assignee, ticket, audience="assignee", **context),
            *_one("ticket_assigned", await look.person(ticket.creator_id), ticket, audience="creator", **context)]


async def _status_changed(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
    data = event.data
    return _one("ticket_status_changed", await look.person(ticket.creator_id), ticket,
                from_status=data.get("from"), to_status=data.get("to") or ticket.status, reason=data.get("reason"))


async def _delegated(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
    intern = await look.person(event.data.get("internId") or ticket.assignee_id)
    tutor = await look.person(event.data.get("tutorId") or ticket.tutor_id)
    context = {"intern": intern.name if intern else "", "tutor": tutor.name if tutor else ""}
    return [*_one("ticket_delegated", intern, ticket, audience="intern", **context),
            *_one("ticket_delegated", tutor, ticket, audience="tutor", **context)]


async def _commented(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
    """Every participant but the author; internal notes only to those who may read them.

    The people mentioned in the comment hear about it through ticket.mentioned instead.
    """
    data = event.data
    participants = await look.people(ticket.participant_ids)
    if data.get("internal"):
        participants = [p for p in participants if p.may(NOTES)]
    skip = {data.get("authorId"), *(data.get("mentionIds") or [])}
    return to_each("ticket_commented", participants, target=_target(ticket), skip={s for s in skip if s},
                   **_base(ticket, author=await look.name(data.get("authorId")) or "",
                           excerpt=data.get("excerpt") or "", internal=bool(data.get("internal"))))


async def _mentioned(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
    data = event.data
    person = await look.person(data.get("mentionedUserId"))
    if person is None or person.id == data.get("authorId") or (data.get("internal") and not person.may(NOTES)):
        return []
    return _one("ticket_mentioned", person, ticket, author=await look.name(data.get("authorId")) or "",
                excerpt=data.get("excerpt") or "", internal=bool(data.get("internal")))


async def _rated(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
    data = event.data
    agent = await look.person(data.get("agentId") or ticket.assignee_id)
    return _one("ticket_rated", agent, ticket, rating=data.get("score"), comment=data.get("comment"),
                rater=await look.name(event.actor_id or ticket.creator_id) or "")


def _sla(kind: str) -> Trigger:
    async def trigger(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
        assignee = await look.person(ticket.assignee_id)
        admins = await look.directory.company_admins(ticket.company_id)
        context = {"clock": event.data.get("kind") or "resolution", "due_at": event.data.get("dueAt"),
                   "assignee": assignee.name if assignee else None}
        return [*_one(kind, assignee, ticket, audience="assignee", **context),
                *to_each(kind, admins, target=_target(ticket), **_base(ticket, audience="admin", **context))]

    return trigger


async def _assignment_needed(event: Event, ticket: TicketView, look: Lookup) -> list[Notice]:
    admins = await look.directory.company_admins(ticket.company_id)
    return to_each("assignment_needed", admins, target=_target(ticket),
                   **_base(ticket, care_group=event.data.get("careGroup")))


TRIGGERS: dict[str, Trigger] = {
    ticket_events.CREATED: _created,
    ticket_events.ASSIGNED: _assigned,
    ticket_events.STATUS_CHANGED: _status_changed,
    ticket_events.DELEGATED: _delegated,
    ticket_events.COMMENTED: _commented,
    ticket_events.MENTIONED: _mentioned,
    ticket_events.RATED: _rated,
    ticket_events.SLA_WARNING: _sla("sla_warning"),
    ticket_events.SLA_BREACHED: _sla("sla_breached"),
    ia_events.ASSIGNMENT_NEEDED: _assignment_needed,
}
CONCERNED = frozenset(TRIGGERS) | ticket_events.MAY_CHANGE_VIEW  # the types `concerns` can say yes to
