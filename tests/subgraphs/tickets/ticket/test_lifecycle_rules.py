"""The lifecycle table, checked pair by pair: what moves where, for whom, and what a refusal names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from subgraphs.kernel.errors import BadUserInput, Forbidden
from subgraphs.tickets.ticket.access import Standing
from subgraphs.tickets.ticket.lifecycle import TRANSITIONS, Situation, Status, allowed_targets, check

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
WEEK = timedelta(days=7)
NOBODY = Standing(creator=False, assignee=False, tutor=False, watcher=False, reader=True, editor=True,
                  supervisor=False, notes=True, staff=True)
ROLES = {
    "creator": Standing(**{**vars(NOBODY), "creator": True, "reader": False, "editor": False, "staff": False}),
    "assignee": Standing(**{**vars(NOBODY), "assignee": True}),
    "tutor": Standing(**{**vars(NOBODY), "tutor": True}),
    "supervisor": Standing(**{**vars(NOBODY), "supervisor": True}),
    "watcher": Standing(**{**vars(NOBODY), "watcher": True, "reader": False, "editor": False, "staff": False}),
    "other agent": NOBODY,
}
STEPS = {(t.source, t.target) for t in TRANSITIONS}


def situation(status: Status, *, assigned: bool = True, resolved_at: datetime | None = None) -> Situation:
    return Situation(status, assigned, resolved_at or (NOW - timedelta(days=1)), NOW, WEEK)


@pytest.mark.parametrize(("source", "target"), [p for p in product(Status, Status) if p not in STEPS],
                         ids=lambda s: s.label)
def test_every_move_outside_the_table_is_bad_input_naming_the_allowed_ones(source: Status, target: Status) -> None:
    supervisor = ROLES["supervisor"]
    with pytest.raises(BadUserInput) as refused:
        check(situation(source), supervisor, target, "a reason")
    expected = [t.target.label for t in TRANSITIONS if t.source is source]
    assert refused.value.extensions["allowed"] == expected
    assert refused.value.message.endswith("allowed: " + (", ".join(expected) or "none"))


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: f"{t.source.label}-{t.verb}")
def test_each_move_belongs_to_its_people_only(transition) -> None:  # type: ignore[no-untyped-def]
    for name, standing in ROLES.items():
        holds = name in transition.who
        if holds:
            assert check(situation(transition.source), standing, transition.target, "why") is transition
        else:
            with pytest.raises(Forbidden):
                check(situation(transition.source), standing, transition.target, "why")


def test_the_work_moves_need_an_assignee_and_a_hold_needs_a_reason() -> None:
    supervisor = ROLES["supervisor"]
    unassigned = situation(Status.OPEN, assigned=False)
    assert allowed_targets(unassigned, supervisor) == [Status.CANCELLED]
    with pytest.raises(BadUserInput, match="assign the ticket before moving it to IN_PROGRESS; allowed now: CANCELLED"):
        check(unassigned, supervisor, Status.IN_PROGRESS, None)
    for reason in (None, "", "   "):
        with pytest.raises(BadUserInput, match="putting a ticket on hold needs a reason"):
            check(situation(Status.IN_PROGRESS), supervisor, Status.ON_HOLD, reason)


def test_reopening_only_within_the_window() -> None:
    creator = ROLES["creator"]
    fresh = situation(Status.RESOLVED, resolved_at=NOW - timedelta(days=6))
    assert allowed_targets(fresh, creator) == [Status.CLOSED, Status.OPEN]
    stale = situation(Status.RESOLVED, resolved_at=NOW - timedelta(days=8))
    assert allowed_targets(stale, creator) == [Status.CLOSED]
    with pytest.raises(BadUserInput, match=r"the reopen window closed at .*; allowed now: CLOSED"):
        check(stale, creator, Status.OPEN, None)


def test_what_each_person_may_do_from_each_state() -> None:
    table = {name: {s.label: [t.label for t in allowed_targets(situation(s), standing)] for s in Status}
             for name, standing in ROLES.items()}
    assert table["creator"] == {"OPEN": ["CANCELLED"], "IN_PROGRESS": ["CANCELLED"], "ON_HOLD": ["CANCELLED"],
                                "RESOLVED": ["CLOSED", "OPEN"], "CLOSED": [], "CANCELLED": []}
    assert table["assignee"] == table["tutor"] == {
        "OPEN": ["IN_PROGRESS", "ON_HOLD", "RESOLVED"], "IN_PROGRESS": ["ON_HOLD", "RESOLVED"],
        "ON_HOLD": ["IN_PROGRESS", "RESOLVED"], "RESOLVED": ["OPEN"], "CLOSED": [], "CANCELLED": []}
    assert table["watcher"] == table["other agent"] == {s.label: [] for s in Status}
