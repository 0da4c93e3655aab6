"""The ticket lifecycle as data: states, the transitions between them, and who may make each one.

    open -> in progress -> on hold -> resolved -> closed,  plus cancelled, and reopen after resolved

Workers (assignee, tutor) move the work on; the creator may cancel, reopen and confirm; a
supervisor (tickets.manage) may do all of it. Pure functions: no database, no clock reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from subgraphs.kernel.errors import BadUserInput, Forbidden
from subgraphs.kernel.events.contracts.tickets import TicketStatus as Status
from subgraphs.tickets.ticket.access import Standing

ACTIVE = frozenset({Status.OPEN, Status.IN_PROGRESS})  # the SLA clocks run
WORKABLE = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.ON_HOLD})  # may be assigned, edited
DONE = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})  # out of the backlog
FINAL = frozenset({Status.CLOSED, Status.CANCELLED})

WORKERS = frozenset({"assignee", "tutor", "supervisor"})
OWNERS = frozenset({"creator", "supervisor"})


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    verb: str
    who: frozenset[str]

    @property
    def needs_assignee(self) -> bool:
        return self.target in (Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED)


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.OPEN, Status.IN_PROGRESS, "start", WORKERS),
    Transition(Status.OPEN, Status.ON_HOLD, "hold", WORKERS),
    Transition(Status.OPEN, Status.RESOLVED, "resolve", WORKERS),
    Transition(Status.OPEN, Status.CANCELLED, "cancel", OWNERS),
    Transition(Status.IN_PROGRESS, Status.ON_HOLD, "hold", WORKERS),
    Transition(Status.IN_PROGRESS, Status.RESOLVED, "resolve", WORKERS),
    Transition(Status.IN_PROGRESS, Status.CANCELLED, "cancel", OWNERS),
    Transition(Status.ON_HOLD, Status.IN_PROGRESS, "resume", WORKERS),
    Transition(Status.ON_HOLD, Status.RESOLVED, "resolve", WORKERS),
    Transition(Status.ON_HOLD, Status.CANCELLED, "cancel", OWNERS),
    Transition(Status.RESOLVED, Status.CLOSED, "confirm", OWNERS),
    Transition(Status.RESOLVED, Status.OPEN, "reopen", OWNERS | WORKERS),
)
_BY_STEP = {(t.source, t.target): t for t in TRANSITIONS}


def roles_of(standing: Standing) -> frozenset[str]:
    roles = {"creator": standing.creator, "assignee": standing.assignee, "tutor": standing.tutor,
             "supervisor": standing.supervisor}
    return frozenset(name for name, held in roles.items() if held)


@dataclass(frozen=True)
class Situation:
    """What a transition depends on besides the caller: the ticket's state and the reopen window."""

    status: Status
    assigned: bool
    resolved_at: datetime | None
    now: datetime
    reopen_window: timedelta

    @classmethod
    def of(cls, ticket: dict[str, Any], *, now: datetime, reopen_window: timedelta) -> Situation:
        return cls(Status(ticket["status"]), ticket.get("assigneeId") is not None, ticket.get("resolvedAt"), now,
                   reopen_window)

    @property
    def reopen_closes_at(self) -> datetime | None:
        return self.resolved_at + self.reopen_window if self.resolved_at else None


def obstacle(transition: Transition, situation: Situation, reason: str | None) -> str | None:
    """Why the ticket cannot make `transition` now (whoever asks), or None."""
    if transition.needs_assignee and not situation.assigned:
        return f"assign the ticket before moving it to {transition.target.label}"
    if transition.target is Status.ON_HOLD and not (reason and reason.strip()):
        return "putting a ticket on hold needs a reason"
    closes = situation.reopen_closes_at
    if transition.verb == "reopen" and closes is not None and situation.now > closes:
        return f"the reopen window closed at {closes.isoformat()}; open a new ticket instead"
    return None


def allowed_targets(situation: Situation, standing: Standing) -> list[Status]:
    """The states this caller may move the ticket to now (a hold still needs its reason)."""
    roles = roles_of(standing)
    return [t.target for t in TRANSITIONS
            if t.source is situation.status and roles & t.who and obstacle(t, situation, "reason") is None]


def _names(targets: list[Status]) -> str:
    return ", ".join(t.label for t in targets) or "none"


def check(situation: Situation, standing: Standing, target: Status, reason: str | None) -> Transition:
    """The transition to `target`, or the error saying why not and what is allowed instead."""
    allowed = allowed_targets(situation, standing)
    extensions = {"allowed": [t.label for t in allowed], "status": situation.status.label}
    transition = _BY_STEP.get((situation.status, target))
    if transition is None:
        raise BadUserInput(f"the ticket is {situation.status.label} and cannot move to {target.label}; allowed: "
                           f"{_names(allowed)}", field="status", **extensions)
    if not roles_of(standing) & transition.who:
        who = " or ".join(sorted(transition.who))
        raise Forbidden(f"only the {who} may {transition.verb} this ticket", **extensions)
    problem = obstacle(transition, situation, reason)
    if problem is not None:
        raise BadUserInput(f"{problem}; allowed now: {_names(allowed)}", field="status", **extensions)
    return transition
