"""Sending, editing and deleting messages; history page by page; the event notifications batches."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from subgraphs.chat.people.model import PersonName
from subgraphs.kernel import clock
from tests.subgraphs.chat.harness import DELETE, EDIT, ChatDesk, chat_view, send, sent
from tests.subgraphs.tickets.conversation.test_conversation import reply
from tests.subgraphs.tickets.harness import TICKET, Team

DELETED_FIELDS = "id text file { url } deleted deletedAt"
GATEWAY_SEND = f"mutation($t: ID!, $x: String!) {{ sendChatMessage(ticketId: $t, text: $x) {{ {DELETED_FIELDS} }} }}"
GATEWAY_DELETE = f"mutation($id: ID!) {{ deleteChatMessage(id: $id) {{ {DELETED_FIELDS} }} }}"
GATEWAY_CHAT = f"query($t: ID!) {{ ticket(id: $t) {{ messages {{ edges {{ node {{ {DELETED_FIELDS} }} }} }} }} }}"


async def ticket_for(desk: ChatDesk, team: Team, *, assigned: bool = True, **fields: Any) -> dict[str, Any]:
    """A ticket of the team's customer (assigned to the Network agent, unless told), known to the chat."""
    ticket = await (team.assigned(**fields) if assigned else team.ticket(**fields))
    await desk.settle()
    return ticket


async def test_every_participant_and_the_admin_talk_in_the_chat(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team, watcherIds=[team.colleague.id], title="Printer on fire")
    for member, text in ((team.customer, "It smokes"), (team.agent, "On my way"), (team.colleague, "Me too"),
                         (team.admin, "Noted")):
        message = await sent(chat_desk, member, ticket["id"], text)
        assert message["text"] == text and message["kind"] == "TEXT" and not message["deleted"]
        assert message["author"]["id"] == member.id
        expected = "Ada Admin" if member is team.admin else member.role.title() + " "
        assert message["author"]["name"].startswith(expected)  # chat's own read model of people
        assert message["ticket"] == {"id": ticket["id"], "title": "Printer on fire"}
    history = await chat_view(chat_desk, team.customer, ticket["id"], old=True)
    assert history is not None
    texts = [e["node"]["text"] for e in history["messages"]["edges"] if e["node"]["kind"] == "TEXT"]
    assert texts == ["It smokes", "On my way", "Me too", "Noted"]


NAMES = "author { id name firstName lastName }"
RENAME = "mutation($u: ID!, $i: UpdateUserInput!) { updateUser(id: $u, input: $i) { id firstName lastName } }"


async def test_a_message_shows_its_authors_first_and_last_name_as_they_are_now(chat_desk: ChatDesk,
                                                                                 team: Team) -> None:
    """Chat provides a writer's whole name and its parts from its own read model (no look-up in users per
    message): in what a send returns, in a live frame, in the history and in the event, as renamed."""
    writer = await chat_desk.customer(team.tenant)  # has written nowhere yet: no name of theirs is kept
    ticket = await team.ticket(by=writer)
    renamed = (await team.admin.person.client(RENAME, {"u": writer.id, "i": {"firstName": "Mónica",
                                                                            "lastName": "de la Rosa"}})).ok()
    assert renamed["updateUser"] == {"id": writer.id, "firstName": "Mónica", "lastName": "de la Rosa"}
    await chat_desk.settle()
    query = f"mutation($t: ID!, $x: String!) {{ sendChatMessage(ticketId: $t, text: $x) {{ {NAMES} }} }}"
    live = f"subscription($t: ID!) {{ messageAdded(ticketId: $t) {{ {NAMES} }} }}"
    history = ("query($t: ID!) { _entities(representations: [{__typename: \"Ticket\", id: $t}]) { ... on Ticket { "
               f"messages(first: 1) {{ edges {{ node {{ {NAMES} }} }} }} }} }} }}")
    async with chat_desk.subscribed(team.admin, live, {"t": ticket["id"]}, ticket["id"]) as client:
        sent_back = (await chat_desk.talk(writer)(query, {"t": ticket["id"], "x": "Hola"})).ok()
        frame = await client.receive()
    expected = {"id": writer.id, "name": "Mónica de la Rosa", "firstName": "Mónica", "lastName": "de la Rosa"}
    assert sent_back["sendChatMessage"]["author"] == expected
    assert frame["payload"]["data"]["messageAdded"]["author"] == expected
    [entity] = (await chat_desk.talk(team.admin)(history, {"t": ticket["id"]})).ok()["_entities"]
    assert entity["messages"]["edges"][0]["node"]["author"] == expected
    [event] = await chat_desk.events("chat.message_added", authorId=writer.id)
    assert (event["data"]["authorFirstName"], event["data"]["authorLastName"]) == ("Mónica", "de la Rosa")


