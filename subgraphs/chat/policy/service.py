"""Reading and changing a company's chat policy."""

from __future__ import annotations

from subgraphs.chat import store
from subgraphs.chat.policy.rules import ChatPolicy, TicketStatus, checked
from subgraphs.chat.recent import Recent
from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.tenancy import Tenancy, TenantCollection

MANAGE = "tickets.manage"
# Every message checks its company's policy: a change holds on every instance within a second, here at once.
_recent: Recent[ChatPolicy] = Recent()


async def policy_in(policies: TenantCollection, company_id: str) -> ChatPolicy:
    """The policy of the collection's company (the default until an administrator changes it)."""
    kept = _recent.get(company_id)
    if kept is not None:
        return kept
    return _recent.put(company_id, ChatPolicy.from_doc(company_id, await policies.find_one({"_id": company_id})))


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
    _recent.drop(company_id)
    return ChatPolicy(company_id, readable, writable, customised=True)


async def reset_policy(tenancy: Tenancy, *, company_id: str) -> ChatPolicy:
    """Back to the default: the company's own policy is removed (whether it had one or not, the answer is the same)."""
    policies = tenancy.of(store.POLICIES, company_id, permission=MANAGE)
    await policies.delete_one({"_id": company_id})
    _recent.drop(company_id)
    return ChatPolicy(company_id)
