"""How many comments a ticket has: `commentCount` counts all of them, `publicCommentCount` those every reader of
the ticket may read (not internal notes). `Ticket.commentCount` shows each caller the one that matches what
`Ticket.comments` shows them, so a customer never learns from a count that an internal note was written."""

from __future__ import annotations

from typing import Any

from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store


def public_comment_count(ticket: dict[str, Any]) -> int:
    return int(ticket.get("publicCommentCount") or 0)


async def backfill(db: Database) -> int:
    """Tickets written before the public count was kept get it, counted from their comments (at start; cheap once
    done, as it only looks at tickets without the field). Returns how many it counted."""
    tickets, comments = db[store.TICKETS], db[store.COMMENTS]
    counted = 0
    async for ticket in tickets.find({"publicCommentCount": {"$exists": False}}, projection={"_id": 1}):
        public = await comments.count_documents({"ticketId": ticket["_id"], "internal": False})
        await tickets.update_one({"_id": ticket["_id"], "publicCommentCount": {"$exists": False}},
                                 {"$set": {"publicCommentCount": public}})
        counted += 1
    return counted
