"""Every change to a ticket as history rows: who, when, what action, which field, old and new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store


class HistoryAction(StrEnum):
    """Every action a history row can name; `record` refuses any other, so the API's enum stays complete."""

    CREATED = "created"
    UPDATED = "updated"
    ATTACHMENTS_ADDED = "attachments_added"
    WATCHER_ADDED = "watcher_added"
    WATCHER_REMOVED = "watcher_removed"
    # lifecycle transitions, named by their verb (ticket/lifecycle.py) and the scheduler's automatic close
    START = "start"
    HOLD = "hold"
    RESUME = "resume"
    RESOLVE = "resolve"
    CANCEL = "cancel"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    CLOSE_AUTOMATICALLY = "close_automatically"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    DELEGATED = "delegated"
    REPLIED = "replied"
    NOTE_ADDED = "note_added"
    COMMENT_EDITED = "comment_edited"
    COMMENT_DELETED = "comment_deleted"
    ANSWERED_IN_CHAT = "answered_in_chat"
    RATED = "rated"
    MERGED = "merged"
    MERGED_INTO = "merged_into"
    LINKED = "linked"
    UNLINKED = "unlinked"
    CLASSIFIED = "classified"
    ASSIGNMENT_SUGGESTED = "assignment_suggested"
    SLA_WARNING = "sla_warning"
    SLA_BREACHED = "sla_breached"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def shown(value: Any) -> str | None:
    """A value as history shows it: text, comma-joined lists, ISO dates, None as absent."""
    if value is None or value == []:
        return None
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """The fields of `after` whose value differs from `before`."""
    return [FieldChange(k, before.get(k), v) for k, v in after.items() if before.get(k) != v]


def record(db: Database, uow: UnitOfWork, ticket: dict[str, Any], *, at: datetime, actor_id: str | None,
           action: str, changes: list[FieldChange], internal: bool = False) -> None:
    """One row per changed field, or one row for an action that changes no field of its own, inserted as `uow`
    ends (with its other inserts and its events).

    `internal` rows (about internal notes) are shown only to those who read internal notes.
    """
    base = {"ticketId": ticket["_id"], "companyId": ticket["companyId"], "at": at, "actorId": actor_id,
            "action": HistoryAction(action).value, "internal": internal}
    rows = [{"_id": new_id(), **base, "field": c.field, "old": shown(c.old), "new": shown(c.new)} for c in changes]
    uow.insert(db[store.HISTORY], *(rows or [{"_id": new_id(), **base, "field": None, "old": None, "new": None}]))
