"""Editing tickets: text by the creator while open, triage by desk staff, watchers, attachments, history."""

from __future__ import annotations

import pytest

from subgraphs.kernel.errors import Conflict
from subgraphs.kernel.tenancy import TenantCollection
from subgraphs.tickets import store
from subgraphs.tickets.ticket.changes import Edit, commit
from subgraphs.tickets.ticket.history import FieldChange
from tests.subgraphs.tickets.harness import Desk
from tests.subgraphs.tickets.ticket.test_creation import PNG, b64
from tests.subgraphs.tickets.ticket.test_status import HISTORY, move

UPDATE = """mutation($id: ID!, $i: UpdateTicketInput!) { updateTicket(id: $id, input: $i) {
  title description priority impact urgency category type tags } }"""
WATCH = "mutation($id: ID!, $u: ID) { watchTicket(id: $id, userId: $u) { watchers { id } } }"
UNWATCH = "mutation($id: ID!, $u: ID) { unwatchTicket(id: $id, userId: $u) { watchers { id } } }"
ATTACH = """mutation($id: ID!, $a: [AttachmentInput!]!) { addTicketAttachments(id: $id, attachments: $a) {
  attachments { name } } }"""
SEES = "query($id: ID!) { ticket(id: $id) { id } }"


async def history(member, ticket_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [e["node"] for e in (await member.ok(HISTORY, {"id": ticket_id}))["ticket"]["history"]["edges"]]


async def test_the_creator_edits_the_text_while_the_ticket_is_open(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    edited = (await team.customer.ok(UPDATE, {"id": ticket["id"], "i": {"title": "VPN drops at noon"}}))
    assert edited["updateTicket"]["title"] == "VPN drops at noon"
    assert (await team.customer(UPDATE, {"id": ticket["id"], "i": {"priority": "CRITICAL"}})).codes == ["FORBIDDEN"]
    await move(team.agent, ticket["id"], "IN_PROGRESS")
    assert (await team.customer(UPDATE, {"id": ticket["id"], "i": {"title": "Urgent!!"}})).codes == ["FORBIDDEN"]
    rows = await history(team.customer, ticket["id"])
    assert [(r["field"], r["oldValue"], r["newValue"], r["actor"]["id"]) for r in rows if r["field"] == "title"] == [
        ("title", "VPN drops every hour", "VPN drops at noon", team.customer.id)]


async def test_desk_staff_triage_and_every_change_is_recorded(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    triaged = (await team.other_agent.ok(UPDATE, {"id": ticket["id"], "i": {
        "impact": "HIGH", "category": "Security", "tags": ["phishing"], "type": "REQUEST"}}))["updateTicket"]
    assert (triaged["priority"], triaged["category"], triaged["tags"], triaged["type"]) == \
        ("CRITICAL", "Security", ["phishing"], "REQUEST")  # impact HIGH x urgency HIGH
    overridden = (await team.other_agent.ok(UPDATE, {"id": ticket["id"], "i": {"priority": "LOW"}}))["updateTicket"]
    assert overridden["priority"] == "LOW" and overridden["impact"] == "HIGH"
    same = await team.other_agent.ok(UPDATE, {"id": ticket["id"], "i": {"priority": "LOW", "category": "Security"}})
    assert same["updateTicket"]["priority"] == "LOW"
    changes = [e["data"]["changed"] for e in await desk.events("ticket.updated", ticketId=ticket["id"])]
    assert changes == [["category", "impact", "priority", "tags", "type"], ["priority"]]  # the no-op raised nothing
    rows = [(r["field"], r["oldValue"], r["newValue"]) for r in await history(team.admin, ticket["id"])
            if r["action"] == "UPDATED"]
    assert ("priority", "high", "critical") in rows and ("priority", "critical", "low") in rows
    assert ("tags", None, "phishing") in rows and ("impact", "medium", "high") in rows
    bad = await team.other_agent(UPDATE, {"id": ticket["id"], "i": {"title": " ", "category": "x" * 51}})
    assert bad.errors[0]["extensions"]["reasons"] == ["title must have between 1 and 200 characters",
                                                      "category must have between 1 and 50 characters"]


async def test_watchers_follow_a_ticket_and_see_it(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    ticket = await team.ticket()
    assert (await team.colleague.ok(SEES, {"id": ticket["id"]}))["ticket"] is None
    assert (await team.colleague(WATCH, {"id": ticket["id"]})).codes == ["NOT_FOUND"]  # cannot follow the unseen
    added = (await team.customer.ok(WATCH, {"id": ticket["id"], "u": team.colleague.id}))["watchTicket"]
    assert added["watchers"] == [{"id": team.colleague.id}]
    assert (await team.colleague.ok(SEES, {"id": ticket["id"]}))["ticket"] == {"id": ticket["id"]}
    assert (await team.colleague(WATCH, {"id": ticket["id"], "u": team.intern.id})).codes == ["FORBIDDEN"]
    assert (await team.customer(WATCH, {"id": ticket["id"], "u": other.customer.id})).codes == ["BAD_USER_INPUT"]
    await team.agent.ok(WATCH, {"id": ticket["id"]})  # desk staff follow what they like
    left = (await team.colleague.ok(UNWATCH, {"id": ticket["id"]}))["unwatchTicket"]
    assert left["watchers"] == [{"id": team.agent.id}]
    assert (await team.colleague.ok(SEES, {"id": ticket["id"]}))["ticket"] is None
    events = await desk.events("ticket.updated", ticketId=ticket["id"])
    assert [(e["data"]["watcherId"], e["data"]["watching"]) for e in events] == [
        (team.colleague.id, True), (team.agent.id, True), (team.colleague.id, False)]


async def test_attachments_are_added_until_the_ticket_closes(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    shot = [{"name": "shot.png", "contentBase64": b64(PNG)}]
    added = await team.customer.ok(ATTACH, {"id": ticket["id"], "a": shot})
    assert added["addTicketAttachments"]["attachments"] == [{"name": "shot.png"}]
    assert (await team.customer(ATTACH, {"id": ticket["id"], "a": []})).codes == ["BAD_USER_INPUT"]
    await move(team.agent, ticket["id"], "RESOLVED")
    await move(team.customer, ticket["id"], "CLOSED")
    late = await team.customer(ATTACH, {"id": ticket["id"], "a": [{"name": "more.png", "contentBase64": b64(PNG)}]})
    assert late.codes == ["BAD_USER_INPUT"] and "CLOSED" in late.errors[0]["message"]


async def test_a_change_made_on_a_stale_copy_is_refused_whole(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    deps = desk.tickets.runtime.state["tickets"]
    tickets = TenantCollection(deps.db[store.TICKETS], team.id)
    stale = await tickets.find_one({"_id": ticket["id"]})
    await team.customer.ok(UPDATE, {"id": ticket["id"], "i": {"title": "Changed meanwhile"}})
    edit = Edit("updated", set={"title": "Lost update"}, changes=[FieldChange("title", "a", "b")],
                events=[("ticket.updated", {"changed": ["title"]})])
    with pytest.raises(Conflict):
        await commit(deps, tickets, stale, edit, actor_id=team.customer.id)
    assert (await tickets.find_one({"_id": ticket["id"]}))["title"] == "Changed meanwhile"
    assert [r["newValue"] for r in await history(team.customer, ticket["id"]) if r["field"] == "title"] == [
        "Changed meanwhile"]
    assert len(await desk.events("ticket.updated", ticketId=ticket["id"])) == 1
