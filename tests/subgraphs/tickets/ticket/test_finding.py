"""Finding tickets: views by permission, filters, sorts and cursor pages, and platform-wide lists."""

from __future__ import annotations

from typing import Any

from subgraphs.tickets import store
from subgraphs.tickets.ticket.backfill import participants_backfill
from tests.subgraphs.tickets.harness import CREATE_ITEM, Desk, Member, Team, item_input
from tests.subgraphs.tickets.ticket.test_status import move

LIST = """query($v: TicketView, $f: TicketFilter, $s: TicketSort, $first: Int, $after: String, $c: ID,
  $all: Boolean! = false) {
  tickets(view: $v, filter: $f, sort: $s, first: $first, after: $after, companyId: $c, allCompanies: $all) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id title priority company { id } } } } }"""


async def titles(member: Member, **variables: Any) -> list[str]:
    found = (await member.ok(LIST, {"first": 100, **variables}))["tickets"]
    assert found["totalCount"] == len(found["edges"])
    return [e["node"]["title"] for e in found["edges"]]


async def _populate(team: Team) -> dict[str, dict]:
    """Four tickets: two of the customer's (one assigned and in progress), one of the colleague's, one
    the colleague opened with the customer watching; created in this order."""
    low = (await team.admin.ok(CREATE_ITEM, {"i": item_input(impact="LOW", urgency="LOW", category="Printing",
                                                             resolutionMinutes=2880,
                                                             careGroup=None)}))["createServiceItem"]
    made = {
        "a": await team.assigned(title="a VPN drops", tags=["vpn", "remote"]),
        "b": await team.ticket(title="b Printer jam", itemId=low["id"], tags=["remote"]),
        "c": await team.ticket(by=team.colleague, title="c Screen 1.5 flickers"),
        "d": await team.ticket(by=team.colleague, title="d Badge", watcherIds=[team.customer.id]),
    }
    await move(team.agent, made["a"]["id"], "IN_PROGRESS")
    return made


async def test_views_follow_what_each_person_may_see(desk: Desk) -> None:
    team = await desk.team()
    await _populate(team)
    assert await titles(team.agent) == ["d Badge", "c Screen 1.5 flickers", "b Printer jam", "a VPN drops"]
    assert await titles(team.customer) == ["d Badge", "b Printer jam", "a VPN drops"]
    assert await titles(team.customer, v="CREATED_BY_ME") == ["b Printer jam", "a VPN drops"]
    assert await titles(team.customer, v="WATCHING") == ["d Badge"]
    assert await titles(team.agent, v="ASSIGNED_TO_ME") == ["a VPN drops"]
    assert await titles(team.intern) == []
    assert await titles(team.other_agent, v="ASSIGNED_TO_ME") == []


async def test_filters_combine(desk: Desk) -> None:
    team = await desk.team()
    made = await _populate(team)
    cases = [
        ({"status": ["IN_PROGRESS"]}, ["a VPN drops"]),
        ({"status": ["OPEN"], "priority": ["LOW"]}, ["b Printer jam"]),
        ({"category": ["Network"]}, ["d Badge", "c Screen 1.5 flickers", "a VPN drops"]),
        ({"tags": ["remote"]}, ["b Printer jam", "a VPN drops"]),
        ({"tags": ["remote", "vpn"]}, ["a VPN drops"]),
        ({"text": "1.5"}, ["c Screen 1.5 flickers"]),  # literal text, not a pattern
        ({"text": "1x5"}, []),
        ({"text": made["b"]["reference"]}, ["b Printer jam"]),
        ({"unassigned": True}, ["d Badge", "c Screen 1.5 flickers", "b Printer jam"]),
        ({"assigneeId": team.agent.id}, ["a VPN drops"]),
        ({"creatorId": team.colleague.id}, ["d Badge", "c Screen 1.5 flickers"]),
        ({"itemId": team.item_id, "slaBreached": False}, ["d Badge", "c Screen 1.5 flickers", "a VPN drops"]),
        ({"slaBreached": True}, []),
        ({"createdAfter": "2000-01-01T00:00:00+00:00", "createdBefore": "2001-01-01T00:00:00+00:00"}, []),
    ]
    for condition, expected in cases:
        assert await titles(team.agent, f=condition) == expected, condition


