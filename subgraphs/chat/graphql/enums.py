"""The domain's enums as GraphQL enums (the same classes, registered here; the API spells their names)."""

from __future__ import annotations

from enum import Enum

import strawberry

from subgraphs.chat.messages.documents import MessageKind
from subgraphs.chat.policy.rules import TicketStatus

__all__ = ["MessageKind", "SystemAction", "TicketStatus"]

# The same values and description as the tickets subgraph's, so the two compose as one enum.
strawberry.enum(TicketStatus, name="TicketStatus", description="Where a ticket is in its lifecycle.")
strawberry.enum(MessageKind, name="MessageKind", description="What a chat message holds.")


@strawberry.enum(description="What happened to the ticket, as a system message tells it.")
class SystemAction(Enum):
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    DELEGATED = "delegated"
