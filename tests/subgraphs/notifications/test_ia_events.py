"""The IA's events about tickets: a ticket nobody could take reaches the company's administrators, and the IA's
suggestions (which carry no ticket snapshot) never overwrite what notifications knows of the ticket."""

from __future__ import annotations

from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.ids import new_id
from subgraphs.notifications import store
from tests.fixtures.users import Tenant
from tests.harness import eventually
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


async def test_events_that_change_nothing_here_cost_no_database_work(stack: Stack, tenant: Tenant) -> None:
    """The IA's suggestions, a system message in the chat, an edited message or comment and a signing out change
    nothing the notifications keep: each is acknowledged with no transaction and no marker. A person's message in the
    same chat is handled as ever."""
    creator, agent = await stack.factory.person(tenant, "customer"), await stack.factory.person(tenant, "agent")
    await stack.known(creator, agent)
    ticket = stack.desk.ticket(tenant.id, creator.id, assigneeId=agent.id)
    await stack.desk.raise_("ticket.created", ticket, actor_id=creator.id)
    await stack.settled()
    about = {"ticketId": ticket["ticketId"]}
    declined = [
        await ia_event(stack, "ticket.classified", tenant.id, **about, category="Printing", type="incident",
                       priority="low", confidence=0.9, needsReview=False, model="catalogue"),
        await ia_event(stack, "ticket.assignment_suggested", tenant.id, **about, assigneeId=agent.id, score=1.0,
                       factors={}, reason="test"),
        await stack.desk.chat("chat.message_added", tenant.id, **about, messageId=new_id(), authorId=agent.id,
                              kind="system", text="Agent joined"),
        await stack.desk.chat("chat.message_edited", tenant.id, **about, messageId=new_id(), authorId=agent.id),
        await stack.desk.raise_("ticket.comment_edited", ticket, actor_id=creator.id, commentId=new_id(),
                                authorId=creator.id),
    ]
    signed_out = Event(type="user.signed_out", data={"userId": creator.id, "companyId": tenant.id},
                       company_id=tenant.id, actor_id=creator.id)
    await stack.bus.publish(signed_out)
    handled = await stack.desk.chat("chat.message_added", tenant.id, **about, messageId=new_id(), authorId=agent.id,
                                    kind="text", text="On my way")
    await stack.settled()

    async def markers(event: Event) -> int:
        return await stack.db["processed_events"].count_documents({"_id": {"$regex": f":{event.id}$"}})

    assert [await markers(event) for event in [*declined, signed_out]] == [0] * 6
    assert await markers(handled) == 1

    async def told() -> list[dict[str, object]]:
        return await stack.db[store.NOTIFICATIONS].find({"recipientId": creator.id, "kind": "chat_unread",
                                                         "target.id": ticket["ticketId"]}).to_list(None)

    await eventually(told, timeout=10, what="the unread message told to the creator")
    [notice] = await told()
    assert "On my way" in str(notice["body"]) and "Agent joined" not in str(notice["body"])
