"""The conversation: public replies, internal notes kept from customers, mentions, edits and deletes."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.kernel import clock
from subgraphs.tickets.ticket.live import ticket_key
from tests.integration.live_stack import eventually
from tests.subgraphs.tickets.harness import REPLY, TICKET, Desk, Member, next_monday
from tests.subgraphs.tickets.ticket.test_status import HISTORY, move
from tests.supergraph.ws_client import connect

COMMENTS = """query($id: ID!) { ticket(id: $id) { commentCount comments(first: 50) { totalCount edges { node {
  id body internal deleted editedAt author { id } mentions { id } } } } } }"""
EDIT = "mutation($id: ID!, $b: String!) { editTicketComment(id: $id, body: $b) { id body editedAt } }"
DELETE = "mutation($id: ID!) { deleteTicketComment(id: $id) { id body deleted } }"
GATEWAY_DELETE = "mutation($id: ID!) { deleteTicketComment(id: $id) { id body deleted deletedAt } }"
GATEWAY_COMMENTS = """query($id: ID!) { ticket(id: $id) { comments(first: 50) { edges { node {
  id body deleted deletedAt } } } } }"""


async def reply(member: Member, ticket_id: str, body: str, *, internal: bool = False,
                mentions: list[str] | None = None) -> dict:
    variables = {"id": ticket_id, "i": {"body": body, "internal": internal, "mentionIds": mentions or []}}
    return (await member.ok(REPLY, variables))["addTicketComment"]


async def thread(member: Member, ticket_id: str) -> list[dict]:
    return [e["node"] for e in (await member.ok(COMMENTS, {"id": ticket_id}))["ticket"]["comments"]["edges"]]


async def test_internal_notes_are_never_shown_to_customers(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.assigned(watcherIds=[team.colleague.id])
    await reply(team.customer, ticket["id"], "Still dropping.")
    await reply(team.agent, ticket["id"], "Router firmware is 2 years old.", internal=True)
    await reply(team.agent, ticket["id"], "Could you restart the router?")
    assert [c["body"] for c in await thread(team.agent, ticket["id"])] == [
        "Still dropping.", "Router firmware is 2 years old.", "Could you restart the router?"]
    for customer in (team.customer, team.colleague):
        seen = await thread(customer, ticket["id"])
        assert [c["body"] for c in seen] == ["Still dropping.", "Could you restart the router?"]
        rows = [e["node"] for e in (await customer.ok(HISTORY, {"id": ticket["id"]}))["ticket"]["history"]["edges"]]
        assert [r["action"] for r in rows if r["action"] in ("REPLIED", "NOTE_ADDED")] == ["REPLIED", "REPLIED"]
    refused = await team.customer(REPLY, {"id": ticket["id"], "i": {"body": "psst", "internal": True}})
    assert refused.codes == ["FORBIDDEN"]
    commented = await desk.events("ticket.commented", ticketId=ticket["id"])
    assert [(e["data"]["internal"], e["data"]["authorId"]) for e in commented] == [
        (False, team.customer.id), (True, team.agent.id), (False, team.agent.id)]


async def test_mentions_notify_and_bring_people_along(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    ticket = await team.assigned()
    answered = await reply(team.agent, ticket["id"], "Looping in a colleague.", mentions=[team.colleague.id])
    assert {"id": team.colleague.id} in answered["ticket"]["watchers"]
    assert [c["body"] for c in await thread(team.colleague, ticket["id"])] == ["Looping in a colleague."]
    note = await reply(team.agent, ticket["id"], "Can you check the logs?", internal=True, mentions=[team.intern.id])
    assert {"id": team.intern.id} not in note["ticket"]["watchers"]  # a note's mention is not an invitation
    refused = await team.agent(REPLY, {"id": ticket["id"], "i": {"body": "x", "internal": True,
                                                                   "mentionIds": [team.customer.id]}})
    assert refused.codes == ["BAD_USER_INPUT"] and "internal notes are not shown to" in refused.errors[0]["message"]
    stranger = await team.agent(REPLY, {"id": ticket["id"], "i": {"body": "x", "mentionIds": [other.agent.id]}})
    assert stranger.codes == ["BAD_USER_INPUT"]
    mentioned = await desk.events("ticket.mentioned", ticketId=ticket["id"])
    assert [(e["data"]["mentionedUserId"], e["data"]["internal"]) for e in mentioned] == [
        (team.colleague.id, False), (team.intern.id, True)]


async def test_the_first_reply_from_the_desk_is_the_first_response(desk: Desk, frozen: None) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    team = await desk.team()
    ticket = await team.assigned()
    clock.advance(timedelta(minutes=10))
    await reply(team.customer, ticket["id"], "Any news?")  # the customer's own words answer nothing
    await reply(team.agent, ticket["id"], "Looking at it.", internal=True)  # nor does a note
    first = (await team.customer.ok(TICKET, {"id": ticket["id"]}))["ticket"]["sla"]
    assert first["firstResponseAt"] is None
    clock.advance(timedelta(minutes=15))
    answered = await reply(team.other_agent, ticket["id"], "We are on it.")  # any agent's public reply counts
    sla = answered["ticket"]["sla"]
    assert (sla["firstResponseMinutes"], sla["responseMet"]) == (25, True)
    clock.advance(timedelta(minutes=10))
    later = await reply(team.agent, ticket["id"], "Fixed, I think.")
    assert later["ticket"]["sla"]["firstResponseAt"] == sla["firstResponseAt"]
    assert later["ticket"]["commentCount"] == 4


async def test_authors_edit_within_the_window_and_deletes_are_soft(desk: Desk, frozen: None) -> None:
    clock.freeze(next_monday(10))
    team = await desk.team()
    ticket = await team.assigned()
    mine = (await reply(team.customer, ticket["id"], "It fails on Wifi"))["comment"]
    theirs = (await reply(team.agent, ticket["id"], "Which network?"))["comment"]
    assert (await team.agent(EDIT, {"id": mine["id"], "b": "hijacked"})).codes == ["FORBIDDEN"]
    clock.advance(timedelta(minutes=14))
    edited = (await team.customer.ok(EDIT, {"id": mine["id"], "b": "It fails on Wi-Fi"}))["editTicketComment"]
    assert edited["body"] == "It fails on Wi-Fi" and edited["editedAt"] is not None
    clock.advance(timedelta(minutes=2))
    late = await team.customer(EDIT, {"id": mine["id"], "b": "It fails everywhere"})
    assert late.codes == ["BAD_USER_INPUT"] and "15 minutes" in late.errors[0]["message"]
    assert (await team.customer(DELETE, {"id": theirs["id"]})).codes == ["FORBIDDEN"]
    gone = (await team.customer.ok(DELETE, {"id": mine["id"]}))["deleteTicketComment"]
    assert gone == {"id": mine["id"], "body": None, "deleted": True}
    assert (await team.admin.ok(DELETE, {"id": theirs["id"]}))["deleteTicketComment"]["deleted"]  # a supervisor
    assert [(c["deleted"], c["body"]) for c in await thread(team.agent, ticket["id"])] == [(True, None), (True, None)]
    assert (await team.customer(DELETE, {"id": mine["id"]})).codes == ["NOT_FOUND"]
    assert len(await desk.events("ticket.comment_deleted", ticketId=ticket["id"])) == 2


async def test_closed_tickets_take_no_more_comments(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    await move(team.customer, ticket["id"], "CANCELLED")
    refused = await team.customer(REPLY, {"id": ticket["id"], "i": {"body": "wait"}})
    assert refused.codes == ["BAD_USER_INPUT"] and "CANCELLED" in refused.errors[0]["message"]
    empty = await team.agent(REPLY, {"id": (await team.assigned())["id"], "i": {"body": "   "}})
    assert empty.codes == ["BAD_USER_INPUT"] and empty.errors[0]["extensions"]["field"] == "body"


async def test_a_deleted_comment_keeps_its_place_with_when_it_was_deleted_through_the_gateway(
        desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    customer = desk.through(gateway_url, team.customer)
    comment = (await reply(customer, ticket["id"], "My PIN is 1234"))["comment"]
    gone = (await customer.ok(GATEWAY_DELETE, {"id": comment["id"]}))["deleteTicketComment"]
    assert gone["body"] is None and gone["deleted"] and gone["deletedAt"] is not None
    [seen] = [e["node"] for e in (await customer.ok(GATEWAY_COMMENTS, {"id": ticket["id"]}))["ticket"]["comments"][
        "edges"]]
    assert seen == gone


COUNTS = "query($id: ID!) { ticket(id: $id) { commentCount comments { totalCount } } }"
LIVE_COUNTS = "subscription($t: ID!) { ticketUpdated(ticketId: $t) { commentCount comments { totalCount } } }"
MERGE_INTO = "mutation($p: ID!, $d: ID!) { mergeTickets(primaryId: $p, duplicateId: $d) { id } }"


def counted(n: int) -> dict:
    return {"commentCount": n, "comments": {"totalCount": n}}


async def test_an_internal_note_shows_in_no_count_or_live_update_a_customer_gets(desk: Desk, gateway_url: str
                                                                                 ) -> None:
    """Through the gateway, the customer subscribed to their ticket: a note tells them nothing, not even that the
    ticket changed; the next public reply arrives with counts matching the comments they read. The same after a
    duplicate with a note of its own is merged in."""
    team = await desk.team()
    ticket, duplicate = await team.assigned(), await team.assigned()
    customer, agent = desk.through(gateway_url, team.customer), desk.through(gateway_url, team.agent)
    async with connect(gateway_url.replace("http://", "ws://", 1) + "/graphql") as client:
        await client.init(f"Bearer {team.customer.client.token}")
        await client.subscribe("1", LIVE_COUNTS, {"t": ticket["id"]})
        tickets_live = desk.tickets.runtime.state["tickets_live"]
        await eventually(lambda: tickets_live.listeners(ticket_key(ticket["id"])) == 1, what="the subscription")
        await reply(agent, ticket["id"], "Customer's router is end of life.", internal=True)
        await reply(agent, ticket["id"], "Could you restart the router?")
        pushed = (await client.receive())["payload"]["data"]["ticketUpdated"]
    assert pushed == counted(1)
    assert (await customer.ok(COUNTS, {"id": ticket["id"]}))["ticket"] == pushed
    assert (await agent.ok(COUNTS, {"id": ticket["id"]}))["ticket"] == counted(2)

    await reply(agent, duplicate["id"], "Same router.", internal=True)
    await reply(team.customer, duplicate["id"], "It happened again")
    await agent.ok(MERGE_INTO, {"p": ticket["id"], "d": duplicate["id"]})
    assert (await customer.ok(COUNTS, {"id": ticket["id"]}))["ticket"] == counted(2)
    assert (await agent.ok(COUNTS, {"id": ticket["id"]}))["ticket"] == counted(4)
