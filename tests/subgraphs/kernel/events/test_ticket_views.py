"""The read models chat, notifications and the IA keep of each ticket end on its newest state whatever order its events
are folded in. Two replicas of a consumer share its queue, and an event waiting for its retry lets later ones pass, so a
ticket's events arrive out of order; two changes on one clock tick occur at the same instant, so only the ticket's
version tells them apart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from itertools import permutations
from typing import Any

import pytest

from subgraphs.chat import store as chat_store
from subgraphs.chat.tickets import model as chat_view
from subgraphs.ia import store as ia_store
from subgraphs.ia.readmodel import tickets as ia_view
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store as notifications_store
from subgraphs.notifications.triggers import ticket_view as notifications_view
from tests.harness import in_unit
from tests.subgraphs.ia.readmodel.test_tickets import snapshot

TICK = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # every event of the ticket occurs on this one tick

# The ticket's life: raised (version 1), taken by an agent (2), resolved (3).
LIFE = [
    ("ticket.created", {"version": 1}),
    ("ticket.assigned", {"version": 2, "assigneeId": "a", "previousAssigneeId": None, "automatic": False}),
    ("ticket.status_changed", {"version": 3, "assigneeId": "a", "status": "resolved", "from": "open",
                               "to": "resolved", "verb": "resolve", "reason": None}),
]

Fold = Callable[[Database, Event], Awaitable[Any]]


async def _chat(db: Database, event: Event) -> None:
    await in_unit(db, lambda uow: chat_view.remember(db, event, uow))


async def _notifications(db: Database, event: Event) -> None:
    await in_unit(db, lambda uow: notifications_view.remember(db, event, uow))


async def _ia(db: Database, event: Event) -> None:
    await in_unit(db, lambda uow: ia_view.remember(db, event, uow))


VIEWS: dict[str, tuple[Fold, str]] = {
    "chat": (_chat, chat_store.TICKETS),
    "notifications": (_notifications, notifications_store.TICKETS),
    "ia": (_ia, ia_store.TICKETS),
}


def _event(type: str, data: dict[str, Any]) -> Event:
    return Event(type=type, data=snapshot(**data), company_id="c1", actor_id="a", occurred_at=TICK)


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("order", list(permutations(range(len(LIFE)))), ids=lambda order: "".join(map(str, order)))
async def test_a_ticket_folded_in_any_order_ends_resolved_by_its_agent(scratch_db: Database, view: str,
                                                                       order: tuple[int, ...]) -> None:
    fold, rows = VIEWS[view]
    for step in order:
        await fold(scratch_db, _event(*LIFE[step]))
    row = await scratch_db[rows].find_one({"_id": "t1"})
    assert row is not None
    assert (row["status"], row["assigneeId"], row["version"]) == ("resolved", "a", 3)


async def test_notifications_fills_in_a_ticket_it_first_heard_of_from_an_ia_event(scratch_db: Database) -> None:
    """The IA's events about a ticket carry no snapshot: the row they start is completed by the ticket's own."""
    await _notifications(scratch_db, Event(type="ticket.classified", data={"ticketId": "t1", "priority": "low"},
                                           company_id="c1", actor_id=None, occurred_at=TICK))
    await _notifications(scratch_db, _event(*LIFE[0]))
    row = await scratch_db[notifications_store.TICKETS].find_one({"_id": "t1"})
    assert row is not None and (row["reference"], row["status"], row["priority"]) == ("TKT-1", "open", "high")


@pytest.mark.parametrize("view", list(VIEWS))
async def test_a_snapshot_without_a_version_still_folds_over_a_row_with_one(scratch_db: Database, view: str) -> None:
    """An event written before snapshots carried the version, relayed after the upgrade, is not lost."""
    fold, rows = VIEWS[view]
    await fold(scratch_db, _event(*LIFE[0]))
    legacy = {k: v for k, v in LIFE[1][1].items() if k != "version"}
    await fold(scratch_db, Event(type=LIFE[1][0], data=snapshot(**legacy), company_id="c1", actor_id="a",
                                 occurred_at=TICK.replace(minute=1)))
    row = await scratch_db[rows].find_one({"_id": "t1"})
    assert row is not None and row["assigneeId"] == "a"


@pytest.mark.parametrize("view", list(VIEWS))
async def test_snapshots_without_a_version_are_ordered_by_when_they_occurred(scratch_db: Database, view: str) -> None:
    fold, rows = VIEWS[view]
    legacy = {k: v for k, v in LIFE[2][1].items() if k != "version"}
    await fold(scratch_db, Event(type=LIFE[2][0], data=snapshot(**legacy), company_id="c1", actor_id="a",
                                 occurred_at=TICK.replace(minute=10)))
    await fold(scratch_db, Event(type=LIFE[0][0], data=snapshot(), company_id="c1", actor_id="a",
                                 occurred_at=TICK.replace(minute=5)))  # older, folded later
    row = await scratch_db[rows].find_one({"_id": "t1"})
    assert row is not None and row["status"] == "resolved"


@pytest.mark.parametrize("view", list(VIEWS))
async def test_text_that_looks_like_an_operator_is_kept_as_text(scratch_db: Database, view: str) -> None:
    """The fold is an update pipeline: a title such as "$title" must not be read as the row's own field."""
    fold, rows = VIEWS[view]
    await fold(scratch_db, _event(*LIFE[0]))
    await fold(scratch_db, _event("ticket.updated", {"version": 2, "title": "$title", "description": "{$x}",
                                                     "changed": ["title"]}))
    row = await scratch_db[rows].find_one({"_id": "t1"})
    assert row is not None and (row["title"], row["version"]) == ("$title", 2)
