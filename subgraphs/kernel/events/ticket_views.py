"""The one write that folds a ticket's snapshot into a read model's row, unless the row already holds a newer state."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from subgraphs.kernel.events.contracts.tickets import CREATED, newer_than
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.mongo import Document


async def fold(rows: AsyncCollection[Document], event: Event, row: dict[str, Any],
               session: AsyncClientSession) -> None:
    """Write `row` (the snapshot as the read model keeps it) as the ticket's row, with the event's time as its `asOf`,
    unless the row holds a newer state (`newer_than`). No read first: one command when the row is where the event's
    kind expects it (none before `ticket.created`, one before any other), two otherwise."""
    ticket = {"_id": event.data["ticketId"]}
    fields = {**row, "asOf": event.occurred_at}
    # the row holds no newer state: the negation of `newer_than`, on its one field (not a `$nor`, which the embedded
    # database answers by reading the whole collection)
    guard = {field: {"$not": condition} for field, condition in newer_than(event.data, event.occurred_at).items()}

    async def insert() -> bool:  # there was no row; now there is this one
        done = await rows.update_one(ticket, {"$setOnInsert": fields}, upsert=True, session=session)
        return done.upserted_id is not None

    async def overwrite() -> bool:  # the row held no newer state; now it holds this one
        done = await rows.update_one({**ticket, **guard}, {"$set": fields}, session=session)
        return bool(done.matched_count)

    first, then = (insert, overwrite) if event.type == CREATED else (overwrite, insert)
    if not await first():
        await then()
