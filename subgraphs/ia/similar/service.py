"""Similar tickets, suggested replies and semantic search as a caller asks for them: checked, then scoped."""

from __future__ import annotations

from typing import Any

from subgraphs.ia import store
from subgraphs.ia.deps import IaDeps
from subgraphs.ia.readmodel.visibility import READ, company_tickets, company_view, is_staff, visibility_filter
from subgraphs.ia.similar.replies import Sources, Suggestion, suggested_replies
from subgraphs.ia.similar.search import nearest, similar_to
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.tenancy import Tenancy

Ticket = dict[str, Any]
MAX_TEXT = 500


def check_limit(limit: int, *, most: int) -> int:
    if not 1 <= limit <= most:
        raise BadUserInput(f"limit must be between 1 and {most}", field="limit")
    return limit


async def similar_for(deps: IaDeps, tenancy: Tenancy, principal: Principal, ticket: Ticket, *, limit: int
                      ) -> list[tuple[Ticket, float]]:
    """Tickets like `ticket` (one the caller sees) among those of its company the caller sees too."""
    company = ticket["companyId"]
    return await similar_to(deps.index, company_tickets(tenancy, principal, company), ticket, limit=limit,
                            minimum=deps.settings.similar_min, condition=visibility_filter(principal, company))


async def replies_for(deps: IaDeps, tenancy: Tenancy, principal: Principal, ticket: Ticket, *, limit: int
                      ) -> list[Suggestion] | None:
    """Suggested replies for the desk: None unless the caller works the company's tickets and sees them all
    (the replies come from other customers' tickets)."""
    company = ticket["companyId"]
    if not (is_staff(principal, company) and principal.can(READ, company)):
        return None
    sources = Sources(tickets=company_tickets(tenancy, principal, company),
                      replies=company_view(tenancy, principal, store.REPLIES, company),
                      people=company_view(tenancy, principal, store.PEOPLE, company))
    return await suggested_replies(deps.index, sources, ticket, limit=limit, minimum=deps.settings.similar_min)


async def search(deps: IaDeps, tenancy: Tenancy, principal: Principal, *, text: str, limit: int
                 ) -> list[tuple[Ticket, float]]:
    """The caller's company's tickets nearest `text` in meaning, among those the caller sees."""
    query = " ".join((text or "").split())
    if not query or len(query) > MAX_TEXT:
        raise BadUserInput(f"say what to look for in 1 to {MAX_TEXT} characters", field="text")
    [vector] = await deps.embedder.encode([query])
    # A few words resemble a whole ticket less than two tickets resemble each other: a lower floor.
    return await nearest(deps.index, tenancy.collection(store.TICKETS), vector, limit=limit,
                         minimum=deps.settings.similar_min / 2,
                         condition=visibility_filter(principal, principal.company_id))
