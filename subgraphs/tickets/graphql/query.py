"""Queries of the tickets subgraph."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from subgraphs.kernel.graphql.pagination import Connection, paginate
from subgraphs.kernel.mongo import all_of
from subgraphs.tickets import store
from subgraphs.tickets.catalogue.service import list_items, page_items
from subgraphs.tickets.deps import deps_of
from subgraphs.tickets.desk.service import read_desk
from subgraphs.tickets.graphql.enums import TicketView
from subgraphs.tickets.graphql.inputs import ServiceItemFilter, TicketFilter, TicketSort
from subgraphs.tickets.graphql.loaders import load_ticket
from subgraphs.tickets.graphql.types.catalogue import ServiceItem, item_or_none
from subgraphs.tickets.graphql.types.common import Ctx
from subgraphs.tickets.graphql.types.desk import DeskSettings
from subgraphs.tickets.graphql.types.stats import TicketStats
from subgraphs.tickets.graphql.types.ticket import Ticket
from subgraphs.tickets.stats.service import statistics
from subgraphs.tickets.ticket.finding import listing, query_filter, sort_of, view_filter


def _id(value: strawberry.ID | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.type
class Query:
    @strawberry.field(description="A ticket you may see; null for any other.")
    async def ticket(self, info: Ctx, id: strawberry.ID) -> Ticket | None:
        doc = await load_ticket(info.context, str(id))
        return Ticket.from_doc(doc) if doc else None

    @strawberry.field(description="A ticket of your company by its reference, e.g. TKT-2026-000123.")
    async def ticket_by_reference(self, info: Ctx, reference: str) -> Ticket | None:
        principal = info.context.require()
        ticket = await info.context.tenancy.collection(store.TICKETS).find_one(
            {"reference": reference.strip().upper()}, projection={"_id": 1})
        doc = await load_ticket(info.context, ticket["_id"]) if ticket else None
        return Ticket.from_doc(doc) if doc and doc["companyId"] == principal.company_id else None

    @strawberry.field(description="Tickets you may see, filtered and sorted; platform staff may pass a company "
                                   "or ask for all of them.")
    async def tickets(self, info: Ctx, company_id: strawberry.ID | None = None, all_companies: bool = False,
                      view: TicketView = TicketView.VISIBLE, filter: TicketFilter | None = None,
                      sort: TicketSort | None = None, first: int | None = None, after: str | None = None
                      ) -> Connection[Ticket]:
        principal = info.context.require()
        tickets, visible = listing(info.context.tenancy, principal, company_id=_id(company_id),
                                   all_companies=all_companies)
        query = all_of(visible, view_filter(view, principal.user_id), query_filter(filter.query()) if filter else {})
        order = sort or TicketSort()
        return await paginate(tickets, query, first=first, after=after, to_node=Ticket.from_doc,
                              sort=sort_of(order.field, order.descending))

    @strawberry.field
    async def service_item(self, info: Ctx, id: strawberry.ID) -> ServiceItem | None:
        return await item_or_none(info, str(id))

    @strawberry.field(description="The catalogue of your company (or `companyId`): platform-wide items and its own.")
    async def service_items(self, info: Ctx, company_id: strawberry.ID | None = None,
                            filter: ServiceItemFilter | None = None) -> list[ServiceItem]:
        ctx = info.context
        principal = ctx.require()
        chosen = filter or ServiceItemFilter()
        docs = await list_items(deps_of(ctx).db, ctx.tenancy, principal,
                                company_id=_id(company_id) or principal.company_id,
                                include_inactive=chosen.include_inactive,
                                type=chosen.type.value if chosen.type else None, category=chosen.category,
                                search=chosen.search)
        return [ServiceItem.from_doc(d) for d in docs]

    @strawberry.field(description="`serviceItems` a cursor page at a time, by name (the catalogue managers' list).")
    async def service_item_page(self, info: Ctx, company_id: strawberry.ID | None = None,
                                filter: ServiceItemFilter | None = None, first: int | None = None,
                                after: str | None = None) -> Connection[ServiceItem]:
        ctx = info.context
        principal = ctx.require()
        chosen = filter or ServiceItemFilter()
        return await page_items(deps_of(ctx).db, ctx.tenancy, principal,
                                company_id=_id(company_id) or principal.company_id, to_node=ServiceItem.from_doc,
                                first=first, after=after, include_inactive=chosen.include_inactive,
                                type=chosen.type.value if chosen.type else None, category=chosen.category,
                                search=chosen.search)

    @strawberry.field(description="Your company's (or `companyId`'s) desk settings and business calendar.")
    async def desk_settings(self, info: Ctx, company_id: strawberry.ID | None = None) -> DeskSettings:
        ctx = info.context
        principal = ctx.require()
        return DeskSettings.of(await read_desk(deps_of(ctx), ctx.tenancy, company_id=_id(company_id) or
                                               principal.company_id))

    @strawberry.field(description="Statistics of your company, of `companyId`, or of all companies (platform "
                                   "staff), over the tickets created in [from, to) (default: the last 30 days).")
    async def ticket_stats(self, info: Ctx, company_id: strawberry.ID | None = None, all_companies: bool = False,
                           from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
                           to: datetime | None = None) -> TicketStats:
        ctx = info.context
        figures = await statistics(deps_of(ctx), ctx.tenancy, ctx.require(), company_id=_id(company_id),
                                   all_companies=all_companies, start=from_, end=to)
        return TicketStats.of(figures)
