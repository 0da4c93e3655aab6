"""Reading back routing decisions: for the administrators of the ticket's company."""

from __future__ import annotations

from typing import Any

from subgraphs.ia import store
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.tenancy import Tenancy, TenantCollection

SUPERVISE = "tickets.manage"


def decisions_of(tenancy: Tenancy, principal: Principal, company_id: str | None) -> TenantCollection:
    """A company's decisions (the caller's own by default); FORBIDDEN without tickets.manage there."""
    return tenancy.of(store.DECISIONS, company_id or principal.company_id, permission=SUPERVISE)


def decisions_filter(ticket_id: str | None) -> dict[str, Any]:
    return {"ticketId": ticket_id} if ticket_id else {}
