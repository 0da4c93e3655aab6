"""The IA's classification of a ticket as the desk sees it: per target, and whether it stands on the ticket."""

from __future__ import annotations

from typing import Any

from subgraphs.ia.readmodel.tickets import TRIAGE, Ticket


def applied(ticket: Ticket) -> bool:
    """Confident, and the ticket carries the predicted labels now (the tickets service applied them, or a
    person agreed); a person's different triage, or a later change, makes it False."""
    found = ticket.get("classification") or {}
    targets = found.get("targets") or {}
    if not targets or found.get("needsReview"):
        return False
    return all(ticket.get(target) == targets[target]["label"] for target in TRIAGE if target in targets)


def classification_of(ticket: Ticket) -> dict[str, Any] | None:
    """The stored classification with `applied`, or None before the IA classified the ticket."""
    found = ticket.get("classification")
    return {**found, "applied": applied(ticket)} if found else None
