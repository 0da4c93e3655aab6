"""Reading and changing preferences; the dispatcher asks which channels a notice may use."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel import clock
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection
from subgraphs.notifications import store
from subgraphs.notifications.kinds import Channel
from subgraphs.notifications.preferences.rules import Choices, check_change


async def choices_of(rows: TenantCollection, user_id: str) -> Choices:
    doc = await rows.find_one({"_id": user_id})
    return (doc or {}).get("choices") or {}


async def choices_of_people(db: Database, user_ids: list[str], *, session: AsyncClientSession | None
                            ) -> dict[str, Choices]:
    """The stored choices of each of `user_ids` who made any, in one query (inside the dispatch transaction, or
    outside it with no `session`); the dispatcher reads the channels of a kind from them (`rules.channels_for`)."""
    rows = await db[store.PREFERENCES].find({"_id": {"$in": user_ids}}, session=session).to_list(None)
    return {row["_id"]: row.get("choices") or {} for row in rows}


async def change(rows: TenantCollection, user_id: str, changes: list[tuple[str, Channel, bool]]) -> Choices:
    """Apply every change or none: each is checked before any is stored."""
    for kind_key, channel, enabled in changes:
        check_change(kind_key, channel, enabled)
    update: dict[str, Any] = {f"choices.{kind}.{channel.value}": enabled for kind, channel, enabled in changes}
    await rows.update_one({"_id": user_id}, {"$set": {**update, "updatedAt": clock.now()}}, upsert=True)
    return await choices_of(rows, user_id)
