"""Which tickets a caller may see, by the tickets service's rules, applied to the IA's read model.

A company's tickets are seen whole by holders of tickets.read there (platform staff: its global
form); anyone else sees the tickets they take part in: as creator, assignee, tutor or watcher.
"""

from __future__ import annotations

from typing import Any

from subgraphs.ia import store
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.tenancy import Tenancy, TenantCollection

READ = "tickets.read"
Ticket = dict[str, Any]


def participant_filter(user_id: str) -> dict[str, Any]:
    return {"$or": [{"creatorId": user_id}, {"assigneeId": user_id}, {"tutorId": user_id}, {"watcherIds": user_id}]}


def visibility_filter(principal: Principal, company_id: str) -> dict[str, Any]:
    """The tickets of `company_id` the caller may see: all with tickets.read, else the ones they take part in."""
    return {} if principal.can(READ, company_id) else participant_filter(principal.user_id)


def is_staff(principal: Principal, company_id: str) -> bool:
    """Works the company's tickets (tickets.work or tickets.update there)."""
    return principal.can("tickets.work", company_id) or principal.can("tickets.update", company_id)


def company_view(tenancy: Tenancy, principal: Principal, name: str, company_id: str) -> TenantCollection:
    """A company's rows of `name` for a caller shown one of its tickets: their own company, or another with
    the global read."""
    if company_id == principal.company_id:
        return tenancy.collection(name)
    return tenancy.of(name, company_id, permission=READ)


def company_tickets(tenancy: Tenancy, principal: Principal, company_id: str) -> TenantCollection:
    return company_view(tenancy, principal, store.TICKETS, company_id)


async def visible_tickets(tenancy: Tenancy, principal: Principal, ids: list[str]) -> dict[str, Ticket]:
    """The tickets among `ids` the caller may see: in their company by permission or part, elsewhere by
    the global read permission."""
    own = tenancy.collection(store.TICKETS)
    query = {"_id": {"$in": ids}, **visibility_filter(principal, principal.company_id)}
    found = {t["_id"]: t for t in await own.find(query).to_list(None)}
    missing = [i for i in ids if i not in found]
    if missing and principal.holds(READ + ".global"):
        anywhere = tenancy.everywhere(store.TICKETS, permission=READ)
        found.update({t["_id"]: t for t in await anywhere.find({"_id": {"$in": missing}}).to_list(None)})
    return found
