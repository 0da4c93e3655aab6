"""Keeps the service catalogue (each company's items and the platform-wide ones) current from catalogue events.

The IA learns a company's labels from its items before it has labelled tickets: each item's name and
description stand for the category, type and priority a ticket about it should get.
"""

from __future__ import annotations

from typing import Any

from subgraphs.ia import store
from subgraphs.kernel.events.contracts import catalogue as catalogue_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database

PATTERNS = (catalogue_events.ITEM_CREATED, catalogue_events.ITEM_UPDATED)
RESYNC = catalogue_events.RESYNC  # answered by tickets with every item (subgraphs/tickets/catalogue/resync.py)
FIELDS = ("companyId", "name", "description", "type", "category", "priority", "careGroup", "active")
Item = dict[str, Any]


async def ask_for_resync(uow: UnitOfWork) -> None:
    uow.emit(RESYNC, {"requester": "ia"}, company_id=None, actor_id=None)


async def record(db: Database, event: Event, uow: UnitOfWork) -> str | None:
    """Fold an item event in (the newest wins); the company whose catalogue changed (None: the platform's)."""
    data = event.data
    items = db[store.CATALOGUE]
    current = await items.find_one({"_id": data["itemId"]}, projection={"asOf": 1}, session=uow.session)
    if current is not None and current["asOf"] >= event.occurred_at:
        return None
    item = {k: data.get(k) for k in FIELDS}
    await items.update_one({"_id": data["itemId"]}, {"$set": {**item, "asOf": event.occurred_at}}, upsert=True,
                           session=uow.session)
    return data.get("companyId")


async def usable_items(db: Database, company_id: str) -> list[Item]:
    """The active items a company's tickets may be about: its own and the platform's, in a stable order.
    Platform-wide items belong to no tenant, so they are read by `companyId: None` (as the tickets service does)."""
    rows = await db[store.CATALOGUE].find({"companyId": {"$in": [company_id, None]}, "active": True}
                                          ).sort("_id", 1).to_list(None)
    return rows


def fingerprint(items: list[Item]) -> tuple[tuple[str, Any], ...]:
    """Changes whenever an item is added or edited: the key of cached item vectors."""
    return tuple((item["_id"], item.get("asOf")) for item in items)
