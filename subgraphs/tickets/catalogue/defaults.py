"""The default catalogue shipped with the project, seeded as platform-wide items at start."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pymongo.errors import DuplicateKeyError

from subgraphs.kernel.events.contracts import catalogue as catalogue_events
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store
from subgraphs.tickets.catalogue.forms import FieldDraft, FieldKind
from subgraphs.tickets.catalogue.items import ItemDraft, item_event, prepare_item
from subgraphs.tickets.catalogue.priority import Level, TicketType
from subgraphs.tickets.catalogue.service import new_item


def load() -> list[tuple[str, ItemDraft]]:
    """(stable id, draft) of every item in default_catalogue.json."""
    raw = json.loads(resources.files(__package__).joinpath("default_catalogue.json").read_text(encoding="utf-8"))
    return [(entry["id"], _draft(entry)) for entry in raw["items"]]


def _draft(entry: dict[str, Any]) -> ItemDraft:
    form = tuple(FieldDraft(f["key"], f["label"], FieldKind(f["kind"]), f.get("required", False),
                            tuple(f.get("options") or ())) for f in entry["form"])
    return ItemDraft(name=entry["name"], type=TicketType(entry["type"]), category=entry["category"],
                     impact=Level(entry["impact"]), urgency=Level(entry["urgency"]),
                     response_minutes=entry["responseMinutes"], resolution_minutes=entry["resolutionMinutes"],
                     description=entry.get("description"), care_group=entry.get("careGroup"), form=form)


async def seed(db: Database, outbox: Outbox) -> None:
    """Insert the default items that are missing, each with its `catalogue.item_created` event (the
    IA's triage learns the catalogue from events); an operator's later edits to them are kept."""
    for item_id, draft in load():
        item = {**new_item(prepare_item(draft), company_id=None, actor_id="system"), "_id": item_id}

        async def work(uow: UnitOfWork, item: dict[str, Any] = item) -> None:
            result = await db[store.SERVICE_ITEMS].update_one({"_id": item["_id"]}, {"$setOnInsert": item},
                                                              upsert=True, session=uow.session)
            if result.upserted_id is not None:
                uow.emit(catalogue_events.ITEM_CREATED, item_event(item), company_id=None, actor_id=None)

        try:
            await outbox.transaction(work)
        except DuplicateKeyError:
            pass  # another replica seeded it first, or an operator gave its name to an item of their own
