"""The chat service's collections and their indexes."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from subgraphs.kernel.mongo import Database

MESSAGES = "messages"
RECEIPTS = "read_receipts"
POLICIES = "chat_policies"
TICKETS = "tickets"  # read model, from ticket events
PEOPLE = "people"  # read model, from user events
TYPING_LIMITS = "typing_limits"
SEQUENCES = "message_sequences"  # per ticket: its latest message's number and id (messages.ordering)
MILESTONES = "milestones"  # when this deployment's chat first did something (tickets.model.NewTickets)

INDEXES: dict[str, list[IndexModel]] = {
    # History pages and unread counts walk one ticket's messages by id (ids are time-ordered).
    MESSAGES: [IndexModel([("companyId", ASCENDING), ("ticketId", ASCENDING), ("_id", ASCENDING)]),
               # a sender's recent messages: the rate limit
               IndexModel([("companyId", ASCENDING), ("authorId", ASCENDING), ("createdAt", ASCENDING)])],
    RECEIPTS: [IndexModel([("companyId", ASCENDING), ("ticketId", ASCENDING)])],
    TICKETS: [IndexModel([("companyId", ASCENDING)])],
    PEOPLE: [IndexModel([("companyId", ASCENDING)])],
    # Fixed-window counters are worth nothing after their window.
    TYPING_LIMITS: [IndexModel([("at", ASCENDING)], expireAfterSeconds=3600)],
}


async def ensure_indexes(db: Database) -> None:
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)
