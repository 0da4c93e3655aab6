"""A desk reply in the ticket's chat (the chat service's `chat.message_added`) is the first response too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.ids import new_id
from tests.subgraphs.tickets.harness import TICKET, Desk, Member, Team, next_monday
from tests.subgraphs.tickets.ticket.test_status import HISTORY


async def chat(desk: Desk, team: Team, ticket: dict[str, Any], author: Member | None, kind: str = "text",
               from_desk: bool = True) -> None:
    """A chat message as the chat service announces it (claiming the desk wrote it: tickets checks for itself)."""
    data = {"ticketId": ticket["id"], "messageId": new_id(), "authorId": author.id if author else None,
            "kind": kind, "text": "hello", "excerpt": "hello", "fromDesk": from_desk}
    await desk.publish("chat.message_added", data, company_id=team.id)


async def sla(member: Member, ticket_id: str) -> dict[str, Any]:
    return (await member.ok(TICKET, {"id": ticket_id}))["ticket"]["sla"]


async def test_the_first_desk_message_in_the_chat_answers_the_ticket(desk: Desk, frozen: None) -> None:
    clock.freeze(next_monday(10))
    team = await desk.team()
    ticket = await team.assigned()
    clock.advance(timedelta(minutes=10))
    await chat(desk, team, ticket, team.customer)  # the creator's own words answer nothing
    await chat(desk, team, ticket, None, kind="system")  # nor does a note of the system
    await chat(desk, team, ticket, team.agent, from_desk=False)  # declined unread, whoever wrote it
    assert (await sla(team.customer, ticket["id"]))["firstResponseAt"] is None
    clock.advance(timedelta(minutes=5))
    await chat(desk, team, ticket, team.other_agent)  # any agent's message counts
    answered = await sla(team.customer, ticket["id"])
    assert (answered["firstResponseMinutes"], answered["responseMet"]) == (15, True)
    clock.advance(timedelta(minutes=5))
    await chat(desk, team, ticket, team.agent)
    assert (await sla(team.customer, ticket["id"]))["firstResponseAt"] == answered["firstResponseAt"]
    rows = [e["node"] for e in (await team.admin.ok(HISTORY, {"id": ticket["id"]}))["ticket"]["history"]["edges"]]
    [row] = [r for r in rows if r["action"] == "ANSWERED_IN_CHAT"]
    assert row["actor"] == {"id": team.other_agent.id} and row["field"] == "firstResponseAt"
    [updated] = await desk.events("ticket.updated", ticketId=ticket["id"])
    assert updated["data"]["changed"] == ["sla"]


async def test_a_message_about_another_companys_ticket_changes_nothing(desk: Desk, frozen: None) -> None:
    clock.freeze(next_monday(10))
    team, other = await desk.team(), await desk.team()
    ticket = await team.assigned()
    await desk.publish("chat.message_added", {"ticketId": ticket["id"], "messageId": new_id(),
                                              "authorId": other.agent.id, "kind": "text", "text": "x",
                                              "fromDesk": True}, company_id=other.id)
    await chat(desk, team, ticket, other.agent)  # not a person of the ticket's company's desk either way
    assert (await sla(team.customer, ticket["id"]))["firstResponseAt"] is None
