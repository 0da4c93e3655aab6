"""The one write path for an existing ticket: a guarded update, its history rows and its events, together.

Every ticket document carries a `version`; a write names the version it read, so two people
changing the same ticket at once cannot both win: the second is told to reload (CONFLICT).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.errors import Conflict
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import update_and_read
from subgraphs.kernel.tenancy import TenantCollection
from subgraphs.tickets import store
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.ticket import history
from subgraphs.tickets.ticket.documents import snapshot
from subgraphs.tickets.ticket.history import FieldChange

Ticket = dict[str, Any]


@dataclass
class Edit:
    """A change to one ticket: what to set, history rows to write and events to raise."""

    action: str
    set: dict[str, Any] = field(default_factory=dict)
    ops: dict[str, dict[str, Any]] = field(default_factory=dict)  # $inc, $addToSet, $pull...
    changes: list[FieldChange] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (type, data beside the snapshot)
    guard: dict[str, Any] = field(default_factory=dict)  # more conditions the stored ticket must meet
    at: datetime | None = None
    internal: bool = False  # about an internal note: its history is hidden from customers

    def update(self, now: datetime) -> dict[str, Any]:
        inc = {"version": 1, **self.ops.get("$inc", {})}
        others = {op: value for op, value in self.ops.items() if op != "$inc"}
        return {"$set": {**self.set, "updatedAt": now}, "$inc": inc, **others}


async def write(deps: TicketsDeps, uow: UnitOfWork, tickets: TenantCollection, ticket: Ticket, edit: Edit, *,
                actor_id: str | None) -> Ticket | None:
    """Apply `edit` inside `uow` if the ticket is still as read (and meets the guard); else None."""
    now = edit.at or clock.now()
    updated = await update_and_read(tickets, {"_id": ticket["_id"], "version": ticket["version"], **edit.guard},
                                    edit.update(now), session=uow.session)
    if updated is None:
        return None
    await history.record(deps.db, uow.session, updated, at=now, actor_id=actor_id, action=edit.action,
                         changes=edit.changes, internal=edit.internal)
    for type, data in edit.events:
        uow.emit(type, {**snapshot(updated), **data}, company_id=updated["companyId"], actor_id=actor_id)
    return updated


class Stale(Conflict):
    """The ticket's version moved since it was read."""


def stale() -> Stale:
    return Stale("the ticket changed while you were working on it; reload it and try again")


async def commit(deps: TicketsDeps, tickets: TenantCollection, ticket: Ticket, edit: Edit, *, actor_id: str | None,
                 also: Callable[[UnitOfWork, Ticket], Awaitable[None]] | None = None) -> Ticket:
    """`write` in a transaction of its own; `also` adds writes of other documents to the same transaction."""

    async def work(uow: UnitOfWork) -> Ticket:
        updated = await write(deps, uow, tickets, ticket, edit, actor_id=actor_id)
        if updated is None:
            raise stale()
        if also is not None:
            await also(uow, updated)
        return updated

    return await deps.outbox.transaction(work)


def system_view(deps: TicketsDeps, company_id: str) -> TenantCollection:
    """The tickets of one company as the service itself (scheduler, consumers) works on them."""
    return TenantCollection(deps.db[store.TICKETS], company_id)
