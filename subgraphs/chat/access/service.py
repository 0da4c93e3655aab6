"""Finding a ticket's chat for the caller: unknown tickets, other companies and errors all mean no access."""

from __future__ import annotations

from subgraphs.chat import store
from subgraphs.chat.access.rules import ADMIN, ChatAccess, decide
from subgraphs.chat.policy.service import policy_in
from subgraphs.chat.tickets.model import find_arriving, find_ticket
from subgraphs.kernel import arrival
from subgraphs.kernel.auth.principal import GLOBAL_SUFFIX, Principal
from subgraphs.kernel.errors import Forbidden, NotFound
from subgraphs.kernel.events.contracts.tickets import TicketView
from subgraphs.kernel.tenancy import Tenancy, TenantCollection

# A caller of the ticket's company who writes to a chat they are not on waits up to JOIN_WAIT for chat's read model to
# count them in before being refused (`joined`): the person who just took a ticket writes at once. Reads are answered
# at once: a page shows the chat when chat hears of them, and a subscription is not held open. One who may not see the
# ticket at all (a customer not on it) is told at once that it is not found: a wait would tell them it exists.
JOIN_WAIT = 3.0


def company_view(tenancy: Tenancy, principal: Principal, name: str, company_id: str) -> TenantCollection:
    """A collection of a ticket's company: the caller's own, or another one for platform administrators."""
    if company_id == principal.company_id:
        return tenancy.collection(name)
    return tenancy.of(name, company_id, permission=ADMIN)


async def locate(tenancy: Tenancy, principal: Principal, ticket_id: str) -> TicketView | None:
    """The ticket in the caller's company, or in any company for holders of the global administrator permission.

    Read from the database every time (never remembered): an unreachable database refuses access at once.
    A ticket created a moment ago may still be on its way to the read model: the caller who just created it can
    chat at once, so a fresh id is waited for briefly (`find_arriving`) instead of being called unknown.
    """

    async def find() -> TicketView | None:
        found = await find_ticket(tenancy.collection(store.TICKETS), ticket_id)
        if found is None and principal.holds(ADMIN + GLOBAL_SUFFIX):
            found = await find_ticket(tenancy.everywhere(store.TICKETS, permission=ADMIN), ticket_id)
        return found

    return await find_arriving(tenancy.db, find, ticket_id)


async def access_to(tenancy: Tenancy, principal: Principal, ticket: TicketView) -> ChatAccess:
    policies = company_view(tenancy, principal, store.POLICIES, ticket.company_id)
    return decide(principal, ticket, await policy_in(policies, ticket.company_id))


async def chat_of(tenancy: Tenancy, principal: Principal, ticket_id: str) -> ChatAccess:
    """The caller's access to a ticket's chat; NOT_FOUND when they may not even know the ticket."""
    ticket = await locate(tenancy, principal, ticket_id)
    access = await access_to(tenancy, principal, ticket) if ticket else None
    if access is None or not access.sees_ticket:
        raise NotFound("no such ticket", ticketId=ticket_id)
    return access


def ensure_readable(access: ChatAccess) -> ChatAccess:
    if not access.member:
        raise Forbidden("only the ticket's participants and its company's administrators take part in its chat")
    if not access.read:
        raise Forbidden(f"the chat of a ticket in the state {access.ticket.status.upper()} is closed to reading")
    return access


def ensure_writable(access: ChatAccess) -> ChatAccess:
    ensure_readable(access)
    if not access.write:
        raise Forbidden(f"the chat of a ticket in the state {access.ticket.status.upper()} is read-only")
    return access


async def readable_chat(tenancy: Tenancy, principal: Principal, ticket_id: str) -> ChatAccess:
    return ensure_readable(await chat_of(tenancy, principal, ticket_id))


async def writable_chat(tenancy: Tenancy, principal: Principal, ticket_id: str) -> ChatAccess:
    access = await chat_of(tenancy, principal, ticket_id)
    if not access.member and access.ticket.company_id == principal.company_id:
        access = await joined(tenancy, principal, access)
    return ensure_writable(access)


async def joined(tenancy: Tenancy, principal: Principal, access: ChatAccess, *,
                 wait: float = JOIN_WAIT) -> ChatAccess:
    """The caller's access once the ticket's row counts them in, or as it was when it does not within `wait`: they
    may have been put on the ticket a moment ago (it was taken, assigned to them, they were added as a watcher), the
    event on its way to chat's read model."""
    async for _ in arrival.looks(tenancy.db[store.TICKETS], access.ticket.id, wait):
        ticket = await find_ticket(tenancy.collection(store.TICKETS), access.ticket.id)
        if ticket is not None and ticket != access.ticket:
            access = await access_to(tenancy, principal, ticket)
            if access.member:
                break
    return access


async def readable_or_none(tenancy: Tenancy, principal: Principal, ticket_id: str) -> ChatAccess | None:
    """The chat when the caller may read it now, else None (an error still refuses: it propagates)."""
    ticket = await locate(tenancy, principal, ticket_id)
    access = await access_to(tenancy, principal, ticket) if ticket else None
    return access if access is not None and access.read else None
