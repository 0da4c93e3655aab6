"""Editing one's own message within the edit window, and deleting one's own message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pymongo import ReturnDocument

from subgraphs.chat.access.rules import ChatAccess
from subgraphs.chat.access.service import ensure_writable
from subgraphs.chat.deps import ChatDeps
from subgraphs.chat.messages.documents import DELETED, EDITED, Message, MessageKind
from subgraphs.chat.messages.history import find_message, messages_of
from subgraphs.chat.messages.sending import message_text
from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Forbidden, NotFound
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.tenancy import Tenancy


async def _own(tenancy: Tenancy, actor: Principal, message_id: str) -> tuple[Message, ChatAccess]:
    """The caller's own live message, in a chat they may still write in."""
    message, chat = await find_message(tenancy, actor, message_id)
    if message["authorId"] != actor.user_id:
        raise Forbidden("only the author may change a message")
    if message["deleted"]:
        raise NotFound("no such message", messageId=message_id)
    return message, ensure_writable(chat)


async def _save(deps: ChatDeps, tenancy: Tenancy, actor: Principal, message: Message, chat: ChatAccess, *,
                changes: dict[str, Any], event: str, data: dict[str, Any]) -> tuple[Message, ChatAccess]:
    messages, _ = messages_of(tenancy, actor, chat)

    async def work(uow: UnitOfWork) -> Message:
        updated = await messages.find_one_and_update({"_id": message["_id"], "deleted": False}, {"$set": changes},
                                                     session=uow.session, return_document=ReturnDocument.AFTER)
        if updated is None:  # deleted meanwhile
            raise NotFound("no such message", messageId=message["_id"])
        uow.emit(event, {"ticketId": message["ticketId"], "messageId": message["_id"], **data},
                 company_id=message["companyId"], actor_id=actor.user_id)
        return updated

    return await deps.outbox.transaction(work), chat


async def edit_message(deps: ChatDeps, tenancy: Tenancy, actor: Principal, message_id: str, *, text: str
                       ) -> tuple[Message, ChatAccess]:
    message, chat = await _own(tenancy, actor, message_id)
    minutes = deps.settings.edit_window_minutes
    if clock.now() > message["createdAt"] + timedelta(minutes=minutes):
        raise BadUserInput(f"a message can be edited for {minutes} minutes after it was sent", field="id")
    required = message["kind"] == MessageKind.TEXT.value  # a file's caption may be emptied
    body = message_text(text, max_length=deps.settings.max_message_length, required=required)
    now = clock.now()
    return await _save(deps, tenancy, actor, message, chat, changes={"text": body, "editedAt": now}, event=EDITED,
                       data={"text": body, "editedAt": now})


async def delete_message(deps: ChatDeps, tenancy: Tenancy, actor: Principal, message_id: str
                         ) -> tuple[Message, ChatAccess]:
    """Hide one's own message; its place in the history stays, its text and file do not."""
    message, chat = await _own(tenancy, actor, message_id)
    now = clock.now()
    return await _save(deps, tenancy, actor, message, chat,
                       changes={"deleted": True, "deletedAt": now, "text": "", "file": None}, event=DELETED,
                       data={"deletedAt": now})
