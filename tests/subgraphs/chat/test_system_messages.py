"""System messages written from ticket events: state changes and assignment, for the chat and its subscribers."""

from __future__ import annotations

from subgraphs.kernel.events.envelope import Event
from tests.subgraphs.chat.harness import ChatDesk, chat_view
from tests.subgraphs.tickets.harness import ASSIGN, Team
from tests.subgraphs.tickets.ticket.test_status import move

SYSTEM = """query($t: ID!) { _entities(representations: [{__typename: "Ticket", id: $t}]) { ... on Ticket {
  messages(oldestFirst: true) { edges { node { kind text author { id } system { action fromStatus toStatus
  assignee { id } } } } } } } }"""


async def test_assignment_and_state_changes_appear_in_the_chat(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await team.ticket()
    await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id})
    await move(team.agent, ticket["id"], "IN_PROGRESS")
    await chat_desk.settle()
    [entity] = (await chat_desk.talk(team.customer)(SYSTEM, {"t": ticket["id"]})).ok()["_entities"]
    nodes = [e["node"] for e in entity["messages"]["edges"]]
    assert [n["kind"] for n in nodes] == ["SYSTEM", "SYSTEM"] and all(n["author"] is None for n in nodes)
    assigned, started = nodes
    assert assigned["text"].startswith("Assigned to Agent ")
    assert assigned["system"] == {"action": "ASSIGNED", "fromStatus": None, "toStatus": None,
                                  "assignee": {"id": team.agent.id}}
    assert started["text"] == "Status changed from OPEN to IN_PROGRESS"
    assert started["system"] == {"action": "STATUS_CHANGED", "fromStatus": "OPEN", "toStatus": "IN_PROGRESS",
                                 "assignee": None}
    events = await chat_desk.events("chat.message_added", ticketId=ticket["id"])
    assert [e["data"]["kind"] for e in events] == ["system", "system"]  # notifications skips these
    assert all(e["actorId"] == team.admin.id for e in events[:1])


async def test_a_redelivered_ticket_event_writes_no_second_message(chat_desk: ChatDesk, team: Team) -> None:
    ticket = await team.assigned()
    await chat_desk.settle()
    [event] = await chat_desk.events("ticket.assigned", ticketId=ticket["id"])
    await chat_desk.bus.publish(Event.from_dict(event))
    await chat_desk.settle()
    view = await chat_view(chat_desk, team.customer, ticket["id"])
    assert view is not None and view["messages"]["totalCount"] == 1
