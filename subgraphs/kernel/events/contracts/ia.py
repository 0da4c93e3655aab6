"""The IA service's events about tickets: its triage, its routing and its duplicate suspicions. They name the
ticket but carry no snapshot: the ticket is the tickets service's to describe."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

CLASSIFIED = "ticket.classified"
ASSIGNMENT_SUGGESTED = "ticket.assignment_suggested"
ASSIGNMENT_NEEDED = "ticket.assignment_needed"
DUPLICATE_SUSPECTED = "ticket.duplicate_suspected"
OWN = frozenset({CLASSIFIED, ASSIGNMENT_SUGGESTED, ASSIGNMENT_NEEDED, DUPLICATE_SUSPECTED})


class Classified(TypedDict):
    ticketId: str
    category: str | None
    type: str | None
    priority: str | None
    confidence: float
    needsReview: bool
    model: str | None


class AssignmentSuggested(TypedDict):
    ticketId: str
    assigneeId: str | None
    score: float
    factors: dict[str, Any]
    reason: str


class AssignmentNeeded(TypedDict):
    ticketId: str
    reason: str
    careGroup: str | None
    category: str | None


class DuplicateSuspected(TypedDict):
    ticketId: str
    duplicateOfId: str
    similarity: float
    sameCreator: bool


CONTRACTS: dict[str, type] = {
    CLASSIFIED: Classified,
    ASSIGNMENT_SUGGESTED: AssignmentSuggested,
    ASSIGNMENT_NEEDED: AssignmentNeeded,
    DUPLICATE_SUSPECTED: DuplicateSuspected,
}
