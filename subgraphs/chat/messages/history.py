"""Reading messages: a ticket's history page by page, and one message by id."""

from __future__ import annotations

from subgraphs.chat import store
from subgraphs.chat.access.rules import ChatAccess
from subgraphs.chat.access.service import company_view, readable_or_none
from subgraphs.chat.messages.documents import Message
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import NotFound
from subgraphs.kernel.ids import is_id
from subgraphs.kernel.tenancy import Tenancy, TenantCollection


def messages_of(tenancy: Tenancy, actor: Principal, chat: ChatAccess) -> tuple[TenantCollection, dict[str, str]]:
    """The messages collection of the ticket's company, and the filter of this ticket's messages."""
    return company_view(tenancy, actor, store.MESSAGES, chat.ticket.company_id), {"ticketId": chat.ticket.id}


async def find_message(tenancy: Tenancy, actor: Principal, message_id: str) -> tuple[Message, ChatAccess]:
    """A message of a chat the caller may read; NOT_FOUND for any other (whether it exists or not)."""
    found = await tenancy.collection(store.MESSAGES).find_one({"_id": message_id}) if is_id(message_id) else None
    if found is None and actor.holds("tickets.manage.global") and is_id(message_id):
        found = await tenancy.everywhere(store.MESSAGES, permission="tickets.manage").find_one({"_id": message_id})
    chat = await readable_or_none(tenancy, actor, found["ticketId"]) if found else None
    if found is None or chat is None:
        raise NotFound("no such message", messageId=message_id)
    return found, chat
