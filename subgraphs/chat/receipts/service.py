"""Marking a chat read (receipts only move forward), listing receipts and counting what is unread."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from subgraphs.chat import store
from subgraphs.chat.access.rules import ChatAccess
from subgraphs.chat.access.service import company_view, readable_chat
from subgraphs.chat.deps import ChatDeps
from subgraphs.chat.live.announce import commit_and_announce
from subgraphs.chat.messages.documents import READ, MessageKind
from subgraphs.chat.messages.history import messages_of
from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import is_id
from subgraphs.kernel.tenancy import Tenancy

Receipt = dict[str, Any]


class _NotRead(Enum):
    UNREAD = "not read yet"  # a receipt not read yet (None: read, and there is none)


UNREAD = _NotRead.UNREAD
Known = Receipt | None | Literal[_NotRead.UNREAD]  # what a caller may already know of a receipt


def receipt_id(ticket_id: str, user_id: str) -> str:
    return f"{ticket_id}:{user_id}"


async def _target(tenancy: Tenancy, actor: Principal, chat: ChatAccess, up_to: str | None) -> str | None:
    """The message read up to: the one named (of this chat), else the newest; None for an empty chat."""
    messages, mine = messages_of(tenancy, actor, chat)
    if up_to is not None:
        found = await messages.find_one({**mine, "_id": up_to}, projection={"_id": 1}) if is_id(up_to) else None
        if found is None:
            raise BadUserInput("no message of this chat has this id", field="upToMessageId")
        return up_to
    newest = await messages.find(mine, projection={"_id": 1}).sort("_id", -1).limit(1).to_list(1)
    return newest[0]["_id"] if newest else None


async def mark_read(deps: ChatDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *,
                    up_to: str | None) -> Receipt:
    chat = await readable_chat(tenancy, actor, ticket_id)
    target = await _target(tenancy, actor, chat, up_to)
    receipts = company_view(tenancy, actor, store.RECEIPTS, chat.ticket.company_id)
    key = receipt_id(chat.ticket.id, actor.user_id)
    name = await deps.names.of(tenancy.collection(store.PEOPLE), actor.user_id)
    now = clock.now()

    async def work(uow: UnitOfWork) -> Receipt:
        current = await receipts.find_one({"_id": key}, session=uow.session)
        if target is None or (current and current["lastReadId"] and current["lastReadId"] >= target):
            return current or {"_id": key, "ticketId": chat.ticket.id, "userId": actor.user_id, "lastReadId": None,
                               "readAt": None}
        row = {"ticketId": chat.ticket.id, "userId": actor.user_id, "lastReadId": target, "readAt": now}
        await receipts.update_one({"_id": key}, {"$set": row}, upsert=True, session=uow.session)
        uow.emit(READ, {"ticketId": chat.ticket.id, "userId": actor.user_id, "lastReadMessageId": target,
                        **name.carry(), "readAt": now}, company_id=chat.ticket.company_id, actor_id=actor.user_id)
        return {"_id": key, **row}

    return await commit_and_announce(deps, work)


async def receipts_of(tenancy: Tenancy, actor: Principal, chat: ChatAccess) -> list[Receipt]:
    receipts = company_view(tenancy, actor, store.RECEIPTS, chat.ticket.company_id)
    return await receipts.find({"ticketId": chat.ticket.id}).sort("readAt", 1).to_list(None)


async def unread_count(tenancy: Tenancy, actor: Principal, chat: ChatAccess, *,
                       mine: Known = UNREAD) -> int:
    """Messages of others (system notes aside) after the caller's receipt (`mine`, read here unless given)."""
    if mine is UNREAD:
        receipts = company_view(tenancy, actor, store.RECEIPTS, chat.ticket.company_id)
        mine = await receipts.find_one({"_id": receipt_id(chat.ticket.id, actor.user_id)})
    messages, query = messages_of(tenancy, actor, chat)
    after = {"_id": {"$gt": mine["lastReadId"]}} if mine and mine["lastReadId"] else {}
    # The first stage is exactly the index's shape (company, ticket, then a range of ids), so the embedded database
    # reads only this ticket's messages after the receipt; with the other conditions in it, it read every message of
    # the company (17 ms a count in the workload benchmark).
    others = {"deleted": False, "authorId": {"$ne": actor.user_id}, "kind": {"$ne": MessageKind.SYSTEM.value}}
    counted = await messages.aggregate([{"$match": others}, {"$count": "unread"}], match={**query, **after})
    return int(counted[0]["unread"]) if counted else 0
