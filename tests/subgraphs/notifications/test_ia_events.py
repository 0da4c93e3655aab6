"""The IA's events about tickets: a ticket nobody could take reaches the company's administrators, and the IA's
suggestions (which carry no ticket snapshot) never overwrite what notifications knows of the ticket."""

from __future__ import annotations

from subgraphs.kernel.events.envelope import Event
from subgraphs.notifications import store
from tests.fixtures.users import Tenant
from tests.subgraphs.notifications.conftest import Stack

BOTH = ("email", "in_app")


async def ia_event(stack: Stack, kind: str, company_id: str, **data: object) -> Event:
    """An event as the IA publishes it: no actor, no ticket snapshot."""
    event = Event(type=kind, data=data, company_id=company_id, actor_id=None)
    await stack.bus.publish(event)
    await stack.settled()
    return event


async def test_a_ticket_nobody_could_take_reaches_the_company_admins_only(stack: Stack, tenant: Tenant) -> None:
    deputy = await stack.factory.person(tenant, "company_admin")
    agent = await stack.factory.person(tenant, "agent")
    creator = await stack.factory.person(tenant, "customer")
    await stack.known(deputy, agent, creator, tenant.admin)
    ticket = stack.desk.ticket(tenant.id, creator.id, careGroup="Network")
    await stack.desk.raise_("ticket.created", ticket, actor_id=creator.id)
    event = await ia_event(stack, "ticket.assignment_needed", tenant.id, ticketId=ticket["ticketId"],
                           reason="no active agent fits this ticket and is online", careGroup="Network",
                           category="hardware")
    assert await stack.deliveries(event.id) == {(channel, person.id, "assignment_needed")
                                                for person in (tenant.admin, deputy) for channel in BOTH}
    [mail] = stack.mailbox.to(deputy.email, "assignment_needed")[-1:]
    assert mail.message["Subject"] == f"El ticket {ticket['reference']} necesita un agente"
    assert "grupo de atención Network" in mail.part("plain")


async def test_the_ias_suggestions_do_not_rewrite_the_ticket(stack: Stack, tenant: Tenant) -> None:
    creator = await stack.factory.person(tenant, "customer")
    await stack.known(creator)
    ticket = stack.desk.ticket(tenant.id, creator.id, priority="high")
    await stack.desk.raise_("ticket.created", ticket, actor_id=creator.id)
    await stack.settled()
    await ia_event(stack, "ticket.classified", tenant.id, ticketId=ticket["ticketId"], category="Printing",
                   type="incident", priority="low", confidence=0.4, needsReview=True, model="catalogue")
    await ia_event(stack, "ticket.assignment_suggested", tenant.id, ticketId=ticket["ticketId"],
                   assigneeId=creator.id, score=1.0, factors={}, reason="test")
    kept = await stack.db[store.TICKETS].find_one({"_id": ticket["ticketId"]})
    assert (kept["priority"], kept["assigneeId"], kept["reference"]) == ("high", None, ticket["reference"])
