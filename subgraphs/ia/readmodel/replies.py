"""Keeps the public replies on tickets (never internal notes), the material of suggested replies.

ticket.commented carries the first 280 characters of a comment (`excerpt`): that is what the IA
keeps and suggests. An edit's event carries no text, so a suggestion shows the reply as first written;
a deleted reply is forgotten.
"""

from __future__ import annotations

from typing import Any

from subgraphs.ia import store
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database

Reply = dict[str, Any]


async def record(db: Database, event: Event, uow: UnitOfWork) -> None:
    """Keep a public reply, or forget a deleted one; internal notes never enter the IA."""
    data = event.data
    rows = db[store.REPLIES]
    if event.type == ticket_events.COMMENT_DELETED:
        await rows.delete_one({"_id": data.get("commentId"), "companyId": event.company_id}, session=uow.session)
        return
    if event.type != ticket_events.COMMENTED or data.get("internal") is not False or not data.get("excerpt"):
        return
    reply = {"companyId": data["companyId"], "ticketId": data["ticketId"], "authorId": data.get("authorId"),
             "text": data["excerpt"], "fromCreator": data.get("authorId") == data.get("creatorId"),
             "at": event.occurred_at}
    uow.update(rows, {"_id": data["commentId"]}, {"$set": reply}, upsert=True)  # nothing in the unit reads replies
