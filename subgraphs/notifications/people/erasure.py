"""Forgets a deleted person: their inbox, their preferences and the chat batches waiting for them."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store


async def forget(db: Database, user_id: str, session: AsyncClientSession) -> None:
    await db[store.NOTIFICATIONS].delete_many({"recipientId": user_id}, session=session)
    await db[store.PREFERENCES].delete_one({"_id": user_id}, session=session)
    await db[store.CHAT_UNREAD].delete_many({"userId": user_id}, session=session)
