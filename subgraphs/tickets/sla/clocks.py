"""A ticket's two SLA clocks (first response, resolution) as pure functions over its `sla` document.

Deadlines come from the catalogue targets counted in business time. While the ticket waits (on
hold, or resolved until it is reopened) the clocks stop: on resuming, each deadline becomes
"now plus what was left", so it moves by exactly the business time spent waiting. The
scheduler's warning and breach flags are set elsewhere, once each.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from subgraphs.tickets.sla.business_time import add_business_time, business_time_between
from subgraphs.tickets.sla.calendar import BusinessCalendar

Kind = Literal["response", "resolution"]
KINDS: tuple[Kind, ...] = ("response", "resolution")
Sla = dict[str, Any]


def start(at: datetime, *, response_minutes: int, resolution_minutes: int, calendar: BusinessCalendar) -> Sla:
    return {
        "responseTargetMinutes": response_minutes,
        "resolutionTargetMinutes": resolution_minutes,
        "responseDueAt": add_business_time(at, timedelta(minutes=response_minutes), calendar),
        "resolutionDueAt": add_business_time(at, timedelta(minutes=resolution_minutes), calendar),
        "pausedAt": None,
        "firstResponseAt": None,
        "firstResponseSeconds": None,
        "responseMet": None,
        "resolutionSeconds": None,
        "resolutionMet": None,
        "responseWarnedAt": None,
        "responseBreachedAt": None,
        "resolutionWarnedAt": None,
        "resolutionBreachedAt": None,
    }


def running(sla: Sla, kind: Kind) -> bool:
    """Whether the `kind` clock still has something to wait for."""
    return sla["firstResponseAt"] is None if kind == "response" else sla["resolutionSeconds"] is None


def pause(sla: Sla, at: datetime) -> Sla:
    return sla if sla["pausedAt"] is not None else {**sla, "pausedAt": at}


def resume(sla: Sla, at: datetime, calendar: BusinessCalendar) -> Sla:
    """Restart the clocks at `at`: each unfinished deadline moves by the business time spent paused."""
    paused = sla["pausedAt"]
    if paused is None:
        return sla
    moved: Sla = {"pausedAt": None}
    for kind in KINDS:
        due = sla[f"{kind}DueAt"]
        left = business_time_between(paused, due, calendar)
        if running(sla, kind) and left > timedelta(0):
            moved[f"{kind}DueAt"] = add_business_time(at, left, calendar)
    return {**sla, **moved}


def elapsed(sla: Sla, kind: Kind, at: datetime, calendar: BusinessCalendar) -> timedelta:
    """Business time the `kind` clock has run by `at`, pauses excluded: its target minus what is left."""
    now = sla["pausedAt"] or at
    left = business_time_between(now, sla[f"{kind}DueAt"], calendar)
    return timedelta(minutes=sla[f"{kind}TargetMinutes"]) - left


def _met(sla: Sla, kind: Kind, spent: timedelta) -> bool:
    return spent <= timedelta(minutes=sla[f"{kind}TargetMinutes"])


def respond(sla: Sla, at: datetime, calendar: BusinessCalendar) -> Sla:
    """The first response: its time is recorded once; later replies change nothing."""
    if not running(sla, "response"):
        return sla
    spent = elapsed(sla, "response", at, calendar)
    return {**sla, "firstResponseAt": at, "firstResponseSeconds": int(spent.total_seconds()),
            "responseMet": _met(sla, "response", spent)}


def resolve(sla: Sla, at: datetime, calendar: BusinessCalendar) -> Sla:
    """Resolving answers the ticket too; the clocks stop until it is reopened."""
    sla = respond(sla, at, calendar)
    spent = elapsed(sla, "resolution", at, calendar)
    resolved = {**sla, "resolutionSeconds": int(spent.total_seconds()), "resolutionMet": _met(sla, "resolution", spent)}
    return pause(resolved, at)


def reopen(sla: Sla, at: datetime, calendar: BusinessCalendar) -> Sla:
    """A reopened ticket resumes its resolution clock where it stopped."""
    return resume({**sla, "resolutionSeconds": None, "resolutionMet": None}, at, calendar)
