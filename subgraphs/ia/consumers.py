"""What the IA does with other services' events: keep its read models, learn labels, and queue analysis.

`ticket.created` queues the ticket for triage (encoding, classification, a duplicate check) and routing;
a changed title or description queues triage again; a ticket given back unassigned while open queues
routing. The IA's own conclusions (also `ticket.`) are not bound to its queue, and declined if they come.

A ticket's events may be folded out of order (replicas share the queue; an event that failed waits for its retry
while later ones pass), and an event older than the view changes nothing: so it is the first event heard of a
ticket, `ticket.created` or one that overtook it, that queues the ticket's first triage and routing.
"""

from __future__ import annotations

from collections.abc import Callable

from subgraphs.ia.analysis import jobs
from subgraphs.ia.assignment import activity
from subgraphs.ia.classification import labelling
from subgraphs.ia.readmodel import catalogue, people, replies, tickets
from subgraphs.ia.readmodel.tickets import Ticket
from subgraphs.kernel.events.contracts import ia as ia_events
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.contracts.tickets import TicketStatus, is_snapshot
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database

# The tickets service's own events, each by name: the IA's conclusions share their `ticket.` prefix, and bound as
# `ticket.*` the broker brought every one of them back to the IA to be declined (`from_tickets` still guards that).
TICKET_PATTERNS = tuple(sorted(ticket_events.CONTRACTS))
RETIRED_TICKET_PATTERNS = ("ticket.*",)  # what the tickets queue was bound to before
TEXT = {"title", "description"}


def from_tickets(event: Event) -> bool:
    """The tickets service's events; the IA's own conclusions are not news to it."""
    return event.type not in ia_events.OWN


def tasks_for(event: Event, before: Ticket | None, after: Ticket) -> list[str]:
    """The analysis a ticket event calls for, the view as it was `before` the event and is `after` it."""
    data = event.data
    if before is None:  # the first event heard of the ticket
        return [jobs.TRIAGE, jobs.ROUTE]
    if event.type == ticket_events.UPDATED and TEXT & set(data.get("changed") or ()):
        return [jobs.TRIAGE]
    if (event.type == ticket_events.ASSIGNED and after.get("status") == TicketStatus.OPEN
            and not after.get("assigneeId")):
        return [jobs.ROUTE]
    return []


class Consumers:
    """The consumer handlers; `nudge` wakes the analysis worker when work was queued."""

    def __init__(self, db: Database, nudge: Callable[[], None]) -> None:
        self.db = db
        self.nudge = nudge

    async def on_ticket(self, event: Event, uow: UnitOfWork) -> None:
        await replies.record(self.db, event, uow)
        if not is_snapshot(event.data):
            return
        before, after = await tickets.remember(self.db, event, uow)
        if after is None:
            return  # an older event than what the view holds
        await activity.record(self.db, event, before, uow)
        await labelling.record(self.db, event, before, uow)
        wanted = tasks_for(event, before, after)
        if wanted:
            jobs.enqueue(self.db, uow, ticket_id=after["_id"], company_id=after["companyId"], tasks=wanted)
            self.nudge()

    async def on_catalogue(self, event: Event, uow: UnitOfWork) -> None:
        company_id = await catalogue.record(self.db, event, uow)
        if company_id is not None:
            await labelling.labels_changed(self.db, company_id, event.occurred_at, uow.session)

    async def on_person(self, event: Event, uow: UnitOfWork) -> None:
        await people.record(self.db, event, uow)
