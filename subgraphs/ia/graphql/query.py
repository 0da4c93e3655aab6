"""Queries of the IA subgraph (a ticket's triage and similar tickets are on `Ticket`, workload on `User`)."""

from __future__ import annotations

import strawberry

from subgraphs.ia.assignment.decisions import decisions_filter, decisions_of
from subgraphs.ia.classification.status import triage_status
from subgraphs.ia.deps import deps_of
from subgraphs.ia.graphql.common import Ctx
from subgraphs.ia.graphql.types.assignment import AssignmentDecision
from subgraphs.ia.graphql.types.ticket import Ticket
from subgraphs.ia.graphql.types.triage import TriageModel
from subgraphs.ia.similar import service
from subgraphs.kernel.graphql.pagination import Connection, paginate

MAX_HITS = 50


@strawberry.type(description="A ticket found by meaning.")
class TicketSearchHit:
    ticket: Ticket
    similarity: float


@strawberry.type
class Query:
    @strawberry.field(description="Your company's tickets nearest in meaning to `text` (not word for word), among "
                                  "those you may see, best first.")
    async def search_tickets(self, info: Ctx, text: str, limit: int = 10) -> list[TicketSearchHit]:
        found = await service.search(deps_of(info.context), info.context.tenancy, info.context.require(), text=text,
                                     limit=service.check_limit(limit, most=MAX_HITS))
        return [TicketSearchHit(ticket=Ticket.reference(t["_id"], t), similarity=round(s, 4)) for t, s in found]

    @strawberry.field(description="Routing decisions, newest first, with every candidate's factors: your "
                                  "company's (platform staff: `companyId`'s), of one ticket if `ticketId` is given. "
                                  "For administrators (tickets.manage).")
    async def assignment_decisions(self, info: Ctx, ticket_id: strawberry.ID | None = None,
                                   company_id: strawberry.ID | None = None, first: int | None = None,
                                   after: str | None = None) -> Connection[AssignmentDecision]:
        rows = decisions_of(info.context.tenancy, info.context.require(), str(company_id) if company_id else None)
        return await paginate(rows, decisions_filter(str(ticket_id) if ticket_id else None), first=first,
                              after=after, to_node=AssignmentDecision.of)

    @strawberry.field(description="Where your company's (platform staff: `companyId`'s) triage stands. For "
                                  "administrators (tickets.manage).")
    async def triage_model(self, info: Ctx, company_id: strawberry.ID | None = None) -> TriageModel:
        status = await triage_status(deps_of(info.context), info.context.tenancy, info.context.require(),
                                     str(company_id) if company_id else None)
        return TriageModel.of(status)
