"""The domain's enums as GraphQL enums (the same classes; the API spells their names)."""

from __future__ import annotations

from enum import Enum

import strawberry

from subgraphs.tickets.catalogue.forms import FieldKind as DomainFieldKind
from subgraphs.tickets.catalogue.priority import Level as DomainLevel
from subgraphs.tickets.catalogue.priority import Priority as DomainPriority
from subgraphs.tickets.catalogue.priority import TicketType as DomainTicketType
from subgraphs.tickets.links.service import LinkKind as DomainLinkKind
from subgraphs.tickets.stats.pipelines import Interval
from subgraphs.tickets.ticket.finding import SortField, View
from subgraphs.tickets.ticket.lifecycle import Status

TicketStatus = strawberry.enum(Status, name="TicketStatus", description="Where a ticket is in its lifecycle.")
Priority = strawberry.enum(DomainPriority, name="Priority")
Level = strawberry.enum(DomainLevel, name="Level", description="Impact or urgency.")
TicketType = strawberry.enum(DomainTicketType, name="TicketType")
FieldKind = strawberry.enum(DomainFieldKind, name="FieldKind", description="The kind of a form question.")
TicketView = strawberry.enum(View, name="TicketView")
TicketSortField = strawberry.enum(SortField, name="TicketSortField")
LinkKind = strawberry.enum(DomainLinkKind, name="LinkKind", description="What the other ticket is to this one.")
BacklogInterval = strawberry.enum(Interval, name="BacklogInterval")


@strawberry.enum
class Weekday(Enum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6
