"""An agent's recent work in numbers, from their open tickets and their work-log rows (pure functions).

Gaming is read from the same rows: a resolution within minutes of the assignment is an instant close,
a resolution later reopened was premature, and a ticket given back is work declined (cherry-picking
when the declined ones are urgent and the kept ones easy).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from subgraphs.ia.assignment.activity import ASSIGNED, HANDED_BACK, REOPENED, RESOLVED

WEIGHTS = {"low": 1.0, "medium": 2.0, "high": 3.0, "critical": 5.0}
URGENT = frozenset({"high", "critical"})
INSTANT_MINUTES = 10.0  # a resolution this soon after the assignment is no real work


def weight(priority: str | None) -> float:
    return WEIGHTS.get(priority or "", WEIGHTS["medium"])


@dataclass(frozen=True)
class OpenTicket:
    """A ticket the agent holds now (as assignee, or as tutor of a delegation)."""

    priority: str | None
    created_at: datetime
    last_activity_at: datetime | None


@dataclass(frozen=True)
class WorkRow:
    """One line of the agent's work log (assignment/activity.py)."""

    kind: str
    at: datetime
    ticket_id: str
    priority: str | None = None
    held_minutes: float | None = None


@dataclass(frozen=True)
class AgentStats:
    open_count: int
    open_load: float  # priority-weighted open tickets
    stagnant: int  # open tickets nobody acted on for a while
    age_days: float  # mean age of the open tickets
    recent_load: float  # priority-weighted tickets given to them in the window
    assigned: int
    resolved: int
    resolved_load: float
    instant: int
    reopened: int
    handed_back: int
    urgent_assigned: int
    urgent_handed_back: int
    low_resolved: int
    median_hours: float | None  # resolution time of real work (not instant, not reopened)
    last_assigned_at: datetime | None
    real_hours: tuple[tuple[str, float], ...] = ()  # (priority, hours) of each resolution of real work


def _open_numbers(tickets: Sequence[OpenTicket], now: datetime, stagnant_after: timedelta) -> tuple[float, int, float]:
    load = sum(weight(t.priority) for t in tickets)
    stagnant = sum(1 for t in tickets if now - (t.last_activity_at or t.created_at) > stagnant_after)
    ages = [(now - t.created_at).total_seconds() / 86400 for t in tickets]
    return load, stagnant, (sum(ages) / len(ages) if ages else 0.0)


def _real_hours(resolutions: list[WorkRow], reopened_tickets: set[str]) -> tuple[tuple[str, float], ...]:
    """(priority, hours from assignment) of the resolutions that were real work: not instant, not reopened."""
    return tuple((r.priority or "medium", r.held_minutes / 60) for r in resolutions if r.held_minutes is not None
                 and r.held_minutes >= INSTANT_MINUTES and r.ticket_id not in reopened_tickets)


def agent_stats(open_tickets: Sequence[OpenTicket], rows: Iterable[WorkRow], *, now: datetime,
                window: timedelta, stagnant_after: timedelta) -> AgentStats:
    """The agent's numbers at `now`: open work as it stands, the rest over the window before `now`."""
    all_rows = list(rows)
    recent = [r for r in all_rows if now - window <= r.at <= now]
    by_kind: dict[str, list[WorkRow]] = {ASSIGNED: [], RESOLVED: [], REOPENED: [], HANDED_BACK: []}
    for row in recent:
        by_kind.setdefault(row.kind, []).append(row)
    assigned, resolved = by_kind[ASSIGNED], by_kind[RESOLVED]
    reopened_tickets = {r.ticket_id for r in by_kind[REOPENED]}
    load, stagnant, age = _open_numbers(open_tickets, now, stagnant_after)
    real = _real_hours(resolved, reopened_tickets)
    assigned_at = [r.at for r in all_rows if r.kind == ASSIGNED and r.at <= now]
    return AgentStats(
        open_count=len(open_tickets), open_load=load, stagnant=stagnant, age_days=age,
        recent_load=sum(weight(r.priority) for r in assigned), assigned=len(assigned), resolved=len(resolved),
        resolved_load=sum(weight(r.priority) for r in resolved),
        instant=sum(1 for r in resolved if r.held_minutes is not None and r.held_minutes < INSTANT_MINUTES),
        reopened=len(by_kind[REOPENED]), handed_back=len(by_kind[HANDED_BACK]),
        urgent_assigned=sum(1 for r in assigned if r.priority in URGENT),
        urgent_handed_back=sum(1 for r in by_kind[HANDED_BACK] if r.priority in URGENT),
        low_resolved=sum(1 for r in resolved if r.priority == "low"),
        median_hours=median(h for _, h in real) if real else None, last_assigned_at=max(assigned_at, default=None),
        real_hours=real,
    )
