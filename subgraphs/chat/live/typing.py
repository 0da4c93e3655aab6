"""Typing indicators: checked like a message, limited per person, published live and never stored."""

from __future__ import annotations

from subgraphs.chat import store
from subgraphs.chat.access.service import writable_chat
from subgraphs.chat.deps import ChatDeps
from subgraphs.chat.live.feed import TYPING
from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import RateLimited
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.tenancy import Tenancy


async def set_typing(deps: ChatDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, typing: bool) -> None:
    chat = await writable_chat(tenancy, actor, ticket_id)
    wait = await deps.typing.hit(f"{actor.user_id}:{ticket_id}")
    if wait is not None:
        raise RateLimited(f"typing is signalled too often; try again in {wait} s", retry_after=wait)
    name = await deps.names.of(tenancy.collection(store.PEOPLE), actor.user_id)
    event = Event(type=TYPING, data={"ticketId": chat.ticket.id, "userId": actor.user_id, **name.carry(),
                                     "typing": typing, "at": clock.now()},
                  company_id=chat.ticket.company_id, actor_id=actor.user_id)
    await deps.live.publish(event)
