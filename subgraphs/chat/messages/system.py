"""System messages: what happens to a ticket (state changes, assignment), written into its chat from ticket events."""

from __future__ import annotations

from typing import Any

from subgraphs.chat import store
from subgraphs.chat.messages.documents import ADDED, Message, MessageKind, added_event, new_message
from subgraphs.chat.messages.ordering import place
from subgraphs.chat.people.model import names
from subgraphs.chat.tickets import model as tickets
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.contracts.tickets import TicketView
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection

PATTERNS = tickets.PATTERNS


def _label(status: str | None) -> str:
    return (status or "").upper()


def describe(event: Event, people: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    """The text (English; the structured part lets clients say it their way) and the structured change."""
    data = event.data
    if event.type == ticket_events.STATUS_CHANGED:
        text = f"Status changed from {_label(data.get('from'))} to {_label(data.get('to'))}"
        return text, {"action": "status_changed", "from": data.get("from"), "to": data.get("to")}
    if event.type == ticket_events.ASSIGNED:
        before, after = data.get("previousAssigneeId"), data.get("assigneeId")
        if after is None:
            return "Ticket unassigned", {"action": "unassigned", "from": before, "to": None}
        return f"Assigned to {people.get(after) or 'an agent'}", {"action": "assigned", "from": before, "to": after}
    if event.type == ticket_events.DELEGATED:
        intern = data.get("internId")
        return (f"Delegated to {people.get(intern or '') or 'an intern'}",
                {"action": "delegated", "from": data.get("tutorId"), "to": intern})
    return None


async def wanted(event: Event, *, db: Database, new_tickets: tickets.NewTickets) -> bool:
    """The ticket events the chat keeps or shows: those that may change its view of the ticket (the rest, most of
    them comments, are declined before any database work). A ticket's creation comes on a queue of its own
    (`tickets.NEW_PATTERNS`); here only one that queue may not have had, and has not brought yet (one read, and no
    transaction for the copies it brought: in a new deployment's first half-minute, every creation)."""
    if event.type == ticket_events.CREATED:
        return new_tickets.only_in_tickets_queue(event) and not await tickets.known(db, event.data.get("ticketId"))
    return ticket_events.changes_view(event.type, event.data)


async def on_ticket_event(db: Database, event: Event, uow: UnitOfWork) -> None:
    """Consumer handler: keep the read model, and write a system message for the changes chats show."""
    ticket = await tickets.remember(db, event, uow)
    if ticket is None:
        return
    named = event.type in (ticket_events.ASSIGNED, ticket_events.DELEGATED)  # the changes whose words name someone
    mentioned = [i for i in (event.data.get("assigneeId"), event.data.get("internId")) if i] if named else []
    people = await names(TenantCollection(db[store.PEOPLE], ticket.company_id), mentioned) if mentioned else {}
    described = describe(event, {user_id: name.full for user_id, name in people.items()})
    if described is None:
        return
    text, system = described
    message = system_message(ticket, text, system)
    await place(db, uow, message)
    uow.insert(TenantCollection(db[store.MESSAGES], ticket.company_id), message)
    uow.emit(ADDED, added_event(message, ticket), company_id=ticket.company_id, actor_id=event.actor_id)


def system_message(ticket: TicketView, text: str, system: dict[str, Any]) -> Message:
    return new_message(ticket, kind=MessageKind.SYSTEM, text=text, author_id=None, system=system)
