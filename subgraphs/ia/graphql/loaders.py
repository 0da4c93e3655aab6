"""Per-request batched look-ups: the tickets the caller may see, from the IA's read model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from subgraphs.ia.readmodel.visibility import visible_tickets
from subgraphs.kernel.graphql.context import RequestContext


async def load_ticket(ctx: RequestContext, ticket_id: str) -> dict[str, Any] | None:
    """The ticket if the caller may see it, else None (UNAUTHENTICATED for an anonymous caller)."""

    async def load(ids: Sequence[str]) -> list[dict[str, Any] | None]:
        found = await visible_tickets(ctx.tenancy, ctx.require(), list(ids))
        return [found.get(i) for i in ids]

    return await ctx.loader("tickets", load).load(ticket_id)
