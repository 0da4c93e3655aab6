"""Routing as administrators see it: the User entity's workload, and each decision with its factors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from subgraphs.ia.assignment.workload import Workload as Numbers
from subgraphs.ia.assignment.workload import describe, workload_of
from subgraphs.ia.deps import deps_of
from subgraphs.ia.graphql.common import Ctx
from subgraphs.ia.graphql.types.ticket import Ticket


@strawberry.type(description="One number behind a routing score (see the IA's scoring rules).")
class AssignmentFactor:
    name: str
    value: float


def factor_list(found: dict[str, float]) -> list[AssignmentFactor]:
    return [AssignmentFactor(name=str(k), value=float(v)) for k, v in found.items()]


@strawberry.type(description="What routing knows of an agent's work now; the lower the score, the sooner the next "
                             "ticket goes to them.")
class Workload:
    open_tickets: int
    open_load: float = strawberry.field(description="Open tickets weighted by priority (low 1 ... critical 5).")
    stagnant_tickets: int = strawberry.field(description="Open tickets nobody acted on for a while.")
    average_age_days: float
    assigned_recently: int = strawberry.field(description="Tickets given to them in the window.")
    resolved_recently: int
    instant_closes: int = strawberry.field(description="Resolutions within minutes of the assignment.")
    reopened: int
    handed_back: int
    median_resolution_hours: float | None
    last_assigned_at: datetime | None
    window_days: int
    available: bool = strawberry.field(description="Not offline: routing may give them tickets.")
    score: float
    trust: float = strawberry.field(description="1 minus the gaming penalty (instant closes, reopens, "
                                                "cherry-picking).")
    factors: list[AssignmentFactor]

    @classmethod
    def of(cls, found: Numbers) -> Workload:
        figures = describe(found)
        return cls(
            open_tickets=figures["openTickets"], open_load=figures["openLoad"],
            stagnant_tickets=figures["stagnantTickets"], average_age_days=figures["averageAgeDays"],
            assigned_recently=figures["assignedRecently"], resolved_recently=figures["resolvedRecently"],
            instant_closes=figures["instantCloses"], reopened=figures["reopened"], handed_back=figures["handedBack"],
            median_resolution_hours=figures["medianResolutionHours"], last_assigned_at=figures["lastAssignedAt"],
            window_days=found.windows.history.days, available=found.person.get("activityStatus") != "offline",
            score=found.factors["score"], trust=found.factors["trust"], factors=factor_list(found.factors),
        )


@strawberry.federation.type(keys=["id"], description="A person (the users subgraph); the IA adds their workload.")
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> User:
        return cls(id=id)

    @strawberry.field(description="Their workload as routing sees it; null unless you supervise their company's "
                                  "desk (tickets.manage).")
    async def workload(self, info: Ctx) -> Workload | None:
        deps = deps_of(info.context)
        found = await workload_of(deps.db, info.context.tenancy, info.context.require(), str(self.id),
                                  windows=deps.windows)
        return Workload.of(found) if found else None


@strawberry.type(description="An agent routing considered, with the numbers behind their score.")
class AssignmentCandidate:
    user: User
    score: float
    chosen: bool
    factors: list[AssignmentFactor]


@strawberry.type(description="Someone routing left out, and why.")
class ExcludedAgent:
    user: User
    reason: str


@strawberry.type(description="One routing decision: who was chosen for a ticket, and why.")
class AssignmentDecision:
    id: strawberry.ID
    ticket: Ticket
    decided_at: datetime
    assignee: User | None = strawberry.field(description="Null: nobody fit; the administrators were told.")
    score: float | None
    reason: str
    candidates: list[AssignmentCandidate] = strawberry.field(description="Best first.")
    excluded: list[ExcludedAgent]

    @classmethod
    def of(cls, doc: dict[str, Any]) -> AssignmentDecision:
        chosen = doc.get("assigneeId")
        return cls(
            id=strawberry.ID(doc["_id"]), ticket=Ticket.reference(doc["ticketId"]), decided_at=doc["at"],
            assignee=User(id=strawberry.ID(chosen)) if chosen else None, score=doc.get("score"),
            reason=doc["reason"],
            candidates=[AssignmentCandidate(user=User(id=strawberry.ID(c["userId"])), score=c["score"],
                                            chosen=c["userId"] == chosen, factors=factor_list(c["factors"]))
                        for c in doc["candidates"]],
            excluded=[ExcludedAgent(user=User(id=strawberry.ID(e["userId"])), reason=e["reason"])
                      for e in doc["excluded"]],
        )
