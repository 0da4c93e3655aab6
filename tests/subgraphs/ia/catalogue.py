"""A small IT catalogue for the IA tests: one item per category of the triage examples, and helpers to use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.subgraphs.ia.harness import IaDesk
from tests.subgraphs.tickets.harness import ASSIGN, CREATE_TICKET, Member, Team
from tests.subgraphs.tickets.ticket.test_status import move

# category: (item name, description, type, impact, urgency); priorities: Access medium, Hardware high,
# Printing low, Purchase low.
ITEMS: dict[str, tuple[str, str, str, str, str]] = {
    "Access": ("Account and access", "password reset, locked account, sign-in problems, access rights",
               "REQUEST", "MEDIUM", "MEDIUM"),
    "Hardware": ("Broken hardware", "laptop, screen, keyboard, mouse, docking station or battery broken",
                 "INCIDENT", "MEDIUM", "HIGH"),
    "Printing": ("Printer problem", "printer jams, toner, print queue, scanner", "INCIDENT", "LOW", "MEDIUM"),
    "Purchase": ("Purchase request", "order or buy equipment, licences and subscriptions", "REQUEST", "LOW", "LOW"),
}
LABELS = {"Access": ("REQUEST", "MEDIUM"), "Hardware": ("INCIDENT", "HIGH"), "Printing": ("INCIDENT", "LOW"),
          "Purchase": ("REQUEST", "LOW")}
UPDATE = """mutation($id: ID!, $i: UpdateTicketInput!) { updateTicket(id: $id, input: $i) { id category } }"""


@dataclass
class Catalogue:
    items: dict[str, str]  # category -> item id
    generic: str  # the team's Network item: a customer's vague choice


async def catalogue(desk: IaDesk, team: Team) -> Catalogue:
    items = {}
    for category, (name, description, type_, impact, urgency) in ITEMS.items():
        items[category] = await desk.item(team.admin, name=name, description=description, type=type_, category=category,
                                          impact=impact, urgency=urgency, careGroup=None)
    await desk.settle()
    return Catalogue(items, team.item_id)


async def open_ticket(team: Team, item_id: str, text: str, by: Member | None = None) -> dict[str, Any]:
    payload = {"itemId": item_id, "title": text[:60], "description": text}
    return (await (by or team.customer).ok(CREATE_TICKET, {"i": payload}))["createTicket"]


async def resolved(team: Team, item_id: str, text: str) -> dict[str, Any]:
    """A ticket opened under the right item and resolved by the desk: its labels are learnt."""
    ticket = await open_ticket(team, item_id, text)
    await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id})
    return await move(team.agent, ticket["id"], "RESOLVED")


async def corrected(team: Team, generic_item: str, text: str, category: str) -> dict[str, Any]:
    """A ticket opened under a vague item whose triage an agent corrects: its corrected labels are learnt."""
    ticket = await open_ticket(team, generic_item, text)
    type_, priority = LABELS[category]
    await team.agent.ok(UPDATE, {"id": ticket["id"], "i": {"category": category, "type": type_,
                                                          "priority": priority}})
    return ticket
