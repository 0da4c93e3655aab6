"""A message as stored, and what other services and live subscribers learn of it through events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from subgraphs.chat.people.model import NOBODY, PersonName
from subgraphs.kernel import clock
from subgraphs.kernel.events.contracts import chat as chat_events
from subgraphs.kernel.events.contracts.tickets import TicketView
from subgraphs.kernel.ids import new_id

ADDED = chat_events.MESSAGE_ADDED
EDITED = chat_events.MESSAGE_EDITED
DELETED = chat_events.MESSAGE_DELETED
READ = chat_events.MESSAGES_READ
EXCERPT = 280

Message = dict[str, Any]


class MessageKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    FILE = "file"
    SYSTEM = "system"


def new_message(ticket: TicketView, *, kind: MessageKind, text: str, author_id: str | None,
                author: PersonName = NOBODY, file: dict[str, Any] | None = None,
                system: dict[str, Any] | None = None) -> Message:
    return {"_id": new_id(), "companyId": ticket.company_id, "ticketId": ticket.id, "kind": kind.value,
            "authorId": author_id, **author.carry("author"), "text": text, "file": file, "system": system,
            "createdAt": clock.now(), "editedAt": None, "deleted": False, "deletedAt": None}


def added_event(message: Message, ticket: TicketView, *, from_desk: bool = False) -> dict[str, Any]:
    """`chat.message_added`: what notifications batches (ticketId, messageId, authorId, kind, text, excerpt,
    participantIds), what live subscribers show without asking anyone (the whole message, the author's
    name, first and last, and the ticket's title), and `fromDesk` (desk staff, not the ticket's creator) so the tickets
    service looks only at messages that may be the ticket's first response."""
    return {"fromDesk": from_desk, "ticketId": ticket.id, "messageId": message["_id"], "authorId": message["authorId"],
            **PersonName.carried(message, "author").carry("author"), "kind": message["kind"], "text": message["text"],
            "excerpt": message["text"][:EXCERPT], "file": message["file"], "system": message["system"],
            "createdAt": message["createdAt"], "participantIds": ticket.participant_ids,
            "ticketTitle": ticket.title, "ticketReference": ticket.reference, "seq": message.get("seq")}


def message_from_event(data: dict[str, Any], company_id: str) -> Message:
    """The message a `chat.message_added` event carries, as if read from the database."""
    created = data["createdAt"]
    return {"_id": data["messageId"], "companyId": company_id, "ticketId": data["ticketId"], "kind": data["kind"],
            "authorId": data.get("authorId"), **PersonName.carried(data, "author").carry("author"),
            "text": data["text"], "file": data.get("file"), "system": data.get("system"),
            "createdAt": datetime.fromisoformat(created) if isinstance(created, str) else created, "editedAt": None,
            "deleted": False, "deletedAt": None}
