"""Which events make a ticket's labels ones to learn from: a person's correction, or the desk's resolution."""

from __future__ import annotations

from typing import Any

from subgraphs.ia.classification.labelling import CORRECTED, RESOLVED, label_source
from subgraphs.kernel.events.envelope import Event


def event(type: str, actor: str | None = "agent", **data: Any) -> Event:
    return Event(type=type, data={"ticketId": "t1", **data}, company_id="c1", actor_id=actor)


def test_a_persons_triage_change_is_a_correction() -> None:
    assert label_source(event("ticket.updated", changed=["category"]), None) == CORRECTED
    assert label_source(event("ticket.updated", changed=["priority", "title"]), None) == CORRECTED
    assert label_source(event("ticket.updated", changed=["title"]), None) is None
    # The tickets service applying the IA's own classification teaches the IA nothing.
    assert label_source(event("ticket.updated", None, changed=["category"], automatic=True), None) is None


def test_a_resolution_labels_the_ticket_unless_a_person_already_did() -> None:
    resolved = event("ticket.status_changed", to="resolved")
    assert label_source(resolved, {"labelled": None}) == RESOLVED
    assert label_source(resolved, {"labelled": CORRECTED}) is None
    assert label_source(event("ticket.status_changed", to="closed"), None) is None
