"""GraphQL types of the service catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from subgraphs.kernel.errors import NotFound
from subgraphs.tickets.catalogue.service import find_item
from subgraphs.tickets.deps import deps_of
from subgraphs.tickets.graphql.enums import FieldKind, Level, Priority, TicketType
from subgraphs.tickets.graphql.types.common import Company, Ctx


@strawberry.type(description="One question of an item's form.")
class FormField:
    key: str
    label: str
    kind: FieldKind
    required: bool
    options: list[str]

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> FormField:
        return cls(key=doc["key"], label=doc["label"], kind=FieldKind(doc["kind"]), required=doc["required"],
                   options=list(doc["options"]))


@strawberry.federation.type(keys=["id"], description="Something people may ask the desk for.")
class ServiceItem:
    id: strawberry.ID
    name: str
    description: str | None
    type: TicketType
    category: str
    impact: Level
    urgency: Level
    priority: Priority = strawberry.field(description="From the impact x urgency matrix.")
    response_minutes: int = strawberry.field(description="First-response target, in business minutes.")
    resolution_minutes: int = strawberry.field(description="Resolution target, in business minutes.")
    care_group: str | None
    form: list[FormField]
    active: bool
    created_at: datetime
    updated_at: datetime
    doc: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ServiceItem:
        return cls(
            id=strawberry.ID(doc["_id"]), name=doc["name"], description=doc.get("description"),
            type=TicketType(doc["type"]), category=doc["category"], impact=Level(doc["impact"]),
            urgency=Level(doc["urgency"]), priority=Priority(doc["priority"]), response_minutes=doc["responseMinutes"],
            resolution_minutes=doc["resolutionMinutes"], care_group=doc.get("careGroup"),
            form=[FormField.from_doc(f) for f in doc["form"]], active=doc["active"], created_at=doc["createdAt"],
            updated_at=doc["updatedAt"], doc=doc,
        )

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> ServiceItem | None:
        return await item_or_none(info, str(id))

    @strawberry.field(description="Offered to every company, rather than to one.")
    def platform_wide(self) -> bool:
        return self.doc["companyId"] is None

    @strawberry.field
    def company(self) -> Company | None:
        return Company(id=strawberry.ID(self.doc["companyId"])) if self.doc["companyId"] else None


async def item_or_none(info: Ctx, item_id: str) -> ServiceItem | None:
    ctx = info.context
    try:
        return ServiceItem.from_doc(await find_item(deps_of(ctx).db, ctx.tenancy, ctx.require(), item_id))
    except NotFound:
        return None


@strawberry.type
class CatalogueImportRowError:
    row: int = strawberry.field(description="1-based position in the list sent.")
    name: str | None
    reasons: list[str]


@strawberry.type
class CatalogueImportReport:
    created_count: int
    created: list[ServiceItem]
    errors: list[CatalogueImportRowError]
