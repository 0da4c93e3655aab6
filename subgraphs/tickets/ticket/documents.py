"""What other services learn about a ticket through its events."""

from __future__ import annotations

from typing import Any

from subgraphs.kernel.events.contracts.tickets import DESCRIPTION_IN_EVENTS, TicketSnapshot


def snapshot(ticket: dict[str, Any]) -> TicketSnapshot:
    """The ticket as every ticket event carries it: identity, state and the people involved."""
    sla = ticket.get("sla") or {}
    return {
        "ticketId": ticket["_id"], "companyId": ticket["companyId"], "reference": ticket["reference"],
        "title": ticket["title"], "description": (ticket.get("description") or "")[:DESCRIPTION_IN_EVENTS],
        "status": ticket["status"], "type": ticket["type"], "priority": ticket["priority"],
        "category": ticket["category"], "tags": ticket.get("tags") or [], "itemId": ticket["itemId"],
        "careGroup": ticket.get("careGroup"), "creatorId": ticket["creatorId"],
        "assigneeId": ticket.get("assigneeId"), "tutorId": ticket.get("tutorId"),
        "watcherIds": ticket.get("watchers") or [], "createdAt": ticket["createdAt"],
        "responseDueAt": sla.get("responseDueAt"), "resolutionDueAt": sla.get("resolutionDueAt"),
        "version": ticket["version"],
    }
