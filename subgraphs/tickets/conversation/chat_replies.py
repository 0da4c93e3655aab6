"""A desk reply in a ticket's chat answers the ticket as a public comment does: the first one stops its response clock.

Consumes `chat.message_added` from the chat service (the envelope's `companyId` is the ticket's
company): `ticketId`, `messageId`, `authorId`, `kind` (system messages are ignored), and `fromDesk`,
chat's own view that the author is desk staff who did not open the ticket: messages without it are
declined before any database work (most chat messages are not a first response). The author counts
as the desk when tickets' own read model agrees: they work the company's tickets (tickets.work or
tickets.update there) and they did not open the ticket.
"""

from __future__ import annotations

from datetime import datetime

from subgraphs.kernel.auth.principal import GLOBAL_SUFFIX
from subgraphs.kernel.events.contracts import chat as chat_events
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import moved
from subgraphs.tickets import store
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.desk.service import desk_of
from subgraphs.tickets.people.lookup import Person, can
from subgraphs.tickets.sla import clocks
from subgraphs.tickets.ticket.changes import Edit, Ticket, system_view, write
from subgraphs.tickets.ticket.history import FieldChange

PATTERNS = (chat_events.MESSAGE_ADDED,)


def from_the_desk(event: Event) -> bool:
    return bool(event.data.get("fromDesk")) and event.data.get("kind") != "system"


def is_desk(person: Person | None, company_id: str) -> bool:
    """Works the company's tickets: in its own company, or anywhere with the global form (platform staff)."""
    if person is None:
        return False
    suffix = "" if person.get("companyId") == company_id else GLOBAL_SUFFIX
    return can(person, "tickets.work" + suffix) or can(person, "tickets.update" + suffix)


class ChatReplies:
    def __init__(self, deps: TicketsDeps) -> None:
        self.deps = deps

    async def handle(self, event: Event, uow: UnitOfWork) -> None:
        data = event.data
        author = data.get("authorId")
        if data.get("kind") == "system" or not author or not event.company_id:
            return
        tickets = system_view(self.deps, event.company_id)
        # read outside the transaction: the write is guarded by the version read (moved since: the unit runs again)
        ticket = await tickets.find_one({"_id": data.get("ticketId")})
        if ticket is None or ticket["creatorId"] == author or not clocks.running(ticket["sla"], "response"):
            return
        person = await self.deps.db[store.PEOPLE].find_one({"_id": author})
        if not is_desk(person, ticket["companyId"]):
            return
        edit = await self._answered(ticket, event.occurred_at)
        write(self.deps, uow, tickets, ticket, edit, actor_id=author, moved=moved)  # changed since read: read again

    async def _answered(self, ticket: Ticket, at: datetime) -> Edit:
        """The message's own time is the response time, however late the event arrives."""
        desk = await desk_of(self.deps, ticket["companyId"])
        sla = clocks.respond(ticket["sla"], at, desk.calendar)
        return Edit("answered_in_chat", set={"sla": sla, "lastActivityAt": at},
                    changes=[FieldChange("firstResponseAt", None, at)],
                    events=[(ticket_events.UPDATED, {"changed": ["sla"]})])
