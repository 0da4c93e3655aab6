"""The tickets service's events: names, payloads, the ticket's statuses, and the ticket as consumers see it.

Every event about one ticket that the tickets service publishes carries the ticket's whole snapshot
(`TicketSnapshot`) plus what the change itself says; chat, notifications and the IA keep read models from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NotRequired

from typing_extensions import TypedDict


class TicketStatus(StrEnum):
    """The ticket lifecycle's states, as events spell them."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.name  # as the API spells it


CREATED = "ticket.created"
UPDATED = "ticket.updated"
STATUS_CHANGED = "ticket.status_changed"
ASSIGNED = "ticket.assigned"
DELEGATED = "ticket.delegated"
COMMENTED = "ticket.commented"
MENTIONED = "ticket.mentioned"
COMMENT_EDITED = "ticket.comment_edited"
COMMENT_DELETED = "ticket.comment_deleted"
RATED = "ticket.rated"
MERGED = "ticket.merged"
SLA_WARNING = "ticket.sla_warning"
SLA_BREACHED = "ticket.sla_breached"


class TicketSnapshot(TypedDict):
    """The ticket as every one of its events carries it: identity, state and the people involved."""

    ticketId: str
    companyId: str
    reference: str
    title: str
    description: str  # cut to DESCRIPTION_IN_EVENTS characters
    status: TicketStatus
    type: str
    priority: str
    category: str
    tags: list[str]
    itemId: str
    careGroup: str | None
    creatorId: str
    assigneeId: str | None
    tutorId: str | None
    watcherIds: list[str]
    createdAt: datetime
    responseDueAt: datetime | None
    resolutionDueAt: datetime | None
    # The ticket's version (one more with each change): what orders two snapshots of one ticket. Events written before
    # it was carried lack it; their read models fall back on when the event occurred.
    version: NotRequired[int]


SNAPSHOT_FIELDS: tuple[str, ...] = tuple(TicketSnapshot.__annotations__)
DESCRIPTION_IN_EVENTS = 4000  # enough for triage; the whole text stays with the tickets service


def is_snapshot(data: dict[str, Any]) -> bool:
    """Whether an event about a ticket carries its snapshot (the IA's events about a ticket do not)."""
    return all(field in data for field in ("ticketId", "companyId", "status", "creatorId", "reference"))


class TicketUpdated(TicketSnapshot):
    changed: list[str]  # the fields that changed (`sla` when a first response stopped its clock)
    automatic: NotRequired[bool]  # applied from the IA's triage, not by a person
    attachmentNames: NotRequired[list[str]]
    watcherId: NotRequired[str]
    watching: NotRequired[bool]


_Move = TypedDict("_Move", {"from": TicketStatus, "to": TicketStatus, "verb": str, "reason": str | None})


class TicketStatusChanged(TicketSnapshot, _Move):
    """`verb`: start, hold, resolve, close, cancel, reopen, ... or merge (closed as another's duplicate)."""


class TicketAssigned(TicketSnapshot):
    previousAssigneeId: str | None
    automatic: bool


class TicketDelegated(TicketSnapshot):
    internId: str


class _Comment(TypedDict):
    commentId: str
    authorId: str
    internal: bool
    excerpt: str


class TicketCommented(TicketSnapshot, _Comment):
    mentionIds: list[str]


class TicketMentioned(TicketSnapshot, _Comment):
    mentionedUserId: str


class TicketCommentChanged(TypedDict):
    ticketId: str
    commentId: str
    internal: bool


class TicketRated(TicketSnapshot):
    score: int
    comment: str | None
    agentId: str | None
    changed: bool  # a rating changed within its window, not a first one
    previousScore: int | None


class TicketMerged(TicketSnapshot):
    duplicateId: str
    duplicateReference: str
    newWatcherIds: list[str]


class TicketSlaAlert(TicketSnapshot):
    kind: str  # response or resolution
    dueAt: datetime


CONTRACTS: dict[str, type] = {
    CREATED: TicketSnapshot,
    UPDATED: TicketUpdated,
    STATUS_CHANGED: TicketStatusChanged,
    ASSIGNED: TicketAssigned,
    DELEGATED: TicketDelegated,
    COMMENTED: TicketCommented,
    MENTIONED: TicketMentioned,
    COMMENT_EDITED: TicketCommentChanged,
    COMMENT_DELETED: TicketCommentChanged,
    RATED: TicketRated,
    MERGED: TicketMerged,
    SLA_WARNING: TicketSlaAlert,
    SLA_BREACHED: TicketSlaAlert,
}


