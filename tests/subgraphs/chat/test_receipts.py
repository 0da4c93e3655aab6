"""Read receipts per person (they only move forward), the caller's unread count, and the event notifications reads."""

from __future__ import annotations

from tests.subgraphs.chat.harness import READ, ChatDesk, chat_view, sent
from tests.subgraphs.chat.test_messages import ticket_for
from tests.subgraphs.tickets.harness import Member, Team


async def unread(desk: ChatDesk, member: Member, ticket_id: str) -> int:
    view = await chat_view(desk, member, ticket_id)
    assert view is not None
    return view["unreadCount"]


async def test_unread_counts_others_messages_after_the_receipt(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)  # its assignment left a system message, which is not counted
    assert await unread(chat_desk, team.customer, ticket["id"]) == 0
    first = await sent(chat_desk, team.agent, ticket["id"], "one")
    await sent(chat_desk, team.agent, ticket["id"], "two")
    await sent(chat_desk, team.customer, ticket["id"], "mine")
    assert await unread(chat_desk, team.customer, ticket["id"]) == 2
    assert await unread(chat_desk, team.agent, ticket["id"]) == 1
    talk = chat_desk.talk(team.customer)
    receipt = (await talk(READ, {"t": ticket["id"], "m": first["id"]})).ok()["markChatRead"]
    assert receipt["lastReadMessageId"] == first["id"] and receipt["user"]["id"] == team.customer.id
    assert await unread(chat_desk, team.customer, ticket["id"]) == 1
    newest = (await talk(READ, {"t": ticket["id"]})).ok()["markChatRead"]
    assert await unread(chat_desk, team.customer, ticket["id"]) == 0
    again = (await talk(READ, {"t": ticket["id"], "m": first["id"]})).ok()["markChatRead"]
    assert again["lastReadMessageId"] == newest["lastReadMessageId"]  # a receipt never moves back


LIST = """query($a: ID!, $b: ID!) { _entities(representations: [{__typename: "Ticket", id: $a},
  {__typename: "Ticket", id: $b}]) { ... on Ticket { id unreadCount } } }"""


async def test_a_list_of_tickets_counts_each_ones_unread_after_its_own_receipt(chat_desk: ChatDesk, team: Team) -> None:
    """A list's receipts are read in one query beside the tickets: each count still follows its own ticket's."""
    read, unread_one = await ticket_for(chat_desk, team), await ticket_for(chat_desk, team)
    for ticket in (unread_one, read):  # the receipt then names a message newer than all of the other chat's
        await sent(chat_desk, team.agent, ticket["id"], "one")
        await sent(chat_desk, team.agent, ticket["id"], "two")
    (await chat_desk.talk(team.customer)(READ, {"t": read["id"]})).ok()
    await sent(chat_desk, team.agent, read["id"], "three")
    rows = (await chat_desk.talk(team.customer)(LIST, {"a": read["id"], "b": unread_one["id"]})).ok()["_entities"]
    assert rows == [{"id": read["id"], "unreadCount": 1}, {"id": unread_one["id"], "unreadCount": 2}]


async def test_a_platform_administrators_unread_count_follows_their_receipt_in_another_company(
        chat_desk: ChatDesk, team: Team) -> None:
    """The caller's receipt is read beside the ticket from their own company; a platform administrator's receipt
    of another company's chat is kept in that company, and their count follows it."""
    ticket = await ticket_for(chat_desk, team)
    root = await chat_desk.platform_root()
    await sent(chat_desk, team.agent, ticket["id"], "one")
    (await chat_desk.talk(root)(READ, {"t": ticket["id"]})).ok()
    await sent(chat_desk, team.agent, ticket["id"], "two")
    assert await unread(chat_desk, root, ticket["id"]) == 1
    assert await unread(chat_desk, team.customer, ticket["id"]) == 2


async def test_receipts_are_listed_and_evented_once_per_move(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    message = await sent(chat_desk, team.agent, ticket["id"], "read me")
    for _ in range(2):
        (await chat_desk.talk(team.customer)(READ, {"t": ticket["id"]})).ok()
    view = await chat_view(chat_desk, team.agent, ticket["id"])
    assert view is not None
    [receipt] = view["chatReceipts"]
    assert receipt["user"]["id"] == team.customer.id and receipt["user"]["name"].startswith("Customer ")
    assert receipt["lastReadMessageId"] == message["id"]
    [event] = await chat_desk.events("chat.messages_read", ticketId=ticket["id"])
    assert event["data"]["userId"] == team.customer.id and event["companyId"] == team.id


async def test_a_receipt_names_a_message_of_its_own_chat(chat_desk: ChatDesk, team: Team) -> None:
    ticket, elsewhere = await ticket_for(chat_desk, team), await ticket_for(chat_desk, team)
    foreign = await sent(chat_desk, team.agent, elsewhere["id"], "other chat")
    for bad in (foreign["id"], "nope"):
        refused = await chat_desk.talk(team.customer)(READ, {"t": ticket["id"], "m": bad})
        assert refused.code() == "BAD_USER_INPUT" and refused.errors[0]["extensions"]["field"] == "upToMessageId"
