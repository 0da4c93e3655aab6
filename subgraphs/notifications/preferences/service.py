"""Reading and changing preferences; the dispatcher asks which channels a notice may use."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel import clock
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection
from subgraphs.notifications import store
from subgraphs.notifications.kinds import Channel, Kind
from subgraphs.notifications.preferences.rules import Choices, channels_for, check_change


async def choices_of(rows: TenantCollection, user_id: str) -> Choices:
    doc = await rows.find_one({"_id": user_id})
    return (doc or {}).get("choices") or {}


async def enabled_channels(db: Database, *, user_id: str, kind: Kind,
                           session: AsyncClientSession | None) -> frozenset[Channel]:
    """The channels a notice of `kind` to `user_id` goes by (read inside the dispatch transaction, or outside it
    with no `session`)."""
    doc = await db[store.PREFERENCES].find_one({"_id": user_id}, session=session)
    return channels_for(kind, (doc or {}).get("choices") or {})


async def change(rows: TenantCollection, user_id: str, changes: list[tuple[str, Channel, bool]]) -> Choices:
    """Apply every change or none: each is checked before any is stored."""
    for kind_key, channel, enabled in changes:
        check_change(kind_key, channel, enabled)
    update: dict[str, Any] = {f"choices.{kind}.{channel.value}": enabled for kind, channel, enabled in changes}
    await rows.update_one({"_id": user_id}, {"$set": {**update, "updatedAt": clock.now()}}, upsert=True)
    return await choices_of(rows, user_id)
