"""Ticket statistics of one company, or of every company for platform staff, over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.tenancy import Tenancy, TenantCollection
from subgraphs.tickets import store
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.desk.service import desk_of
from subgraphs.tickets.stats import pipelines
from subgraphs.tickets.stats.periods import interval_starts
from subgraphs.tickets.stats.pipelines import PERCENTILES, Interval

DEFAULT_PERIOD = timedelta(days=30)
DURATION_FIELDS = {"firstResponse": "sla.firstResponseSeconds", "resolution": "sla.resolutionSeconds"}


@dataclass(frozen=True)
class Durations:
    """Business minutes: how many tickets, their mean, and the 50th/90th/95th percentiles."""

    count: int
    average: float | None
    percentiles: dict[float, float | None]


class TicketStatistics:
    """Figures over the tickets created in [start, end), each computed by one aggregation when asked."""

    def __init__(self, tickets: TenantCollection, *, start: datetime, end: datetime, timezone: str) -> None:
        self.tickets = tickets
        self.start = start
        self.end = end
        self.timezone = timezone
        self.created = {"createdAt": {"$gte": start, "$lt": end}}

    async def _run(self, pipeline: pipelines.Pipeline, match: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return await self.tickets.aggregate(pipeline, match=self.created if match is None else match)

    async def counts(self, field: str) -> list[tuple[Any, int]]:
        return [(row["_id"], row["count"]) for row in await self._run(pipelines.counts_by(field))]

    async def durations(self, kind: str) -> Durations:
        rows = await self._run(pipelines.durations(DURATION_FIELDS[kind]))
        if not rows:
            return Durations(0, None, dict.fromkeys(PERCENTILES))
        row = rows[0]
        minutes = [value / 60 for value in row["percentiles"]]
        return Durations(row["count"], row["average"] / 60, dict(zip(PERCENTILES, minutes, strict=True)))

    async def compliance(self) -> dict[str, int]:
        rows = await self._run(pipelines.compliance())
        empty = {"responseMet": 0, "responseMissed": 0, "resolutionMet": 0, "resolutionMissed": 0, "breached": 0}
        return {k: rows[0][k] for k in empty} if rows else empty

    async def agents(self) -> list[dict[str, Any]]:
        return await self._run(pipelines.agents())

    async def backlog(self, interval: Interval) -> list[tuple[datetime, int]]:
        """Open tickets at the end of each interval overlapping the period."""
        try:
            starts = interval_starts(self.start, self.end, interval, self.timezone)
        except ValueError as exc:
            raise BadUserInput(f"the period holds {exc}; choose a longer interval", field="interval") from None
        rows = await self._run(pipelines.backlog(self.start, self.end, interval, self.timezone),
                               match={"createdAt": {"$lt": self.end}})
        totals = {row["_id"]: row["open"] for row in rows}
        series, current = [], 0
        for at in starts:
            current = totals.get(at, current)
            series.append((at, current))
        return series


def _period(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    end = end or clock.now()
    start = start or end - DEFAULT_PERIOD
    if start >= end:
        raise BadUserInput("the period must start before it ends", field="from")
    return start, end


async def statistics(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, *, company_id: str | None,
                     all_companies: bool, start: datetime | None, end: datetime | None) -> TicketStatistics:
    """Statistics of the caller's company, another one (tickets.stats.global) or all of them."""
    start, end = _period(start, end)
    if all_companies:
        tickets = tenancy.everywhere(store.TICKETS, permission="tickets.stats")
        return TicketStatistics(tickets, start=start, end=end, timezone="UTC")
    target = company_id or actor.company_id
    tickets = tenancy.of(store.TICKETS, target, permission="tickets.stats")
    desk = await desk_of(deps, target)
    return TicketStatistics(tickets, start=start, end=end, timezone=desk.calendar.timezone)
