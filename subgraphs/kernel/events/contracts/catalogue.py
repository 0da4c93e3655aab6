"""The tickets service's events about its service catalogue and desk settings, and the IA's request to hear the
catalogue again."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

ITEM_CREATED = "catalogue.item_created"
ITEM_UPDATED = "catalogue.item_updated"
RESYNC = "resync.catalogue"  # answered by tickets with every item
DESK_UPDATED = "desk.updated"


class CatalogueItem(TypedDict):
    itemId: str
    companyId: str | None  # None: a platform-wide item
    name: str
    description: str | None
    type: str
    category: str
    impact: Any
    urgency: Any
    priority: str | None
    careGroup: str | None
    active: bool


class ResyncRequested(TypedDict):
    requester: str  # the service that asks


class DeskUpdated(TypedDict):
    companyId: str


CONTRACTS: dict[str, type] = {
    ITEM_CREATED: CatalogueItem,
    ITEM_UPDATED: CatalogueItem,
    RESYNC: ResyncRequested,
    DESK_UPDATED: DeskUpdated,
}
