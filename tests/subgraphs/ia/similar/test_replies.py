"""Suggested replies: the desk's resolution replies on similar resolved tickets, never notes or customers' words."""

from __future__ import annotations

from tests.subgraphs.ia.catalogue import open_ticket
from tests.subgraphs.ia.harness import IaDesk
from tests.subgraphs.tickets.conversation.test_conversation import reply
from tests.subgraphs.tickets.harness import ASSIGN
from tests.subgraphs.tickets.ticket.test_status import move

REPLIES = """query($id: ID!) { _entities(representations: [{__typename: "Ticket", id: $id}]) {
  ... on Ticket { suggestedReplies(limit: 3) { text similarity source { id } } } } }"""
FIX = "Please reinstall the VPN client from the portal and sign in again; that fixes the drops."


async def test_the_resolution_reply_of_a_similar_resolved_ticket_is_suggested_to_the_desk(ia_desk: IaDesk) -> None:
    team = await ia_desk.team()
    solved = await open_ticket(team, team.item_id, "The VPN disconnects every few minutes when I work from home")
    await team.admin.ok(ASSIGN, {"id": solved["id"], "a": team.agent.id})
    await reply(team.agent, solved["id"], "Looking into it.")
    await reply(team.agent, solved["id"], "The VPN gateway certificate expired again, sigh.", internal=True)
    await reply(team.customer, solved["id"], "It still drops, please hurry!")
    await reply(team.agent, solved["id"], FIX)
    await move(team.agent, solved["id"], "RESOLVED")
    await reply(team.agent, solved["id"], "Closing note after the resolution.")
    printer = await open_ticket(team, team.item_id, "Printer jams on every page")
    await team.admin.ok(ASSIGN, {"id": printer["id"], "a": team.agent.id})
    await reply(team.agent, printer["id"], "Replaced the drum.")
    await move(team.agent, printer["id"], "RESOLVED")
    unsolved = await open_ticket(team, team.item_id, "VPN drops all the time at home", by=team.colleague)
    await ia_desk.settle()
    [entity] = (await ia_desk.ok(team.agent, REPLIES, {"id": unsolved["id"]}))["_entities"]
    suggested = entity["suggestedReplies"]
    assert [s["text"] for s in suggested] == [FIX]
    assert suggested[0]["source"] == {"id": solved["id"]} and suggested[0]["similarity"] > 0.5
    stored = await ia_desk.ia.runtime.db["replies"].find({"ticketId": solved["id"]}).to_list(None)
    assert "certificate" not in str(stored)  # an internal note never enters the IA
    for outsider in (team.colleague, team.intern):
        [entity] = (await ia_desk.ok(outsider, REPLIES, {"id": unsolved["id"]}))["_entities"]
        assert entity is None or entity["suggestedReplies"] is None
