"""An agent's workload as routing sees it, for the administrators of their company."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from subgraphs.ia import store
from subgraphs.ia.assignment.scoring import company_baseline, factors
from subgraphs.ia.assignment.service import Windows, agents_stats, company_people, routable
from subgraphs.ia.assignment.stats import AgentStats
from subgraphs.ia.readmodel.people import Person
from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import Tenancy

SUPERVISE = "tickets.manage"


@dataclass(frozen=True)
class Workload:
    person: Person
    stats: AgentStats
    factors: dict[str, float]
    windows: Windows


async def _person(tenancy: Tenancy, principal: Principal, user_id: str) -> Person | None:
    """The person, if the caller supervises their company's desk."""
    person = await tenancy.collection(store.PEOPLE).find_one({"_id": user_id, "deleted": False})
    if person is None and principal.holds(SUPERVISE + ".global"):
        person = await tenancy.everywhere(store.PEOPLE, permission=SUPERVISE).find_one({"_id": user_id,
                                                                                       "deleted": False})
    return person if person is not None and principal.can(SUPERVISE, person["companyId"]) else None


async def workload_of(db: Database, tenancy: Tenancy, principal: Principal, user_id: str, *, windows: Windows
                      ) -> Workload | None:
    """The person's numbers and factors now; None unless the caller supervises (tickets.manage) their company."""
    person = await _person(tenancy, principal, user_id)
    if person is None:
        return None
    company = person["companyId"]
    agents = [p["_id"] for p in await company_people(db, company) if routable(p)]
    stats = await agents_stats(db, company, list(dict.fromkeys([*agents, user_id])), now=clock.now(),
                               windows=windows)
    baseline = company_baseline([stats[a] for a in agents])
    return Workload(person, stats[user_id], factors(stats[user_id], baseline), windows)


def describe(workload: Workload) -> dict[str, Any]:
    """Plain figures for the API."""
    stats = workload.stats
    return {"openTickets": stats.open_count, "openLoad": stats.open_load, "stagnantTickets": stats.stagnant,
            "averageAgeDays": round(stats.age_days, 2), "assignedRecently": stats.assigned,
            "resolvedRecently": stats.resolved, "instantCloses": stats.instant, "reopened": stats.reopened,
            "handedBack": stats.handed_back, "medianResolutionHours": stats.median_hours,
            "lastAssignedAt": stats.last_assigned_at}
