"""The notifications service's collections and their indexes."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from subgraphs.kernel.mongo import Database

PEOPLE = "people"
COMPANIES = "companies"
NOTIFICATIONS = "notifications"
MAIL = "mail_deliveries"
PREFERENCES = "preferences"
CHAT_UNREAD = "chat_unread"
TICKETS = "tickets"

INDEXES: dict[str, list[IndexModel]] = {
    PEOPLE: [IndexModel([("companyId", ASCENDING), ("roleKey", ASCENDING)])],
    NOTIFICATIONS: [
        # One notification per event, recipient and channel, however often the event comes.
        IndexModel([("key", ASCENDING)], unique=True, name="delivery_key"),
        IndexModel([("companyId", ASCENDING), ("recipientId", ASCENDING), ("_id", DESCENDING)]),
        IndexModel([("companyId", ASCENDING), ("recipientId", ASCENDING), ("read", ASCENDING)]),
    ],
    MAIL: [
        IndexModel([("key", ASCENDING)], unique=True, name="delivery_key"),
        IndexModel([("status", ASCENDING), ("nextAttemptAt", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("leaseUntil", ASCENDING)]),
        IndexModel([("companyId", ASCENDING), ("_id", DESCENDING)]),
    ],
    CHAT_UNREAD: [
        # At most one open batch per ticket and person.
        IndexModel([("ticketId", ASCENDING), ("userId", ASCENDING)], unique=True, name="ticket_user"),
        IndexModel([("dueAt", ASCENDING)]),
    ],
}


async def ensure_indexes(db: Database) -> None:
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)
