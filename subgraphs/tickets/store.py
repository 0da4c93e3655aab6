"""The tickets service's collections and their indexes."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from subgraphs.kernel.mongo import Database

TICKETS = "tickets"
COMMENTS = "comments"
HISTORY = "history"
SERVICE_ITEMS = "service_items"
DESKS = "desk_settings"
COUNTERS = "ticket_counters"
PEOPLE = "people"
ROLES = "people_roles"


def _company(*fields: tuple[str, int], **options: object) -> IndexModel:
    return IndexModel([("companyId", ASCENDING), *fields], **options)  # type: ignore[arg-type]


INDEXES: dict[str, list[IndexModel]] = {
    TICKETS: [
        _company(("reference", ASCENDING), unique=True, name="company_reference"),
        _company(("_id", DESCENDING)),
        _company(("createdAt", ASCENDING)),
        _company(("updatedAt", ASCENDING)),
        _company(("status", ASCENDING), ("priorityRank", DESCENDING)),
        _company(("assigneeId", ASCENDING), ("status", ASCENDING)),
        _company(("creatorId", ASCENDING)),
        _company(("watchers", ASCENDING)),
        _company(("participants", ASCENDING)),
        _company(("tags", ASCENDING)),
        _company(("category", ASCENDING)),
        _company(("parentId", ASCENDING)),
        # Platform-wide statistics, and the SLA scheduler's scans across companies.
        IndexModel([("createdAt", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("sla.responseDueAt", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("sla.resolutionDueAt", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("resolvedAt", ASCENDING)]),
    ],
    COMMENTS: [IndexModel([("ticketId", ASCENDING), ("_id", ASCENDING)])],
    HISTORY: [IndexModel([("ticketId", ASCENDING), ("_id", ASCENDING)])],
    SERVICE_ITEMS: [IndexModel([("companyId", ASCENDING), ("nameKey", ASCENDING)], unique=True, name="scope_name")],
    PEOPLE: [_company(("status", ASCENDING)), IndexModel([("roleId", ASCENDING)])],
}


async def ensure_indexes(db: Database) -> None:
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)
