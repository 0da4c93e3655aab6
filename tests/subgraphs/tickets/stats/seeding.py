"""A few thousand tickets in their stored shape, inserted straight into the database, and the figures
the statistics must report for them, computed here in plain Python (no database, no pipelines)."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.ids import new_id
from subgraphs.tickets.catalogue.priority import RANK, Priority
from subgraphs.tickets.desk.service import Desk
from subgraphs.tickets.sla.calendar import default_calendar
from subgraphs.tickets.ticket.creation import TicketInput, new_ticket

STATUSES = {"open": 15, "in_progress": 15, "on_hold": 5, "resolved": 30, "closed": 25, "cancelled": 10}
CATEGORIES = ["Access", "Hardware", "Network", "E-mail", "Software", "Storage"]
RESPONSE_TARGET, RESOLUTION_TARGET = 3600, 8 * 3600
PERCENTILES = (0.5, 0.9, 0.95)
Doc = dict[str, Any]


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


def _done(rng: random.Random, doc: Doc, status: str, agents: list[str]) -> None:
    """Milestones of a ticket that left the backlog (some after the period's end)."""
    doc["doneAt"] = doc["createdAt"] + timedelta(minutes=rng.randrange(30, 10 * 24 * 60))
    if status in ("resolved", "closed"):
        seconds = rng.randrange(600, 3 * RESOLUTION_TARGET)
        doc["resolverId"] = rng.choice(agents)
        doc["resolvedAt"] = doc["doneAt"]
        doc["sla"].update(resolutionSeconds=seconds, resolutionMet=seconds <= RESOLUTION_TARGET)
        if rng.random() < 0.6:
            doc["rating"] = {"score": rng.randint(1, 5), "comment": None, "ratedAt": doc["doneAt"],
                             "updatedAt": doc["doneAt"], "agentId": doc["resolverId"]}


def _answered(rng: random.Random, doc: Doc) -> None:
    seconds = rng.randrange(60, 4 * RESPONSE_TARGET)
    doc["sla"].update(firstResponseAt=doc["createdAt"] + timedelta(seconds=seconds), firstResponseSeconds=seconds,
                      responseMet=seconds <= RESPONSE_TARGET)


def _breaches(doc: Doc) -> None:
    sla = doc["sla"]
    if sla["responseMet"] is False:
        sla["responseBreachedAt"] = doc["createdAt"] + timedelta(hours=1)
    if sla["resolutionMet"] is False:
        sla["resolutionBreachedAt"] = doc["createdAt"] + timedelta(hours=8)


def seed_ticket(rng: random.Random, *, company_id: str, created_at: datetime, agents: list[str]) -> Doc:
    priority = rng.choice(list(Priority))
    item = {"_id": "item_seed", "name": "Seeded", "type": "incident", "category": rng.choice(CATEGORIES),
            "impact": "medium", "urgency": "medium", "priority": priority.value, "careGroup": None,
            "responseMinutes": RESPONSE_TARGET // 60, "resolutionMinutes": RESOLUTION_TARGET // 60}
    checked = TicketInput("Seeded ticket", "Seeded for statistics.", [], [], [], [])
    actor = Principal(user_id=new_id(), company_id=company_id)
    doc = new_ticket(item, checked, actor=actor, desk=Desk(company_id, default_calendar("UTC")), now=created_at,
                     attachments=[])
    status = rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0]
    number = rng.randrange(10**9)
    doc.update(status=status, number=number, reference=f"TKT-SEED-{number:09d}", priorityRank=RANK[priority])
    if rng.random() < 0.8 or status in ("resolved", "closed"):
        _answered(rng, doc)
    if status in ("resolved", "closed", "cancelled"):
        _done(rng, doc, status, agents)
    elif rng.random() < 0.15:
        doc["sla"]["resolutionMet"] = False  # breached while still open
    _breaches(doc)
    return doc


def seed(rng: random.Random, *, company_id: str, count: int, period: Period) -> list[Doc]:
    """`count` tickets created from three weeks before the period until three days after it."""
    agents = [new_id() for _ in range(8)]
    first, span = period.start - timedelta(days=21), (period.end - period.start + timedelta(days=24))
    return [seed_ticket(rng, company_id=company_id, agents=agents,
                        created_at=first + timedelta(seconds=rng.randrange(int(span.total_seconds()))))
            for _ in range(count)]


# --- the expected figures, computed independently ---------------------------------------------------------------

def in_period(docs: list[Doc], period: Period) -> list[Doc]:
    return [d for d in docs if period.start <= d["createdAt"] < period.end]


def counts(docs: list[Doc], field: str) -> list[tuple[str, int]]:
    return sorted(Counter(d[field] for d in docs).items(), key=lambda kv: (-kv[1], kv[0]))


def nearest_rank(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def durations(docs: list[Doc], key: str) -> dict[str, Any]:
    seconds = [d["sla"][key] for d in docs if d["sla"][key] is not None]
    return {"count": len(seconds), "average": sum(seconds) / len(seconds) / 60,
            "percentiles": [nearest_rank(seconds, p) / 60 for p in PERCENTILES]}


def compliance(docs: list[Doc]) -> dict[str, int]:
    sla = [d["sla"] for d in docs]
    return {"responseMet": sum(s["responseMet"] is True for s in sla),
            "responseMissed": sum(s["responseMet"] is False for s in sla),
            "resolutionMet": sum(s["resolutionMet"] is True for s in sla),
            "resolutionMissed": sum(s["resolutionMet"] is False for s in sla),
            "breachedTickets": sum(bool(s["responseBreachedAt"] or s["resolutionBreachedAt"]) for s in sla)}


def agents(docs: list[Doc]) -> list[dict[str, Any]]:
    by_agent: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        if doc["resolverId"]:
            by_agent[doc["resolverId"]].append(doc)
    rows = []
    for agent, resolved in by_agent.items():
        scores = [d["rating"]["score"] for d in resolved if d["rating"]]
        rows.append({"agent": agent, "resolved": len(resolved), "rated": len(scores),
                     "average": sum(scores) / len(scores) if scores else None})
    return sorted(rows, key=lambda r: (-r["resolved"], r["agent"]))


def day_starts(period: Period, zone: ZoneInfo) -> list[datetime]:
    day = period.start.astimezone(zone).date()
    starts = []
    while (at := datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)) < period.end:
        starts.append(at)
        day += timedelta(days=1)
    return starts


def backlog(docs: list[Doc], period: Period, zone: ZoneInfo) -> list[tuple[datetime, int]]:
    """Open at the end of each local day (the period's end for the last): created before it, not done by it."""
    starts = day_starts(period, zone)
    ends = [*starts[1:], period.end]
    return [(start, sum(1 for d in docs if d["createdAt"] < end and (d["doneAt"] is None or d["doneAt"] >= end)))
            for start, end in zip(starts, ends, strict=True)]
