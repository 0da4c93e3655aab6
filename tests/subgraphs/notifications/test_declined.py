"""What the notifications consumer declines: events that can change nothing it keeps are acknowledged before any
database work (no transaction, no processed-event marker), by `consumer.wanted`, from their content alone."""

from __future__ import annotations

from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.ids import new_id
from subgraphs.notifications import store
from tests.fixtures.users import Tenant
from tests.harness import eventually
from tests.subgraphs.notifications.conftest import Stack
from tests.subgraphs.notifications.test_ia_events import ia_event


async def test_events_that_change_nothing_here_are_declined_before_any_database_work(stack: Stack,
                                                                                     tenant: Tenant) -> None:
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
    signed_out = await stack.desk.chat("user.signed_out", tenant.id, userId=creator.id, companyId=tenant.id)
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
