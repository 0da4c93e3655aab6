"""Per-request batched look-ups of tickets the caller may see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.tickets.ticket.finding import visible_tickets


async def load_ticket(ctx: RequestContext, ticket_id: str) -> dict[str, Any] | None:
    """The ticket if the caller may see it; one query for all the tickets a request asks for."""

    async def load(ids: Sequence[str]) -> list[dict[str, Any] | None]:
        found = await visible_tickets(ctx.tenancy, ctx.require(), list(ids))
        return [found.get(i) for i in ids]

    return await ctx.loader("tickets", load).load(ticket_id)


async def load_tickets(ctx: RequestContext, ticket_ids: list[str]) -> list[dict[str, Any]]:
    rows = [await load_ticket(ctx, i) for i in ticket_ids]
    return [row for row in rows if row is not None]
