"""Tickets written before `participants` was kept get it at start (cheap once done: it only looks at tickets
without the field). Until then a person's own list would miss them, so the service runs this before it serves."""

from __future__ import annotations

from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store
from subgraphs.tickets.ticket.access import participants

PROJECTION = {"creatorId": 1, "assigneeId": 1, "tutorId": 1, "watchers": 1}


async def participants_backfill(db: Database) -> int:
    """Set `participants` on every ticket without it; returns how many it set."""
    tickets = db[store.TICKETS]
    filled = 0
    async for ticket in tickets.find({"participants": {"$exists": False}}, projection=PROJECTION):
        await tickets.update_one({"_id": ticket["_id"], "participants": {"$exists": False}},
                                 {"$set": {"participants": participants(ticket)}})
        filled += 1
    return filled
