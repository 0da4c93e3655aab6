"""Per-request batched look-ups: the tickets (with the caller's access), the caller's receipts and people's names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from subgraphs.chat import store
from subgraphs.chat.access.rules import ChatAccess
from subgraphs.chat.access.service import access_to, company_view
from subgraphs.chat.people.model import PersonName, names
from subgraphs.chat.receipts.service import receipt_id
from subgraphs.kernel.events.contracts.tickets import TicketView
from subgraphs.kernel.graphql.context import RequestContext


async def load_chat(ctx: RequestContext, ticket_id: str) -> ChatAccess | None:
    """The caller's access to a ticket's chat; None when the ticket is unknown to them."""

    async def load(ids: Sequence[str]) -> list[ChatAccess | None]:
        principal = ctx.require()
        own = ctx.tenancy.collection(store.TICKETS)
        found = {d["_id"]: TicketView.from_doc(d) for d in await own.with_ids(ids)}
        missing = [i for i in ids if i not in found]
        if missing and principal.holds("tickets.manage.global"):
            anywhere = ctx.tenancy.everywhere(store.TICKETS, permission="tickets.manage")
            rows = await anywhere.find({"_id": {"$in": missing}}).to_list(None)
            found.update({d["_id"]: TicketView.from_doc(d) for d in rows})
        chats = {i: await access_to(ctx.tenancy, principal, t) for i, t in found.items()}
        return [chats[i] if i in chats and chats[i].sees_ticket else None for i in ids]

    return await ctx.loader("chats", load).load(ticket_id)


async def own_receipt(ctx: RequestContext, ticket_id: str) -> dict[str, Any] | None:
    """The caller's read receipt of a ticket's chat if it is in their own company (batched per request): read beside
    the ticket's access, not after it; used only once that access allows reading it (`Ticket.unread_count`)."""

    async def load(ids: Sequence[str]) -> list[dict[str, Any] | None]:
        user_id = ctx.require().user_id
        rows = await ctx.tenancy.collection(store.RECEIPTS).with_ids([receipt_id(i, user_id) for i in ids])
        found = {row["ticketId"]: row for row in rows}
        return [found.get(i) for i in ids]

    return await ctx.loader("own receipts", load).load(ticket_id)


async def people_names(ctx: RequestContext, company_id: str, user_ids: list[str]) -> dict[str, PersonName]:
    """Names of people of `company_id` (the caller may see that company: they were shown its chat)."""
    if not user_ids:
        return {}
    return await names(company_view(ctx.tenancy, ctx.require(), store.PEOPLE, company_id), user_ids)
