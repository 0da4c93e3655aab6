"""A subscriber's stream of one ticket's live events, for as long as they may read its chat.

Access is checked when the subscription starts (NOT_FOUND / FORBIDDEN refuse it) and again on every
ticket event, from that event's own snapshot (the read model may not have caught up yet): a subscriber
who is no longer a participant, or whose chat the policy closed, is told FORBIDDEN and the stream ends.
Events of another company never pass, whatever key they arrive under.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from subgraphs.chat.access.rules import ChatAccess
from subgraphs.chat.access.service import access_to, ensure_readable, readable_chat
from subgraphs.chat.deps import ChatDeps
from subgraphs.chat.live.order import InOrder, number_of
from subgraphs.chat.messages.documents import ADDED
from subgraphs.chat.messages.ordering import last_number
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.events.contracts.tickets import TicketView, is_snapshot
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.tenancy import Tenancy


async def ticket_stream(deps: ChatDeps, tenancy: Tenancy, principal: Principal, ticket_id: str, *,
                        types: frozenset[str]) -> AsyncIterator[tuple[Event, ChatAccess]]:
    """The events of `types` about the ticket, each with the access it was delivered under; new messages in the
    ticket's order (`live.order`)."""
    chat = await readable_chat(tenancy, principal, ticket_id)
    company = chat.ticket.company_id
    async with deps.live.listen(chat.ticket.id) as events:
        order = InOrder(await last_number(deps.db, chat.ticket.id) + 1)  # read once listening: nothing slips by
        async for event in _ordered(events, order):
            if event.company_id != company:
                continue
            if event.type.startswith("ticket."):
                chat = await _recheck(tenancy, principal, chat, event)
            elif event.type in types:
                yield event, chat


async def _ordered(events: AsyncIterator[Event], order: InOrder) -> AsyncIterator[Event]:
    """`events`, with each numbered message passed on in its turn (or once its wait is over)."""
    while True:
        try:
            if order.waiting:
                async with asyncio.timeout(order.time_left()):  # not wait_for: it can swallow a cancellation
                    event = await anext(events)
            else:
                event = await anext(events)
        except TimeoutError:
            ready = order.give_up()
        else:
            number = number_of(event) if event.type == ADDED else None
            ready = [event] if number is None else order.add(event, number)
        for passed in ready:
            yield passed


async def _recheck(tenancy: Tenancy, principal: Principal, chat: ChatAccess, event: Event) -> ChatAccess:
    if not is_snapshot(event.data):
        return chat
    ticket = TicketView.from_snapshot(event.data)
    return ensure_readable(await access_to(tenancy, principal, ticket))