@dataclass(frozen=True)
class TicketView:
    """A ticket as a consumer keeps it from the snapshots: who is on it and what it is called."""

    id: str
    company_id: str
    reference: str
    title: str
    status: str  # "" until a snapshot told it
    priority: str | None
    creator_id: str  # "" until a snapshot told it
    assignee_id: str | None
    tutor_id: str | None
    watcher_ids: tuple[str, ...]

    @property
    def participant_ids(self) -> list[str]:
        """Creator, assignee, tutor and watchers, each once."""
        ids = [self.creator_id, self.assignee_id, self.tutor_id, *self.watcher_ids]
        return list(dict.fromkeys(i for i in ids if i))

    def takes_part(self, user_id: str) -> bool:
        return user_id in self.participant_ids

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> TicketView:
        """From a read model's row: `_id` and the snapshot's fields (any of them may be missing)."""
        return cls(
            id=doc["_id"], company_id=doc["companyId"], reference=doc.get("reference") or "",
            title=doc.get("title") or "", status=doc.get("status") or "", priority=doc.get("priority"),
            creator_id=doc.get("creatorId") or "", assignee_id=doc.get("assigneeId"), tutor_id=doc.get("tutorId"),
            watcher_ids=tuple(doc.get("watcherIds") or ()),
        )

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> TicketView:
        return cls.from_doc({"_id": data["ticketId"], **view_row(data)})


# What chat and notifications keep of each ticket, in the snapshot's words: a `TicketView`'s fields and the version
# that orders them.
VIEW_FIELDS = ("companyId", "reference", "title", "status", "priority", "creatorId", "assigneeId", "tutorId",
               "watcherIds", "version")


def newer_than(data: dict[str, Any], occurred_at: datetime) -> dict[str, Any]:
    """A filter matching a read model's row of the ticket when it holds a newer state than the snapshot `data`, which
    an event that occurred at `occurred_at` carries. Rows keep the snapshot's `version` and the event's time (`asOf`).

    Snapshots are ordered by the ticket's version: two replicas of a consumer, or an event waiting for its retry while
    later ones pass, fold them out of order, and the time they occurred ties when two changes share a clock tick. Equal
    versions are the same state (a comment leaves the ticket as it was), so folding either again changes nothing. A
    snapshot from before they carried the version is ordered by its time; a row without a version is older than any
    snapshot with one.
    """
    version = data.get("version")
    return {"version": {"$gt": version}} if isinstance(version, int) else {"asOf": {"$gt": occurred_at}}


def is_older(data: dict[str, Any], occurred_at: datetime, stored: dict[str, Any] | None) -> bool:
    """Whether the row `stored` (read with `version` and `asOf`) matches `newer_than(data, occurred_at)`."""
    if stored is None:
        return False
    (field, condition), = newer_than(data, occurred_at).items()
    return stored.get(field) is not None and bool(stored[field] > condition["$gt"])


def view_row(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a snapshot a `TicketView` is made of, as a read model's row keeps it."""
    return {k: data[k] for k in VIEW_FIELDS if k in data}


# The events that may change what a `TicketView` holds. The others (a comment without mentions, a mention, an edited
# or deleted comment, a rating, an SLA clock) carry the same view as the event before them, so a consumer that only
# keeps the view declines them before any database work. A comment's mentions make their people watchers.
VIEW_CHANGES = frozenset({CREATED, UPDATED, STATUS_CHANGED, ASSIGNED, DELEGATED, MERGED})
# The types `changes_view` can say yes to: what a consumer that keeps only the view binds its queue to, so the broker
# never hands it the rest (a delivery declined still costs the consumer and the broker a delivery's work).
MAY_CHANGE_VIEW = VIEW_CHANGES | {COMMENTED}


def changes_view(type: str, data: dict[str, Any]) -> bool:
    """Whether a ticket event of `type` with `data` may change the ticket's view."""
    return type in VIEW_CHANGES or (type == COMMENTED and bool(data.get("mentionIds")))
