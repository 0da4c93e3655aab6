"""The one write that folds a ticket's snapshot into a read model's row, unless the row already holds a newer state."""

from __future__ import annotations

import functools
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from subgraphs.kernel import arrival
from subgraphs.kernel.events.contracts.tickets import newer_than
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Document


def fold(uow: UnitOfWork, rows: AsyncCollection[Document], event: Event, row: dict[str, Any]) -> None:
    """Write `row` (the snapshot as the read model keeps it) as the ticket's row, with the event's time as its `asOf`,
    unless the row holds a newer state (`newer_than`): one upsert, deferred to the end of `uow`, that keeps a newer
    row as it is and otherwise lays the snapshot over it (or over nothing, for a ticket the read model had not
    heard of). Once the unit commits, callers of this process waiting for the row look at once (`kernel.arrival`)."""
    (field, condition), = newer_than(event.data, event.occurred_at).items()
    # `newer_than` as an expression: a row without the field is not newer (missing sorts below numbers and dates)
    newer = {"$gt": [f"${field}", condition["$gt"]]}
    fields = {name: {"$literal": value} for name, value in {**row, "asOf": event.occurred_at}.items()}
    folded = {"$cond": [newer, "$$ROOT", {"$mergeObjects": ["$$ROOT", fields]}]}
    uow.update(rows, {"_id": event.data["ticketId"]}, [{"$replaceWith": folded}], upsert=True)
    uow.after_commit(functools.partial(arrival.landed, rows, event.data["ticketId"]))
