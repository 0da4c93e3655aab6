"""The domain's enums as GraphQL enums (the same classes, registered here; the API spells their names)."""

from __future__ import annotations

from enum import Enum

import strawberry

from subgraphs.tickets.catalogue.forms import FieldKind
from subgraphs.tickets.catalogue.priority import Level, Priority, TicketType
from subgraphs.tickets.links.service import LinkKind
from subgraphs.tickets.stats.pipelines import Interval as BacklogInterval
from subgraphs.tickets.ticket.finding import SortField as TicketSortField
from subgraphs.tickets.ticket.finding import View as TicketView
from subgraphs.tickets.ticket.history import HistoryAction
from subgraphs.tickets.ticket.lifecycle import Status as TicketStatus

__all__ = ["BacklogInterval", "FieldKind", "HistoryAction", "Level", "LinkKind", "Priority", "TicketSortField",
           "TicketStatus", "TicketType", "TicketView", "Weekday"]

# strawberry.enum registers the class itself as a GraphQL enum; resolvers return the domain's members.
strawberry.enum(TicketStatus, name="TicketStatus", description="Where a ticket is in its lifecycle.")
strawberry.enum(Priority, name="Priority")
strawberry.enum(Level, name="Level", description="Impact or urgency.")
strawberry.enum(TicketType, name="TicketType")
strawberry.enum(FieldKind, name="FieldKind", description="The kind of a form question.")
strawberry.enum(TicketView, name="TicketView")
strawberry.enum(TicketSortField, name="TicketSortField")
strawberry.enum(LinkKind, name="LinkKind", description="What the other ticket is to this one.")
strawberry.enum(BacklogInterval, name="BacklogInterval")
strawberry.enum(HistoryAction, name="HistoryAction",
                description="What a history entry records: CREATED; UPDATED (title, description, triage fields); "
                            "ATTACHMENTS_ADDED; WATCHER_ADDED/REMOVED; a lifecycle move by its verb (START, HOLD, "
                            "RESUME, RESOLVE, CANCEL, CONFIRM, REOPEN, CLOSE_AUTOMATICALLY when the reopen window "
                            "passed); ASSIGNED, UNASSIGNED, DELEGATED; REPLIED, NOTE_ADDED, COMMENT_EDITED, "
                            "COMMENT_DELETED, ANSWERED_IN_CHAT; RATED; MERGED (a duplicate joined this ticket), "
                            "MERGED_INTO (this one was closed as a duplicate); LINKED, UNLINKED; CLASSIFIED and "
                            "ASSIGNMENT_SUGGESTED by the IA; SLA_WARNING, SLA_BREACHED.")


@strawberry.enum
class Weekday(Enum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6
