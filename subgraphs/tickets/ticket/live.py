"""Live ticket changes: what the instance's feed carries, how events find their subscribers, who may see them."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.envelope import Event

SKIPPED = frozenset({ticket_events.MENTIONED})  # the same change as the ticket.commented beside it
# Our own events, each by name: the IA's conclusions share the `ticket.` prefix but tell no subscriber anything.
CHANNELS = tuple(sorted(set(ticket_events.CONTRACTS) - SKIPPED))


def ticket_key(ticket_id: str) -> tuple[str, str]:
    return ("ticket", ticket_id)


def company_key(company_id: str) -> tuple[str, str]:
    return ("company", company_id)


def routes(event: Event) -> Iterable[Hashable]:
    """Our own ticket events carry the ticket's snapshot; the IA's conclusions do not (a change they make
    follows as our ticket.updated)."""
    data = event.data
    if "reference" not in data or event.type in SKIPPED or not event.company_id:
        return []
    return [ticket_key(data["ticketId"]), company_key(event.company_id)]


def hidden_from(principal: Principal, data: dict[str, Any]) -> bool:
    """An internal note's event: those who may not read notes are not told the ticket changed at all (what they
    could see of it did not change, and an update with nothing new would tell them a note was written)."""
    return bool(data.get("internal")) and not principal.can("tickets.internal_notes", data.get("companyId"))


def might_see(principal: Principal, data: dict[str, Any]) -> bool:
    """A cheap first look from the event's snapshot; the database has the last word."""
    if principal.can("tickets.read", data.get("companyId")):
        return True
    people = [data.get("creatorId"), data.get("assigneeId"), data.get("tutorId"), *(data.get("watcherIds") or ())]
    return principal.user_id in people