async def test_sorted_pages_walk_every_ticket_once(desk: Desk) -> None:
    team = await desk.team()
    await _populate(team)
    seen, after = [], None
    while True:
        page = (await team.agent.ok(LIST, {"first": 3, "after": after, "s": {"field": "PRIORITY",
                                                                              "descending": False}}))["tickets"]
        seen += [e["node"]["priority"] for e in page["edges"]]
        assert page["totalCount"] == 4
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["LOW", "HIGH", "HIGH", "HIGH"]
    by_due = await titles(team.agent, s={"field": "RESOLUTION_DUE", "descending": False})
    assert by_due[-1] == "b Printer jam"  # the low-priority item gives two days
    assert (await team.agent(LIST, {"first": 0})).codes == ["BAD_USER_INPUT"]
    assert (await team.agent(LIST, {"after": "not-a-cursor"})).codes == ["BAD_USER_INPUT"]


async def test_platform_staff_list_across_companies_and_nobody_else_does(desk: Desk) -> None:
    one, two = await desk.team(), await desk.team()
    first, second = await one.ticket(title="one"), await two.ticket(title="two")
    root = await desk.platform_root()
    everything = (await root.ok(LIST, {"first": 100, "all": True}))["tickets"]["edges"]
    ids = {e["node"]["id"]: e["node"]["company"]["id"] for e in everything}
    assert ids[first["id"]] == one.id and ids[second["id"]] == two.id
    assert await titles(root, c=two.id) == ["two"]
    assert (await one.admin(LIST, {"all": True})).codes == ["FORBIDDEN"]
    assert (await one.admin(LIST, {"c": two.id})).codes == ["FORBIDDEN"]


DELEGATE = "mutation($id: ID!, $i: ID!) { delegateTicket(id: $id, internId: $i) { id } }"
UNASSIGN = "mutation($id: ID!) { unassignTicket(id: $id) { id } }"
WATCH = "mutation($id: ID!, $u: ID) { watchTicket(id: $id, userId: $u) { id } }"
UNWATCH = "mutation($id: ID!, $u: ID) { unwatchTicket(id: $id, userId: $u) { id } }"


async def test_a_persons_list_follows_them_onto_and_off_a_ticket(desk: Desk) -> None:
    """Without tickets.read a person lists the tickets they take part in; each change of who takes part (delegation,
    unassignment, watching) shows in their list at once."""
    team = await desk.team()
    ticket = await team.assigned(title="VPN drops")
    assert await titles(team.intern) == [] and await titles(team.colleague) == []
    await team.agent.ok(DELEGATE, {"id": ticket["id"], "i": team.intern.id})
    assert await titles(team.intern) == ["VPN drops"]
    await team.customer.ok(WATCH, {"id": ticket["id"], "u": team.colleague.id})
    assert await titles(team.colleague) == ["VPN drops"] == await titles(team.colleague, v="WATCHING")
    await team.admin.ok(UNASSIGN, {"id": ticket["id"]})
    assert await titles(team.intern) == []  # neither assignee nor tutor any more
    await team.customer.ok(UNWATCH, {"id": ticket["id"], "u": team.colleague.id})
    assert await titles(team.colleague) == []
    assert await titles(team.customer) == ["VPN drops"]


async def test_tickets_stored_before_participants_were_kept_are_listed_after_the_start_fills_them_in(
        desk: Desk) -> None:
    team = await desk.team()
    await _populate(team)
    tickets = desk.tickets.runtime.db[store.TICKETS]
    await tickets.update_many({"companyId": team.tenant.id}, {"$unset": {"participants": ""}})
    assert await titles(team.customer) == []  # what the list would miss without them
    assert await participants_backfill(desk.tickets.runtime.db) >= 4
    assert await titles(team.customer) == ["d Badge", "b Printer jam", "a VPN drops"]
    assert await participants_backfill(desk.tickets.runtime.db) == 0
