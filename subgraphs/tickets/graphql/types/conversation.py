"""GraphQL types of a ticket's conversation and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from subgraphs.tickets.graphql.enums import HistoryAction
from subgraphs.tickets.graphql.types.common import User, user, users


@strawberry.type(description="A public reply, or an internal note (shown to desk staff only).")
class Comment:
    id: strawberry.ID
    ticket_id: strawberry.ID
    internal: bool
    author: User
    mentions: list[User]
    created_at: datetime
    edited_at: datetime | None
    deleted: bool = strawberry.field(description="Deleted by its author or a supervisor: the comment keeps its "
                                                 "place in the conversation, without its body.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted; null while it stands.")
    body: str | None = strawberry.field(description="Null once the comment is deleted, like a deleted chat "
                                                    "message's text.")
    merged_from_id: strawberry.ID | None = strawberry.field(description="The merged duplicate it came from.")

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Comment:
        merged = doc.get("mergedFromId")
        return cls(id=strawberry.ID(doc["_id"]), ticket_id=strawberry.ID(doc["ticketId"]), internal=doc["internal"],
                   author=User(id=strawberry.ID(doc["authorId"])), mentions=users(doc["mentions"]),
                   created_at=doc["createdAt"], edited_at=doc.get("editedAt"), deleted=doc["deleted"],
                   deleted_at=doc.get("deletedAt"), body=None if doc["deleted"] else doc["body"],
                   merged_from_id=strawberry.ID(merged) if merged else None)


@strawberry.type(description="One change: who made it, when, and a field's old and new value.")
class HistoryEntry:
    id: strawberry.ID
    at: datetime
    actor: User | None = strawberry.field(description="None when the service itself acted (SLA, IA).")
    action: HistoryAction
    field: str | None
    old_value: str | None
    new_value: str | None

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> HistoryEntry:
        return cls(id=strawberry.ID(doc["_id"]), at=doc["at"], actor=user(doc.get("actorId")),
                   action=HistoryAction(doc["action"]), field=doc.get("field"), old_value=doc.get("old"),
                   new_value=doc.get("new"))
