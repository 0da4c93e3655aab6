"""The agents' work log from ticket events: who was given, resolved, saw reopened or gave back what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from subgraphs.ia.assignment.activity import rows_for
from subgraphs.kernel.events.envelope import Event
from tests.subgraphs.ia.assignment.factories import NOW


def event(type: str, actor: str | None, **data: Any) -> Event:
    return Event(type=type, data={"ticketId": "t1", "priority": "high", **data}, company_id="c1", actor_id=actor,
                 occurred_at=NOW)


def kinds(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(row["kind"], row["agentId"]) for row in found]


def test_an_assignment_and_a_hand_back() -> None:
    assigned = rows_for(event("ticket.assigned", "admin", assigneeId="a", previousAssigneeId=None), None)
    assert kinds(assigned) == [("assigned", "a")] and assigned[0]["selfAssigned"] is False
    assert kinds(rows_for(event("ticket.assigned", "a", assigneeId=None, previousAssigneeId="a"), None)) == [
        ("handed_back", "a")]
    # An administrator moving the ticket on is no hand-back of the agent's.
    assert kinds(rows_for(event("ticket.assigned", "admin", assigneeId="b", previousAssigneeId="a"), None)) == [
        ("assigned", "b")]


def test_a_resolution_counts_the_time_held_and_a_reopen_goes_to_the_resolver() -> None:
    before = {"assignedAt": NOW - timedelta(minutes=90), "lastResolverId": "a"}
    [resolved] = rows_for(event("ticket.status_changed", "a", to="resolved", assigneeId="a"), before)
    assert (resolved["kind"], resolved["agentId"], resolved["heldMinutes"]) == ("resolved", "a", 90.0)
    assert kinds(rows_for(event("ticket.status_changed", "c", to="open", verb="reopen", assigneeId="a"), before)) == [
        ("reopened", "a")]
    assert rows_for(event("ticket.commented", "a"), before) == []
