"""Batches unread chat messages: one notice per ticket and person once a batch has waited long enough.

Expected events (from the chat service):
- `chat.message_added`: `ticketId`, `messageId`, `authorId`, `kind` (text | image | file | system),
  `text` (or `excerpt`), and optionally `participantIds`; without them the participants are the
  ticket's (creator, assignee, tutor, watchers) as its events told us.
- `chat.messages_read`: `ticketId`, `userId`: that person caught up, so their batch is dropped.

The first unread message of a person on a ticket opens a batch due `delay` later; later messages
join it. A due batch is taken and turned into its notice in one transaction, so it is told once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel import clock
from subgraphs.kernel.events.contracts import chat as chat_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store
from subgraphs.notifications.triggers.lookup import Lookup
from subgraphs.notifications.triggers.notice import Notice, Target, TargetType
from subgraphs.notifications.triggers.ticket_view import recall, template_context

ADDED = chat_events.MESSAGE_ADDED
READ = chat_events.MESSAGES_READ
KEPT_MESSAGES = 5  # the newest few are quoted; the count says how many there were
EXCERPT = 200


CONCERNED = frozenset({ADDED, READ})  # the types `concerns` can say yes to


def concerns(event: Event) -> bool:
    """Whether a chat event changes a batch: a person's message opens or joins one, a read receipt drops one (a
    system message, an edit or a deletion does neither)."""
    return event.type == READ or (event.type == ADDED and event.data.get("kind") != "system")


async def on_event(event: Event, db: Database, uow: UnitOfWork, *, delay: timedelta) -> None:
    if not concerns(event):
        return
    if event.type == ADDED:
        await _add(db, event, uow, delay)
    else:
        await db[store.CHAT_UNREAD].delete_one({"ticketId": event.data["ticketId"], "userId": event.data["userId"]},
                                               session=uow.session)


async def _add(db: Database, event: Event, uow: UnitOfWork, delay: timedelta) -> None:
    """Count the message into each reader's batch, as the unit ends (in one statement with its marker)."""
    data = event.data
    participants = data.get("participantIds")
    if not participants:  # an older chat service's event: the ticket's people as its events told us
        ticket = await recall(db, data["ticketId"], uow.session)
        participants = ticket.participant_ids if ticket else []
    now = clock.now()
    text = (data.get("text") or data.get("excerpt") or "")[:EXCERPT]
    message = {"authorId": data.get("authorId"), "text": text, "at": now}
    for user_id in participants:
        if user_id == data.get("authorId"):
            continue
        uow.update(
            db[store.CHAT_UNREAD], {"ticketId": data["ticketId"], "userId": user_id},
            {"$inc": {"count": 1}, "$push": {"messages": {"$each": [message], "$slice": -KEPT_MESSAGES}},
             "$setOnInsert": {"_id": new_id(), "companyId": event.company_id, "firstAt": now, "dueAt": now + delay}},
            upsert=True,
        )


async def take_due(db: Database, session: AsyncClientSession) -> dict[str, Any] | None:
    """Remove and return the batch that has waited longest, if one is due (in the caller's transaction: a batch
    another taker removed first conflicts, and the transaction is tried again)."""
    rows = db[store.CHAT_UNREAD]
    batch = await rows.find_one({"dueAt": {"$lte": clock.now()}}, sort=[("dueAt", 1)], session=session)
    if batch is None or not (await rows.delete_one({"_id": batch["_id"]}, session=session)).deleted_count:
        return None
    return batch


async def notice_for(batch: dict[str, Any], look: Lookup) -> Notice | None:
    """The one notice a due batch gives, or None when its reader or ticket is unknown."""
    person = await look.person(batch["userId"])
    ticket = await recall(look.db, batch["ticketId"], look.uow.session)
    if person is None or ticket is None:
        return None
    messages = [{"author": await look.name(m.get("authorId")) or "", "text": m.get("text") or ""}
                for m in batch["messages"]]
    context = {"ticket": template_context(ticket), "count": batch["count"], "messages": messages}
    return Notice("chat_unread", person, context, Target(TargetType.TICKET, ticket.id))
