"""Merging duplicates and linking tickets as parent/child or related."""

from __future__ import annotations

from tests.subgraphs.tickets.conversation.test_conversation import reply, thread
from tests.subgraphs.tickets.harness import MOVE, Desk

MERGE = """mutation($p: ID!, $d: ID!) { mergeTickets(primaryId: $p, duplicateId: $d) {
  id commentCount watchers { id } } }"""
LINK = "mutation($id: ID!, $o: ID!, $k: LinkKind!) { linkTickets(id: $id, otherId: $o, kind: $k) { id } }"
UNLINK = "mutation($id: ID!, $o: ID!) { unlinkTickets(id: $id, otherId: $o) { id } }"
RELATIONS = """query($id: ID!) { ticket(id: $id) { status closedAt mergedInto { id reference }
  parent { id } children { id } related { id } } }"""


async def test_a_duplicate_is_merged_into_its_primary(desk: Desk) -> None:
    team = await desk.team()
    primary = await team.assigned(title="VPN drops")
    duplicate = await team.assigned(title="VPN keeps disconnecting", watcherIds=[team.colleague.id])
    await reply(team.colleague, duplicate["id"], "Happens to me too.")
    await reply(team.agent, duplicate["id"], "Internal: same router.", internal=True)
    await reply(team.customer, primary["id"], "First report.")
    # The customer sees both tickets but merges nothing; the colleague does not even see the primary.
    assert (await team.customer(MERGE, {"p": primary["id"], "d": duplicate["id"]})).codes == ["FORBIDDEN"]
    assert (await team.colleague(MERGE, {"p": primary["id"], "d": duplicate["id"]})).codes == ["NOT_FOUND"]
    merged = (await team.agent.ok(MERGE, {"p": primary["id"], "d": duplicate["id"]}))["mergeTickets"]
    assert merged["commentCount"] == 3 and {"id": team.colleague.id} in merged["watchers"]
    assert [c["body"] for c in await thread(team.agent, primary["id"])] == [
        "Happens to me too.", "Internal: same router.", "First report."]
    assert [c["body"] for c in await thread(team.colleague, primary["id"])] == ["Happens to me too.", "First report."]
    closed = (await team.colleague.ok(RELATIONS, {"id": duplicate["id"]}))["ticket"]
    assert closed["status"] == "CLOSED" and closed["closedAt"] is not None
    assert closed["mergedInto"] == {"id": primary["id"], "reference": primary["reference"]}
    event = (await desk.events("ticket.merged", ticketId=primary["id"]))[0]
    assert (event["data"]["duplicateId"], event["data"]["newWatcherIds"]) == (duplicate["id"], [team.colleague.id])
    status = (await desk.events("ticket.status_changed", ticketId=duplicate["id"]))[-1]
    assert status["data"]["reason"] == f"merged into {primary['reference']}"
    again = await team.agent(MERGE, {"p": primary["id"], "d": duplicate["id"]})
    assert again.codes == ["BAD_USER_INPUT"]


async def test_merging_needs_two_tickets_of_one_company(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    mine, theirs = await team.ticket(), await other.ticket()
    assert (await team.agent(MERGE, {"p": mine["id"], "d": mine["id"]})).codes == ["BAD_USER_INPUT"]
    assert (await team.agent(MERGE, {"p": mine["id"], "d": theirs["id"]})).codes == ["NOT_FOUND"]
    staff = await desk.platform_root()
    crossing = await staff(MERGE, {"p": mine["id"], "d": theirs["id"]})
    assert crossing.codes == ["BAD_USER_INPUT"] and "different companies" in crossing.errors[0]["message"]


async def test_parents_children_and_related_tickets(desk: Desk) -> None:
    team = await desk.team()
    outage, floor2, floor3, printer = [await team.ticket(title=t) for t in ("Outage", "Floor 2", "Floor 3", "Printer")]
    await team.agent.ok(LINK, {"id": floor2["id"], "o": outage["id"], "k": "PARENT"})
    await team.agent.ok(LINK, {"id": outage["id"], "o": floor3["id"], "k": "CHILD"})
    await team.agent.ok(LINK, {"id": outage["id"], "o": printer["id"], "k": "RELATED"})
    seen = (await team.agent.ok(RELATIONS, {"id": outage["id"]}))["ticket"]
    assert seen["children"] == [{"id": floor2["id"]}, {"id": floor3["id"]}]
    assert seen["related"] == [{"id": printer["id"]}] and seen["parent"] is None
    assert (await team.agent.ok(RELATIONS, {"id": printer["id"]}))["ticket"]["related"] == [{"id": outage["id"]}]
    loop = await team.agent(LINK, {"id": outage["id"], "o": floor2["id"], "k": "PARENT"})
    assert loop.codes == ["BAD_USER_INPUT"] and "loop" in loop.errors[0]["message"]
    assert (await team.customer(LINK, {"id": outage["id"], "o": printer["id"], "k": "RELATED"})).codes == ["FORBIDDEN"]
    await team.agent.ok(UNLINK, {"id": outage["id"], "o": floor3["id"]})
    await team.agent.ok(UNLINK, {"id": printer["id"], "o": outage["id"]})
    after = (await team.agent.ok(RELATIONS, {"id": outage["id"]}))["ticket"]
    assert after["children"] == [{"id": floor2["id"]}] and after["related"] == []
    assert (await team.agent(UNLINK, {"id": outage["id"], "o": printer["id"]})).codes == ["BAD_USER_INPUT"]


async def test_a_second_parent_conflicts_and_finished_tickets_are_not_linked(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    agent = desk.through(gateway_url, team.agent)
    child, first, second, done = [await team.assigned(title=t) for t in ("Child", "First", "Second", "Done")]
    await agent.ok(LINK, {"id": child["id"], "o": first["id"], "k": "PARENT"})
    assert await agent.ok(LINK, {"id": child["id"], "o": first["id"], "k": "PARENT"})  # again: nothing changes
    replaced = await agent(LINK, {"id": child["id"], "o": second["id"], "k": "PARENT"})
    assert replaced.codes == ["CONFLICT"] and "unlink it first" in replaced.errors[0]["message"]
    adopted = await agent(LINK, {"id": second["id"], "o": child["id"], "k": "CHILD"})
    assert adopted.codes == ["CONFLICT"]
    assert (await agent.ok(RELATIONS, {"id": child["id"]}))["ticket"]["parent"] == {"id": first["id"]}
    await agent.ok(UNLINK, {"id": child["id"], "o": first["id"]})
    await agent.ok(LINK, {"id": child["id"], "o": second["id"], "k": "PARENT"})
    for status in ("RESOLVED", "CLOSED"):
        await team.admin.ok(MOVE, {"id": done["id"], "s": status})
    cancelled = await team.assigned(title="Cancelled")
    await team.admin.ok(MOVE, {"id": cancelled["id"], "s": "CANCELLED"})
    for finished in (done, cancelled):
        for kind in ("PARENT", "CHILD", "RELATED"):
            refused = await agent(LINK, {"id": first["id"], "o": finished["id"], "k": kind})
            assert refused.codes == ["BAD_USER_INPUT"] and "cannot be linked" in refused.errors[0]["message"]
        assert (await agent(LINK, {"id": finished["id"], "o": first["id"], "k": "RELATED"})).codes == ["BAD_USER_INPUT"]
    assert (await agent.ok(RELATIONS, {"id": first["id"]}))["ticket"] == {
        "status": "OPEN", "closedAt": None, "mergedInto": None, "parent": None, "children": [], "related": []}
