"""A simulated desk to test fair assignment: agents (some gaming the numbers) working tickets on a simulated
clock, each new ticket routed by the IA's own functions (candidates, agent_stats, company_baseline, choose).

    .venv/bin/python -m tests.subgraphs.ia.assignment.simulation      prints the figures of both routers

Behaviours: an honest agent works their tickets one at a time, most urgent first (lognormal times by
priority), and 3 % of their resolutions are reopened; an instant closer resolves within minutes without
working (60 % reopened by the customer); a cherry-picker gives urgent tickets back within minutes and
works the rest quickly; a reopen-prone agent rushes (40 % of the time) and 40 % of their resolutions are
reopened. A reopened ticket returns to its agent; a customer reopens a ticket at most twice.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import statistics
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from subgraphs.ia.assignment.activity import ASSIGNED, HANDED_BACK, REOPENED, RESOLVED
from subgraphs.ia.assignment.candidates import candidates
from subgraphs.ia.assignment.decide import Candidate, Decision, choose
from subgraphs.ia.assignment.scoring import Baseline, company_baseline
from subgraphs.ia.assignment.stats import OpenTicket, WorkRow, agent_stats, weight

HONEST, INSTANT, CHERRY, REOPENER = "honest", "instant_closer", "cherry_picker", "reopen_prone"
GROUPS = ("Network", "Hardware")
PRIORITIES = (("low", 0.40), ("medium", 0.35), ("high", 0.20), ("critical", 0.05))
MEDIAN_HOURS = {"low": 0.75, "medium": 1.5, "high": 2.5, "critical": 2.0}
START = datetime(2026, 1, 5, tzinfo=UTC)
HISTORY, STAGNANT = timedelta(days=14), timedelta(hours=24)
Router = Callable[[list[Candidate], Baseline], Decision]


@dataclass
class Agent:
    id: str
    kind: str
    group: str
    open: list[str] = field(default_factory=list)  # ticket ids they hold
    rows: list[WorkRow] = field(default_factory=list)  # in time order
    busy_until: datetime | None = None

    def person(self) -> dict[str, Any]:
        return {"_id": self.id, "permissions": ["tickets.work", "tickets.update"], "status": "active",
                "activityStatus": "available", "careGroups": [self.group], "skills": []}

    def recent_rows(self, now: datetime) -> list[WorkRow]:
        return self.rows[bisect_left([r.at for r in self.rows], now - HISTORY):]


@dataclass
class Ticket:
    id: str
    priority: str
    group: str | None
    created: datetime
    assignee: str | None = None
    assigned_at: datetime | None = None
    last_activity: datetime | None = None
    held_by: list[str] = field(default_factory=list)
    reopens: int = 0
    last_resolver: str | None = None
    rework: bool = False

    def as_doc(self) -> dict[str, Any]:
        return {"_id": self.id, "careGroup": self.group, "category": None, "heldBy": self.held_by}


@dataclass
class Desk:
    """The simulated company: agents, tickets, the event queue and the clock."""

    router: Router
    seed: int = 7
    agents: dict[str, Agent] = field(default_factory=dict)
    tickets: dict[str, Ticket] = field(default_factory=dict)
    intake: dict[str, float] = field(default_factory=dict)  # priority-weighted tickets given to each agent
    kept: dict[str, float] = field(default_factory=dict)  # ... and not given back
    decisions: int = 0
    _queue: list[tuple[datetime, int, str, str]] = field(default_factory=list)
    _order: itertools.count[int] = field(default_factory=itertools.count)
    _baseline: tuple[datetime, Baseline] | None = None

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)
        kinds = [HONEST] * 7 + [INSTANT, CHERRY, REOPENER]
        for group in GROUPS:
            for n, kind in enumerate(kinds):
                agent = Agent(f"{group[:3].lower()}-{n:02d}-{kind}", kind, group)
                self.agents[agent.id] = agent
                self.intake[agent.id] = self.kept[agent.id] = 0.0

    # --- the clock ------------------------------------------------------------------------------------------
    def at(self, when: datetime, what: str, ticket_id: str) -> None:
        heapq.heappush(self._queue, (when, next(self._order), what, ticket_id))

    def run(self, tickets: int = 2000, days: float = 20.0) -> Desk:
        rate = tickets / (days * 24)  # arrivals per hour
        when = START
        for n in range(tickets):
            when += timedelta(hours=self.random.expovariate(rate))
            self.tickets[f"t{n:04d}"] = self._new_ticket(f"t{n:04d}", when)
            self.at(when, "arrive", f"t{n:04d}")
        handlers = {"arrive": self._route, "done": self._done, "reopen": self._reopen, "give_back": self._give_back,
                    "next": self._next}
        while self._queue:
            now, _, what, ticket_id = heapq.heappop(self._queue)
            handlers[what](now, ticket_id)
        return self

    def _new_ticket(self, ticket_id: str, when: datetime) -> Ticket:
        priority = self.random.choices([p for p, _ in PRIORITIES], [w for _, w in PRIORITIES])[0]
        group = self.random.choices([*GROUPS, None], [0.45, 0.45, 0.10])[0]
        return Ticket(ticket_id, priority, group, when)

    # --- routing, with the IA's functions -------------------------------------------------------------------
    def _stats(self, agent: Agent, now: datetime) -> Any:
        held = [self.tickets[t] for t in agent.open]
        open_tickets = [OpenTicket(t.priority, t.created, t.last_activity) for t in held]
        return agent_stats(open_tickets, agent.recent_rows(now), now=now, window=HISTORY, stagnant_after=STAGNANT)

    def _company_baseline(self, now: datetime) -> Baseline:
        if self._baseline is None or now - self._baseline[0] > timedelta(hours=1):
            self._baseline = (now, company_baseline([self._stats(a, now) for a in self.agents.values()]))
        return self._baseline[1]

    def _route(self, now: datetime, ticket_id: str) -> None:
        ticket = self.tickets[ticket_id]
        fit, _ = candidates([a.person() for a in self.agents.values()], ticket.as_doc())
        pool = [Candidate(p["_id"], self._stats(self.agents[p["_id"]], now)) for p in fit]
        decision = self.router(pool, self._company_baseline(now))
        self.decisions += 1
        if decision.chosen is not None:
            self._assign(now, ticket, self.agents[decision.chosen.user_id])

    def _assign(self, now: datetime, ticket: Ticket, agent: Agent) -> None:
        ticket.assignee, ticket.assigned_at, ticket.last_activity = agent.id, now, now
        agent.open.append(ticket.id)
        agent.rows.append(WorkRow(ASSIGNED, now, ticket.id, ticket.priority))
        self.intake[agent.id] += weight(ticket.priority)
        self.kept[agent.id] += weight(ticket.priority)
        if agent.kind == INSTANT:
            self.at(now + timedelta(minutes=self.random.uniform(1, 5)), "done", ticket.id)
        elif agent.kind == CHERRY and ticket.priority in ("high", "critical"):
            self.at(now + timedelta(minutes=self.random.uniform(5, 15)), "give_back", ticket.id)
        else:
            self.at(now, "next", agent.id)

    # --- agents at work -------------------------------------------------------------------------------------
    def _work_hours(self, agent: Agent, ticket: Ticket) -> float:
        hours = MEDIAN_HOURS[ticket.priority] * math.exp(self.random.gauss(0, 0.5))
        hours *= {HONEST: 1.0, CHERRY: 0.7, REOPENER: 0.4}.get(agent.kind, 1.0)
        return hours * (0.5 if ticket.rework else 1.0)

    def _next(self, now: datetime, agent_id: str) -> None:
        """An agent free at `now` starts on their most urgent, oldest ticket."""
        agent = self.agents[agent_id]
        if agent.busy_until is not None and agent.busy_until > now:
            return
        workable = [self.tickets[t] for t in agent.open
                    if not (agent.kind == CHERRY and self.tickets[t].priority in ("high", "critical"))]
        if not workable:
            agent.busy_until = None
            return
        ticket = min(workable, key=lambda t: (-weight(t.priority), t.created))
        agent.open.remove(ticket.id)
        ticket.last_activity = now
        agent.busy_until = now + timedelta(hours=self._work_hours(agent, ticket))
        self.at(agent.busy_until, "done", ticket.id)

    def _done(self, now: datetime, ticket_id: str) -> None:
        ticket = self.tickets[ticket_id]
        agent = self.agents[ticket.assignee or ""]
        if ticket_id in agent.open:  # an instant close: never worked
            agent.open.remove(ticket_id)
        held = (now - ticket.assigned_at).total_seconds() / 60 if ticket.assigned_at else None
        agent.rows.append(WorkRow(RESOLVED, now, ticket_id, ticket.priority, held))
        ticket.last_resolver, ticket.rework = agent.id, False
        chance = {HONEST: 0.03, INSTANT: 0.6, CHERRY: 0.03, REOPENER: 0.4}[agent.kind]
        if ticket.reopens < 2 and self.random.random() < chance:
            self.at(now + timedelta(hours=self.random.uniform(1, 8)), "reopen", ticket_id)
        if agent.kind != INSTANT:
            agent.busy_until = None
            self.at(now, "next", agent.id)

    def _reopen(self, now: datetime, ticket_id: str) -> None:
        """The customer reopens: the ticket goes back to its agent (as the tickets service does)."""
        ticket = self.tickets[ticket_id]
        agent = self.agents[ticket.last_resolver or ""]
        ticket.reopens, ticket.rework, ticket.assigned_at = ticket.reopens + 1, True, now
        agent.rows.append(WorkRow(REOPENED, now, ticket_id, ticket.priority))
        agent.open.append(ticket_id)
        if agent.kind == INSTANT:
            self.at(now + timedelta(minutes=self.random.uniform(1, 5)), "done", ticket_id)
        else:
            self.at(now, "next", agent.id)

    def _give_back(self, now: datetime, ticket_id: str) -> None:
        ticket = self.tickets[ticket_id]
        agent = self.agents[ticket.assignee or ""]
        agent.open.remove(ticket_id)
        agent.rows.append(WorkRow(HANDED_BACK, now, ticket_id, ticket.priority))
        self.kept[agent.id] -= weight(ticket.priority)
        ticket.held_by.append(agent.id)
        ticket.assignee = None
        self._route(now, ticket_id)  # the IA routes a ticket given back again

    # --- figures --------------------------------------------------------------------------------------------
    def figures(self) -> dict[str, Any]:
        honest = [self.intake[a.id] for a in self.agents.values() if a.kind == HONEST]
        mean = statistics.fmean(honest)
        by_kind = {kind: [self.intake[a.id] / mean for a in self.agents.values() if a.kind == kind]
                   for kind in (INSTANT, CHERRY, REOPENER)}
        kept = {kind: [self.kept[a.id] / mean for a in self.agents.values() if a.kind == kind]
                for kind in (INSTANT, CHERRY, REOPENER)}
        total = sum(self.intake.values())
        return {"tickets": len(self.tickets), "decisions": self.decisions,
                "honest_cv": statistics.pstdev(honest) / mean, "honest_max_min": max(honest) / min(honest),
                "honest_mean_load": mean, "intake_vs_honest": by_kind, "kept_vs_honest": kept,
                "gamer_share": sum(self.intake[a.id] for a in self.agents.values() if a.kind != HONEST) / total}


def least_loaded(pool: list[Candidate], baseline: Baseline) -> Decision:
    """The naive router, for comparison: fewest priority-weighted open tickets, least recently assigned first."""
    ranked = sorted(pool, key=lambda c: (c.stats.open_load, c.stats.last_assigned_at or START, c.user_id))
    return choose(ranked[:1], baseline)


def report(figures: dict[str, Any]) -> str:
    lines = [f"tickets {figures['tickets']}, routing decisions {figures['decisions']}",
             f"honest agents: coefficient of variation of weighted intake {figures['honest_cv']:.3f}, "
             f"max/min {figures['honest_max_min']:.2f}, mean {figures['honest_mean_load']:.0f}",
             f"gamers' share of all weighted intake {figures['gamer_share']:.1%} (6 of 20 agents: 30 %)"]
    for kind, ratios in figures["intake_vs_honest"].items():
        kept = figures["kept_vs_honest"][kind]
        lines.append(f"  {kind}: intake {', '.join(f'{r:.2f}' for r in ratios)} x the honest mean; kept "
                     f"{', '.join(f'{r:.2f}' for r in kept)}")
    return "\n".join(lines)


if __name__ == "__main__":
    for name, router in (("IA scoring", choose), ("least open load (naive)", least_loaded)):
        print(f"== {name}\n{report(Desk(router).run().figures())}\n")
