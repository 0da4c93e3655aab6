"""Chat messages left unread for a while: one batched notice per ticket and person, not one per message."""

from __future__ import annotations

from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.ids import new_id
from subgraphs.notifications import store
from tests.fixtures.users import Person, Tenant
from tests.harness import eventually
from tests.subgraphs.notifications.conftest import FAST, Stack

DELAY = FAST["chat_unread_delay_seconds"]


async def notices(stack: Stack, person: Person, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return await stack.db[store.NOTIFICATIONS].find({"recipientId": person.id, "kind": "chat_unread",
                                                     "target.id": ticket["ticketId"]}).to_list(None)


async def say(stack: Stack, ticket: dict[str, Any], author: Person, text: str, kind: str = "text") -> None:
    await stack.desk.chat("chat.message_added", ticket["companyId"], ticketId=ticket["ticketId"], messageId=new_id(),
                          authorId=author.id, kind=kind, text=text)


async def test_unread_messages_are_told_once_per_batch_to_each_participant(stack: Stack, tenant: Tenant) -> None:
    creator, agent, watcher, bystander = [await stack.factory.person(tenant, r)
                                          for r in ("customer", "agent", "customer", "agent")]
    await stack.known(creator, agent, watcher, bystander)
    ticket = stack.desk.ticket(tenant.id, creator.id, assigneeId=agent.id, watcherIds=[watcher.id])
    await stack.desk.raise_("ticket.created", ticket, actor_id=creator.id)
    # The three messages are one batch because they come within the delay of the first. Time stands still while
    # they are sent: on a loaded machine real time could pass the delay between two of them, and the late one
    # would rightly open a second batch (a message after a batch was told is news again).
    clock.freeze(clock.now())
    try:
        for text in ("Hi, I am on it", "Can you send a photo?", "And the model number"):
            await say(stack, ticket, agent, text)
        await say(stack, ticket, agent, "Agent joined", kind="system")
        await stack.bus.drain()  # all four handled, each at the frozen time
    finally:
        clock.reset()

    await eventually(lambda: _has(stack, creator, ticket), timeout=DELAY * 10, what="creator's batch told")
    await eventually(lambda: _has(stack, watcher, ticket), timeout=DELAY * 10, what="watcher's batch told")
    await later_batch_told(stack, tenant, creator, agent)
    await stack.settled()
    [told] = await notices(stack, creator, ticket)
    assert told["title"] == f"3 mensajes sin leer en el ticket {ticket['reference']}"
    assert "Can you send a photo?" in told["body"]
    assert len(await notices(stack, watcher, ticket)) == 1
    assert await notices(stack, agent, ticket) == [] and await notices(stack, bystander, ticket) == []
    [mail] = [m for m in stack.mailbox.to(creator.email, "chat_unread") if ticket["reference"] in m.message["Subject"]]
    assert "And the model number" in mail.part("plain") and "Agent joined" not in mail.part("plain")


async def test_reading_the_chat_in_time_cancels_the_notice(stack: Stack, tenant: Tenant) -> None:
    creator, agent = await stack.factory.person(tenant, "customer"), await stack.factory.person(tenant, "agent")
    await stack.known(creator, agent)
    ticket = stack.desk.ticket(tenant.id, creator.id, assigneeId=agent.id)
    await stack.desk.raise_("ticket.created", ticket, actor_id=creator.id)
    await say(stack, ticket, agent, "Fixed, please check")
    await stack.desk.chat("chat.messages_read", tenant.id, ticketId=ticket["ticketId"], userId=creator.id)
    await later_batch_told(stack, tenant, creator, agent)
    await stack.settled()
    assert await notices(stack, creator, ticket) == []
    # A later message opens a new batch.
    await say(stack, ticket, agent, "Anything else?")
    await eventually(lambda: _has(stack, creator, ticket), timeout=DELAY * 10, what="new batch told")


async def later_batch_told(stack: Stack, tenant: Tenant, reader: Person, author: Person) -> None:
    """Leave `reader` a message unread on a ticket of its own and wait until its batch is told. Batches are told in
    the order they fall due, and this one falls due after every batch opened before it: by then each of those has
    been told, or was never there to tell."""
    other = stack.desk.ticket(tenant.id, reader.id, assigneeId=author.id)
    await stack.desk.raise_("ticket.created", other, actor_id=reader.id)
    await say(stack, other, author, "Anything new on your side?")
    await eventually(lambda: _has(stack, reader, other), timeout=DELAY * 10, what="a later batch told")


async def _has(stack: Stack, person: Person, ticket: dict[str, Any]) -> bool:
    return bool(await notices(stack, person, ticket))
