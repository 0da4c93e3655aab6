"""Reading and changing a company's chat policy."""

from __future__ import annotations

import time

from subgraphs.chat import store
from subgraphs.chat.policy.rules import ChatPolicy, TicketStatus, checked
from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.tenancy import Tenancy, TenantCollection

MANAGE = "tickets.manage"
# Every message checks its company's policy: each instance keeps it this long, so a change reaches all
# instances within a second (the same delay token revocations have), and this one at once.
CACHE_SECONDS = 1.0
_recent: dict[str, tuple[ChatPolicy, float]] = {}


async def policy_in(policies: TenantCollection, company_id: str) -> ChatPolicy:
    """The policy of the collection's company (the default until an administrator changes it)."""
    now = time.monotonic()
    kept = _recent.get(company_id)
    if kept is not None and kept[1] > now:
        return kept[0]
    policy = ChatPolicy.from_doc(company_id, await policies.find_one({"_id": company_id}))
    _recent[company_id] = (policy, now + CACHE_SECONDS)
    return policy


async def read_policy(tenancy: Tenancy, principal: Principal, *, company_id: str) -> ChatPolicy:
    """Anyone may read their own company's policy; another company's needs the global permission."""
    if company_id == principal.company_id:
        return await policy_in(tenancy.collection(store.POLICIES), company_id)
    return await policy_in(tenancy.of(store.POLICIES, company_id, permission=MANAGE), company_id)


async def update_policy(tenancy: Tenancy, principal: Principal, *, company_id: str,
                        readable: frozenset[TicketStatus], writable: frozenset[TicketStatus]) -> ChatPolicy:
    policies = tenancy.of(store.POLICIES, company_id, permission=MANAGE)
    checked(readable, writable)
    await policies.update_one(
        {"_id": company_id},
        {"$set": {"readable": sorted(readable), "writable": sorted(writable), "updatedAt": clock.now(),
                  "updatedBy": principal.user_id}},
        upsert=True,
    )
    _recent.pop(company_id, None)
    return ChatPolicy(company_id, readable, writable, customised=True)
