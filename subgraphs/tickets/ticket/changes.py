"""The one write path for an existing ticket: a guarded update, its history rows and its events, together.

Every ticket document carries a `version`; a write names the version it read, so no change is made on a
ticket as it no longer is. A person's change (`change`) that loses that race to another write (a colleague's,
the IA's triage, a chat reply, the SLA clock) is planned again on the ticket as it is now, with every check
it makes: a ticket resolved meanwhile refuses what a resolved ticket refuses. Only a ticket that keeps moving
under ATTEMPTS tries is answered CONFLICT.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import Conflict
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import applied
from subgraphs.kernel.tenancy import Tenancy, TenantCollection
from subgraphs.tickets import store
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.ticket import history
from subgraphs.tickets.ticket.access import participants
from subgraphs.tickets.ticket.documents import snapshot
from subgraphs.tickets.ticket.finding import locate
from subgraphs.tickets.ticket.history import FieldChange

Ticket = dict[str, Any]
T = TypeVar("T")
ATTEMPTS = 8  # plans of one change, each on the ticket as it was just read


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


def write(deps: TicketsDeps, uow: UnitOfWork, tickets: TenantCollection, ticket: Ticket, edit: Edit, *,
          actor_id: str | None, moved: Callable[[], Exception] | None = None) -> Ticket:
    """Apply `edit` inside `uow`, which raises Stale (or `moved()`) as it ends, and writes nothing, unless the ticket
    is still as read and meets the guard. Returns the ticket as the unit leaves it: computed from `ticket`, which the
    version pins."""
    now = edit.at or clock.now()
    update = edit.update(now)
    updated = applied(ticket, update)
    people = participants(updated)
    if ticket.get("participants") != people:  # the edit changes who takes part: assignee, tutor or watchers
        update["$set"]["participants"] = updated["participants"] = people
    uow.update(tickets, {"_id": ticket["_id"], "version": ticket["version"], **edit.guard}, update,
               unmatched=moved or stale)
    history.record(deps.db, uow, updated, at=now, actor_id=actor_id, action=edit.action, changes=edit.changes,
                   internal=edit.internal)
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
        updated = write(deps, uow, tickets, ticket, edit, actor_id=actor_id)
        if also is not None:
            await also(uow, updated)
        return updated

    return await deps.outbox.transaction(work)


Plan = Callable[[Ticket], Awaitable[Edit | None]]


async def change(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, plan: Plan, *,
                 also: Callable[[UnitOfWork, Ticket], Awaitable[None]] | None = None,
                 read: tuple[Ticket, TenantCollection] | None = None) -> Ticket:
    """Read the ticket the caller may see (or take the `read` the caller just made), `plan` an edit from it (its
    checks raise the caller's errors; None changes nothing) and commit it; when the ticket moved between the read
    and the write, read and plan again."""
    reads = [read] if read is not None else []

    async def once() -> Ticket:
        ticket, tickets = reads.pop() if reads else await locate(tenancy, actor, ticket_id)
        edit = await plan(ticket)
        if edit is None:
            return ticket
        return await commit(deps, tickets, ticket, edit, actor_id=actor.user_id, also=also)

    return await retried(once)


async def retried(operation: Callable[[], Awaitable[T]]) -> T:
    """Run `operation` (its reads, its checks and its guarded writes) again while a write finds a ticket moved
    since the operation read it; CONFLICT once that happened ATTEMPTS times."""
    for _ in range(ATTEMPTS - 1):
        try:
            return await operation()
        except Stale:
            continue
    return await operation()


def system_view(deps: TicketsDeps, company_id: str) -> TenantCollection:
    """The tickets of one company as the service itself (scheduler, consumers) works on them."""
    return TenantCollection(deps.db[store.TICKETS], company_id)
