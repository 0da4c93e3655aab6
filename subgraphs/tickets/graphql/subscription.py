"""Live tickets: one ticket as it changes, and the queue of a company's tickets as they come and change.

Each event only wakes the subscription; the ticket is read again through the caller's tenancy, so a
subscriber sees exactly what a query would show them now, and nothing once they may no longer see it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from subgraphs.kernel.errors import NotFound
from subgraphs.kernel.events.broadcast import LiveFeed
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.tickets.graphql.types.common import Ctx
from subgraphs.tickets.graphql.types.ticket import Ticket
from subgraphs.tickets.ticket.finding import visible_tickets
from subgraphs.tickets.ticket.live import company_key, hidden_from, might_see, ticket_key


def live_of(ctx: RequestContext) -> LiveFeed:
    return ctx.runtime.state["tickets_live"]


async def _visible(ctx: RequestContext, ticket_id: str) -> dict[str, object] | None:
    return (await visible_tickets(ctx.tenancy, ctx.require(), [ticket_id])).get(ticket_id)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The ticket after each change, for as long as you may see it.")
    async def ticket_updated(self, info: Ctx, ticket_id: strawberry.ID) -> AsyncGenerator[Ticket, None]:
        ctx = info.context
        if await _visible(ctx, str(ticket_id)) is None:
            raise NotFound("no such ticket", ticketId=str(ticket_id))
        async with live_of(ctx).listen(ticket_key(str(ticket_id))) as events:
            async for event in events:
                if hidden_from(ctx.require(), event.data):
                    continue
                doc = await _visible(ctx, str(ticket_id))
                if doc is None:
                    return  # no longer yours to see
                yield Ticket.from_doc(doc)

    @strawberry.subscription(description="The live queue: each ticket of your company you may see, as it is created "
                                          "or changes.")
    async def tickets_changed(self, info: Ctx) -> AsyncGenerator[Ticket, None]:
        ctx = info.context
        principal = ctx.require()
        async with live_of(ctx).listen(company_key(principal.company_id)) as events:
            async for event in events:
                if not might_see(principal, event.data) or hidden_from(principal, event.data):
                    continue
                doc = await _visible(ctx, event.data["ticketId"])
                if doc is not None:
                    yield Ticket.from_doc(doc)