async def test_the_history_names_a_writer_not_on_the_ticket_as_they_are_now(chat_desk: ChatDesk, team: Team) -> None:
    """The participants' names are read beside a history page, then the other writers' (an administrator who
    looked in): each is shown as renamed since, not as the message carried them."""
    ticket = await ticket_for(chat_desk, team)
    helper = await chat_desk.person(team.tenant, "company_admin")
    await sent(chat_desk, helper, ticket["id"], "An administrator looks in")
    customer = (await sent(chat_desk, team.customer, ticket["id"], "Thanks"))["author"]
    (await team.admin.person.client(RENAME, {"u": helper.id, "i": {"firstName": "Inés", "lastName": "Vidal"}})).ok()
    await chat_desk.settle()
    history = await chat_view(chat_desk, team.agent, ticket["id"])
    assert history is not None
    authors = {e["node"]["author"]["id"]: e["node"]["author"]["name"]
               for e in history["messages"]["edges"] if e["node"]["author"]}
    assert authors == {helper.id: "Inés Vidal", team.customer.id: customer["name"]}


async def test_the_message_added_event_is_what_notifications_reads(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team, watcherIds=[team.colleague.id])
    message = await sent(chat_desk, team.agent, ticket["id"], "x" * 400)
    [event] = await chat_desk.events("chat.message_added", messageId=message["id"])
    data = event["data"]
    assert event["companyId"] == team.id and event["actorId"] == team.agent.id
    assert (data["ticketId"], data["authorId"], data["kind"]) == (ticket["id"], team.agent.id, "text")
    assert data["text"] == "x" * 400 and data["excerpt"] == "x" * 280
    assert sorted(data["participantIds"]) == sorted([team.customer.id, team.agent.id, team.colleague.id])
    assert data["fromDesk"] is True  # an agent of the company, who did not open the ticket
    reply = await sent(chat_desk, team.customer, ticket["id"], "thanks")
    [event] = await chat_desk.events("chat.message_added", messageId=reply["id"])
    assert event["data"]["fromDesk"] is False


