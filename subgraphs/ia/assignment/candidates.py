"""Who may be given a ticket: the company's active agents who are not offline and whose care group or skills fit.

The care group of the ticket's catalogue item is a must (the tickets service refuses an assignee outside
it); a ticket without one goes to the agents whose skills name its category, or, when nobody's do, to
any agent. Supervisors (tickets.manage) are not routed work, and nobody is given back a ticket they held.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from subgraphs.ia.readmodel.people import Person, can, is_agent

Ticket = dict[str, Any]
Excluded = tuple[str, str]  # (user id, why not)


def _lower(values: Iterable[str] | None) -> set[str]:
    return {value.lower() for value in values or () if value}


def skill_match(person: Person, ticket: Ticket) -> bool:
    category = (ticket.get("category") or "").lower()
    return bool(category) and category in _lower(person.get("skills"))


def unfit(person: Person, ticket: Ticket) -> str | None:
    """Why `person` cannot be given `ticket`, or None."""
    if not is_agent(person) or can(person, "tickets.manage"):
        return "not an agent"
    if person.get("status") != "active" or person.get("deleted"):
        return "not active"
    if person.get("activityStatus") == "offline":
        return "offline"
    group = ticket.get("careGroup")
    if group and group.lower() not in _lower(person.get("careGroups")):
        return f"not in the care group {group}"
    if person["_id"] in (ticket.get("heldBy") or ()):
        return "held the ticket before"
    return None


def candidates(people: Iterable[Person], ticket: Ticket) -> tuple[list[Person], list[Excluded]]:
    """The people who may take the ticket, and each other one with the reason they may not."""
    fit: list[Person] = []
    excluded: list[Excluded] = []
    for person in people:
        reason = unfit(person, ticket)
        if reason is None:
            fit.append(person)
        elif reason != "not an agent":  # customers and supervisors need no explanation
            excluded.append((person["_id"], reason))
    if ticket.get("careGroup") or not any(skill_match(p, ticket) for p in fit):
        return fit, excluded
    skilled = [p for p in fit if skill_match(p, ticket)]
    excluded += [(p["_id"], f"no skill in {ticket.get('category')}") for p in fit if not skill_match(p, ticket)]
    return skilled, excluded
