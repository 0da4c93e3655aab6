"""GraphQL types of the ticket statistics; each figure runs its own aggregation, only when asked."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.tickets.graphql.enums import BacklogInterval, Priority, TicketStatus
from subgraphs.tickets.graphql.types.common import User
from subgraphs.tickets.stats.service import TicketStatistics


@strawberry.type
class StatusCount:
    status: TicketStatus
    count: int


@strawberry.type
class PriorityCount:
    priority: Priority
    count: int


@strawberry.type
class CategoryCount:
    category: str
    count: int


@strawberry.type(description="Business minutes (opening hours, pauses excluded).")
class DurationStats:
    count: int
    average_minutes: float | None
    p50_minutes: float | None
    p90_minutes: float | None
    p95_minutes: float | None


@strawberry.type
class SlaCompliance:
    response_met: int
    response_missed: int
    resolution_met: int
    resolution_missed: int
    breached_tickets: int = strawberry.field(description="Tickets that missed either deadline.")

    @strawberry.field(description="Share of decided first responses within target; null with none decided.")
    def response_rate(self) -> float | None:
        decided = self.response_met + self.response_missed
        return self.response_met / decided if decided else None

    @strawberry.field
    def resolution_rate(self) -> float | None:
        decided = self.resolution_met + self.resolution_missed
        return self.resolution_met / decided if decided else None


@strawberry.type
class AgentStats:
    agent: User
    resolved: int
    rated: int
    average_rating: float | None


@strawberry.type
class BacklogPoint:
    at: datetime = strawberry.field(description="Start of the interval.")
    open: int = strawberry.field(description="Tickets not yet resolved, closed or cancelled at its end.")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@strawberry.type(description="Figures over the tickets created in the period (the backlog is a time series).")
class TicketStats:
    period_start: datetime = strawberry.field(name="from")
    period_end: datetime = strawberry.field(name="to")
    figures: strawberry.Private[TicketStatistics]

    @classmethod
    def of(cls, figures: TicketStatistics) -> TicketStats:
        return cls(period_start=figures.start, period_end=figures.end, figures=figures)

    @strawberry.field
    async def by_status(self) -> list[StatusCount]:
        return [StatusCount(status=TicketStatus(k), count=n) for k, n in await self.figures.counts("status")]

    @strawberry.field
    async def by_priority(self) -> list[PriorityCount]:
        return [PriorityCount(priority=Priority(k), count=n) for k, n in await self.figures.counts("priority")]

    @strawberry.field
    async def by_category(self) -> list[CategoryCount]:
        return [CategoryCount(category=str(k), count=n) for k, n in await self.figures.counts("category")]

    async def _durations(self, kind: str) -> DurationStats:
        found = await self.figures.durations(kind)
        p50, p90, p95 = (_rounded(v) for v in found.percentiles.values())
        return DurationStats(count=found.count, average_minutes=_rounded(found.average), p50_minutes=p50,
                             p90_minutes=p90, p95_minutes=p95)

    @strawberry.field
    async def first_response(self) -> DurationStats:
        return await self._durations("firstResponse")

    @strawberry.field
    async def resolution(self) -> DurationStats:
        return await self._durations("resolution")

    @strawberry.field
    async def sla(self) -> SlaCompliance:
        row = await self.figures.compliance()
        return SlaCompliance(response_met=row["responseMet"], response_missed=row["responseMissed"],
                             resolution_met=row["resolutionMet"], resolution_missed=row["resolutionMissed"],
                             breached_tickets=row["breached"])

    @strawberry.field(description="Agents who resolved tickets of the period, most resolved first.")
    async def agents(self) -> list[AgentStats]:
        return [AgentStats(agent=User(id=strawberry.ID(row["_id"])), resolved=row["resolved"], rated=row["rated"],
                           average_rating=_rounded(row["averageRating"])) for row in await self.figures.agents()]

    @strawberry.field
    async def backlog(self, interval: BacklogInterval = BacklogInterval.DAY) -> list[BacklogPoint]:
        return [BacklogPoint(at=at, open=n) for at, n in await self.figures.backlog(interval)]