async def test_the_first_desk_message_in_the_chat_is_the_tickets_first_response(chat_desk: ChatDesk,
                                                                                team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    await sent(chat_desk, team.customer, ticket["id"], "Any news?")
    await chat_desk.settle()
    assert (await team.customer.ok(TICKET, {"id": ticket["id"]}))["ticket"]["sla"]["firstResponseAt"] is None
    answer = await sent(chat_desk, team.agent, ticket["id"], "Looking at it")
    await chat_desk.settle()
    answered = (await team.customer.ok(TICKET, {"id": ticket["id"]}))["ticket"]["sla"]["firstResponseAt"]
    gap = datetime.fromisoformat(answered) - datetime.fromisoformat(answer["createdAt"])
    assert abs(gap) < timedelta(seconds=1)  # when the message was sent


async def test_text_is_trimmed_and_limited(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    assert (await sent(chat_desk, team.customer, ticket["id"], "  two\nlines \n"))["text"] == "two\nlines"
    for text in ("", "   \n ", "y" * 4001):
        refused = await send(chat_desk, team.customer, ticket["id"], text)
        assert refused.code() == "BAD_USER_INPUT" and refused.errors[0]["extensions"]["field"] == "text"
    assert (await sent(chat_desk, team.customer, ticket["id"], "y" * 4000))["text"] == "y" * 4000


async def test_history_pages_with_cursors_newest_first_by_default(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team, assigned=False)  # no system message about an assignment
    texts = [f"message {n}" for n in range(7)]
    for text in texts:
        await sent(chat_desk, team.customer, ticket["id"], text)
    seen, after = [], None
    while True:
        view = await chat_view(chat_desk, team.admin, ticket["id"], first=3, after=after)
        assert view is not None
        page = view["messages"]
        assert page["totalCount"] == 7
        seen += [e["node"]["text"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == texts[::-1]
    oldest = await chat_view(chat_desk, team.admin, ticket["id"], first=2, old=True)
    assert oldest is not None and [e["node"]["text"] for e in oldest["messages"]["edges"]] == texts[:2]
    refused = await chat_desk.talk(team.admin)("query($t: ID!) { _entities(representations: "
                                               "[{__typename: \"Ticket\", id: $t}]) { ... on Ticket { "
                                               "messages(after: \"nonsense\") { totalCount } } } }",
                                               {"t": ticket["id"]})
    assert refused.code() == "BAD_USER_INPUT"


async def test_authors_edit_their_own_messages_within_the_window(chat_desk: ChatDesk, team: Team,
                                                                 frozen: None) -> None:
    ticket = await ticket_for(chat_desk, team)
    clock.freeze(clock.now())
    message = await sent(chat_desk, team.customer, ticket["id"], "Helo")
    clock.advance(timedelta(minutes=14))
    talk = chat_desk.talk(team.customer)
    edited = (await talk(EDIT, {"id": message["id"], "x": "Hello"})).ok()["editChatMessage"]
    assert edited["text"] == "Hello" and edited["editedAt"] is not None
    assert (await chat_desk.talk(team.agent)(EDIT, {"id": message["id"], "x": "Hijacked"})).code() == "FORBIDDEN"
    assert (await talk(EDIT, {"id": message["id"], "x": " "})).code() == "BAD_USER_INPUT"
    clock.advance(timedelta(minutes=2))
    late = await talk(EDIT, {"id": message["id"], "x": "Too late"})
    assert late.code() == "BAD_USER_INPUT" and "15 minutes" in late.errors[0]["message"]
    [event] = await chat_desk.events("chat.message_edited", messageId=message["id"])
    assert event["data"]["text"] == "Hello" and event["data"]["ticketId"] == ticket["id"]


async def test_authors_delete_their_own_messages_and_the_place_stays(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    message = await sent(chat_desk, team.customer, ticket["id"], "Oops, my password is hunter2")
    assert (await chat_desk.talk(team.agent)(DELETE, {"id": message["id"]})).code() == "FORBIDDEN"
    gone = (await chat_desk.talk(team.customer)(DELETE, {"id": message["id"]})).ok()["deleteChatMessage"]
    assert gone["deleted"] and gone["text"] is None
    view = await chat_view(chat_desk, team.agent, ticket["id"])
    assert view is not None
    [edge] = [e for e in view["messages"]["edges"] if e["node"]["id"] == message["id"]]
    assert edge["node"]["deleted"] and "hunter2" not in str(view)
    assert (await chat_desk.talk(team.customer)(DELETE, {"id": message["id"]})).code() == "NOT_FOUND"
    assert await chat_desk.events("chat.message_deleted", messageId=message["id"])


async def test_a_deleted_message_reads_like_a_deleted_comment_through_the_gateway(chat_desk: ChatDesk, team: Team,
                                                                                   gateway_url: str) -> None:
    ticket = await ticket_for(chat_desk, team)
    customer, agent = chat_desk.through(gateway_url, team.customer), chat_desk.through(gateway_url, team.agent)
    sent_ = (await customer.ok(GATEWAY_SEND, {"t": ticket["id"], "x": "My PIN is 1234"}))["sendChatMessage"]
    assert sent_["text"] == "My PIN is 1234" and sent_["deletedAt"] is None and not sent_["deleted"]
    gone = (await customer.ok(GATEWAY_DELETE, {"id": sent_["id"]}))["deleteChatMessage"]
    assert gone["deleted"] and gone["text"] is None and gone["file"] is None and gone["deletedAt"] is not None
    edges = (await agent.ok(GATEWAY_CHAT, {"t": ticket["id"]}))["ticket"]["messages"]["edges"]
    assert [e["node"] for e in edges if e["node"]["id"] == sent_["id"]] == [gone]


async def test_a_message_by_id_for_those_who_read_its_chat(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await ticket_for(chat_desk, team)
    message = await sent(chat_desk, team.customer, ticket["id"], "Find me")
    query = "query($id: ID!) { chatMessage(id: $id) { text ticket { id } } }"
    found = (await chat_desk.talk(team.agent)(query, {"id": message["id"]})).ok()["chatMessage"]
    assert found == {"text": "Find me", "ticket": {"id": ticket["id"]}}
    for stranger in (team.colleague, team.other_agent):
        assert (await chat_desk.talk(stranger)(query, {"id": message["id"]})).ok()["chatMessage"] is None
    assert (await chat_desk.talk(team.agent)(query, {"id": "not-an-id"})).ok()["chatMessage"] is None


def test_an_event_written_before_the_names_were_carried_still_gives_both_parts() -> None:
    """Events and messages from before first and last names travelled have only the whole name."""
    assert PersonName.carried({"authorName": "Ana María Soto"}, "author") == PersonName("Ana", "María Soto")
    assert PersonName.carried({"name": ""}) == PersonName("", "")
    now = PersonName("Mónica", "de la Rosa")
    assert PersonName.carried(now.carry("author"), "author") == now and PersonName.carried(now.carry()) == now
    assert now.carry() == {"name": "Mónica de la Rosa", "firstName": "Mónica", "lastName": "de la Rosa"}


PAGE = """query($t: ID!, $first: Int!) { ticket(id: $t) {
  comments(first: $first) { edges { node { body } } pageInfo { hasNextPage } }
  messages(first: $first) { edges { node { text } } pageInfo { hasNextPage } } } }"""
ALIASED = """query($t: ID!) { ticket(id: $t) {
  oldestComment: comments(first: 1) { edges { node { body } } } comments: comments(first: 5) { edges { node { body } } }
  newest: messages(first: 1) { edges { node { text } } }
  oldest: messages(first: 2, oldestFirst: true) { edges { node { text } } } } }"""


def _said(page: dict[str, Any], key: str) -> list[str]:
    return [edge["node"][key] for edge in page["edges"]]


async def test_a_ticket_page_shows_each_reader_the_comments_and_chat_theirs_to_read_through_the_gateway(
        chat_desk: ChatDesk, team: Team, gateway_url: str) -> None:
    """One ticket page, its comments from tickets and its chat from chat: each reader gets the pages theirs to read (a
    customer without the internal note, the desk with it, a platform administrator of another company the same),
    each alias its own page, and a colleague not on the ticket nothing; a page out of range is refused only to those
    who may see the ticket."""
    ticket = await ticket_for(chat_desk, team)
    await reply(team.customer, ticket["id"], "Still dropping.")
    await reply(team.agent, ticket["id"], "Router firmware is 2 years old.", internal=True)
    await reply(team.agent, ticket["id"], "Could you restart the router?")
    for member, text in ((team.agent, "one"), (team.customer, "two"), (team.agent, "three")):
        await sent(chat_desk, member, ticket["id"], text)
    root = await chat_desk.platform_root()
    customer, agent, admin, colleague = (chat_desk.through(gateway_url, m) for m in (
        team.customer, team.agent, root, team.colleague))

    page = (await customer.ok(PAGE, {"t": ticket["id"], "first": 2}))["ticket"]
    assert _said(page["comments"], "body") == ["Still dropping.", "Could you restart the router?"]
    assert page["comments"]["pageInfo"]["hasNextPage"] is False
    assert _said(page["messages"], "text") == ["three", "two"] and page["messages"]["pageInfo"]["hasNextPage"]
    for desk_side in (agent, admin):
        page = (await desk_side.ok(PAGE, {"t": ticket["id"], "first": 2}))["ticket"]
        assert _said(page["comments"], "body") == ["Still dropping.", "Router firmware is 2 years old."]
        assert page["comments"]["pageInfo"]["hasNextPage"] is True
        assert _said(page["messages"], "text") == ["three", "two"]

    pages = (await agent.ok(ALIASED, {"t": ticket["id"]}))["ticket"]
    assert _said(pages["oldestComment"], "body") == ["Still dropping."]
    assert _said(pages["comments"], "body") == [
        "Still dropping.", "Router firmware is 2 years old.", "Could you restart the router?"]
    assert _said(pages["newest"], "text") == ["three"] and _said(pages["oldest"], "text")[1] == "one"

    assert (await colleague.ok(PAGE, {"t": ticket["id"], "first": 2}))["ticket"] is None
    assert (await colleague.ok(PAGE, {"t": ticket["id"], "first": 0}))["ticket"] is None  # no hint it exists
    refused = await customer(PAGE, {"t": ticket["id"], "first": 0})
    assert refused.codes and set(refused.codes) == {"BAD_USER_INPUT"}
