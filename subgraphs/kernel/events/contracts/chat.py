"""The chat service's events: messages and read receipts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired

from typing_extensions import TypedDict

MESSAGE_ADDED = "chat.message_added"
MESSAGE_EDITED = "chat.message_edited"
MESSAGE_DELETED = "chat.message_deleted"
MESSAGES_READ = "chat.messages_read"


class MessageAdded(TypedDict):
    """What notifications batches, what live subscribers show without asking anyone, and `fromDesk` (desk staff,
    not the ticket's creator) so the tickets service looks only at messages that may be a first response."""

    fromDesk: bool
    ticketId: str
    messageId: str
    authorId: str | None  # None: a system message
    authorName: str  # first and last, for readers that want only that
    authorFirstName: NotRequired[str]  # NotRequired: not carried before 2026-12
    authorLastName: NotRequired[str]
    kind: str
    text: str
    excerpt: str
    file: dict[str, Any] | None
    system: Any
    createdAt: datetime
    participantIds: list[str]
    ticketTitle: str
    ticketReference: str
    seq: int | None


class MessageChanged(TypedDict):
    ticketId: str
    messageId: str
    text: NotRequired[str]


class MessagesRead(TypedDict):
    ticketId: str
    userId: str
    lastReadMessageId: str
    name: str  # first and last
    firstName: NotRequired[str]  # NotRequired: not carried before 2026-12
    lastName: NotRequired[str]
    readAt: datetime


CONTRACTS: dict[str, type] = {
    MESSAGE_ADDED: MessageAdded,
    MESSAGE_EDITED: MessageChanged,
    MESSAGE_DELETED: MessageChanged,
    MESSAGES_READ: MessagesRead,
}
