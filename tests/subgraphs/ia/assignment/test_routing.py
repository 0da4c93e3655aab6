"""Routing end to end through events: the IA suggests, the tickets service assigns, admins see why."""

from __future__ import annotations

from typing import Any

import pytest

from tests.subgraphs.ia.catalogue import open_ticket
from tests.subgraphs.ia.harness import AUTO_ASSIGN, OFFLINE, IaDesk
from tests.subgraphs.tickets.harness import ASSIGN, Member, Team
from tests.subgraphs.tickets.ticket.test_status import move

DECISIONS = """query($t: ID) { assignmentDecisions(ticketId: $t, first: 10) { totalCount edges { node {
  ticket { id } assignee { id } score reason candidates { user { id } score chosen factors { name value } }
  excluded { user { id } reason } } } } }"""
WORKLOAD = """query($id: ID!) { _entities(representations: [{__typename: "User", id: $id}]) {
  ... on User { workload { openTickets openLoad assignedRecently instantCloses available score trust
    factors { name } } } } }"""
ASSIGNEE = "query($id: ID!) { ticket(id: $id) { assignee { id } assignmentSuggestion { assignee { id } applied } } }"
UNASSIGN = "mutation($id: ID!) { unassignTicket(id: $id) { id } }"


async def assignee(team: Team, ticket_id: str) -> str | None:
    found = (await team.admin.ok(ASSIGNEE, {"id": ticket_id}))["ticket"]["assignee"]
    return found["id"] if found else None


@pytest.fixture(scope="module")
async def routed(ia_desk: IaDesk) -> tuple[Team, Member, Member]:
    """A desk with automatic assignment: two Network agents online, a third offline."""
    team = await ia_desk.team()
    second = await ia_desk.person(team.tenant, "agent", careGroups=["Network"])
    away = await ia_desk.person(team.tenant, "agent", careGroups=["Network"])
    await ia_desk.available(team.agent, second, team.other_agent)
    (await away.person.client(OFFLINE)).ok()
    await team.admin.ok(AUTO_ASSIGN)
    await ia_desk.settle()
    return team, second, away


async def test_new_tickets_are_spread_over_the_fitting_online_agents(ia_desk: IaDesk,
                                                                    routed: tuple[Team, Member, Member]) -> None:
    team, second, away = routed
    tickets = [await open_ticket(team, team.item_id, f"The VPN drops, case {n}") for n in range(4)]
    await ia_desk.settle()
    holders = [await assignee(team, t["id"]) for t in tickets]
    assert sorted(holders) == sorted([team.agent.id, team.agent.id, second.id, second.id]), holders
    decision = (await ia_desk.ok(team.admin, DECISIONS, {"t": tickets[0]["id"]}))["assignmentDecisions"]
    [node] = [e["node"] for e in decision["edges"]]
    assert node["assignee"]["id"] == holders[0] and node["ticket"]["id"] == tickets[0]["id"]
    assert {c["user"]["id"] for c in node["candidates"]} == {team.agent.id, second.id}
    assert [c["chosen"] for c in node["candidates"]] == [True, False]
    assert {f["name"] for f in node["candidates"][0]["factors"]} >= {
        "openLoad", "stagnant", "ageDays", "recentLoad", "speed", "efficiency", "instantCloses", "reopenRate",
        "cherryPicking", "trust", "score"}
    excluded = {e["user"]["id"]: e["reason"] for e in node["excluded"]}
    assert excluded[away.id] == "offline" and excluded[team.other_agent.id] == "not in the care group Network"
    assert team.admin.id not in excluded and team.intern.id not in excluded
    [event] = await ia_desk.ia_events("ticket.assignment_suggested", ticketId=tickets[0]["id"])
    assert set(event["data"]) == {"ticketId", "assigneeId", "score", "factors", "reason"}
    suggestion = (await team.admin.ok(ASSIGNEE, {"id": tickets[0]["id"]}))["ticket"]["assignmentSuggestion"]
    assert suggestion == {"assignee": {"id": holders[0]}, "applied": True}


async def test_a_ticket_given_back_goes_to_someone_else(ia_desk: IaDesk, routed: tuple[Team, Member, Member]) -> None:
    team, second, _ = routed
    ticket = await open_ticket(team, team.item_id, "Wi-Fi in the meeting room is down")
    await ia_desk.settle()
    first = await assignee(team, ticket["id"])
    holder = team.agent if first == team.agent.id else second
    await holder.ok(UNASSIGN, {"id": ticket["id"]})
    await ia_desk.settle()
    assert await assignee(team, ticket["id"]) == (second.id if holder is team.agent else team.agent.id)
    row = await ia_desk.ia.runtime.db["agent_activity"].find_one({"ticketId": ticket["id"], "kind": "handed_back"})
    assert row["agentId"] == holder.id


async def test_with_nobody_to_take_it_the_admins_are_told(ia_desk: IaDesk, routed: tuple[Team, Member, Member]
                                                          ) -> None:
    team, _, _ = routed
    item = await ia_desk.item(team.admin, category="Facilities", careGroup="Facilities")
    ticket = await open_ticket(team, item, "The air conditioning is broken")
    await ia_desk.settle()
    assert await assignee(team, ticket["id"]) is None
    [suggested] = await ia_desk.ia_events("ticket.assignment_suggested", ticketId=ticket["id"])
    assert suggested["data"]["assigneeId"] is None and suggested["data"]["factors"] == {}
    [needed] = await ia_desk.ia_events("ticket.assignment_needed", ticketId=ticket["id"])
    assert needed["companyId"] == team.id and needed["data"]["careGroup"] == "Facilities"
    assert "reference" not in needed["data"] and "status" not in needed["data"]


async def workload(desk: IaDesk, caller: Member, user_id: str) -> Any:
    [entity] = (await desk.ok(caller, WORKLOAD, {"id": user_id}))["_entities"]
    return entity["workload"]


async def test_admins_see_an_agents_workload_and_nobody_else_does(ia_desk: IaDesk,
                                                                routed: tuple[Team, Member, Member]) -> None:
    team, second, away = routed
    found = await workload(ia_desk, team.admin, second.id)
    assert found["openTickets"] >= 2 and found["openLoad"] >= 6 and found["assignedRecently"] >= 2
    assert found["available"] and 0 < found["trust"] <= 1 and found["score"] > 0
    assert {"busy", "capacity", "trust", "score"} <= {f["name"] for f in found["factors"]}
    assert (await workload(ia_desk, team.admin, away.id))["available"] is False
    assert await workload(ia_desk, team.agent, second.id) is None
    other = await ia_desk.team()
    assert await workload(ia_desk, other.admin, second.id) is None


async def test_an_agent_who_closes_at_once_is_trusted_less_through_the_events(ia_desk: IaDesk) -> None:
    """The simulation's instant closer, played through the real services with a handful of tickets."""
    team = await ia_desk.team()
    honest = await ia_desk.person(team.tenant, "agent", careGroups=["Network"])
    closer = team.agent
    await ia_desk.available(closer, honest)
    for n in range(4):  # given to the closer by the admin, "resolved" within seconds
        ticket = await open_ticket(team, team.item_id, f"Network printer offline, floor {n}")
        await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": closer.id})
        await move(closer, ticket["id"], "RESOLVED")
    busy = await open_ticket(team, team.item_id, "Switch in room 4 is down")
    await team.admin.ok(ASSIGN, {"id": busy["id"], "a": honest.id})
    await ia_desk.settle()
    ticket = await open_ticket(team, team.item_id, "Cannot reach the intranet from the office")
    await ia_desk.settle()
    [node] = [e["node"] for e in (await ia_desk.ok(team.admin, DECISIONS, {"t": ticket["id"]}))
              ["assignmentDecisions"]["edges"]]
    assert node["assignee"]["id"] == honest.id  # though the closer's queue is empty
    factors = {c["user"]["id"]: {f["name"]: f["value"] for f in c["factors"]} for c in node["candidates"]}
    assert factors[closer.id]["openLoad"] == 0 and factors[honest.id]["openLoad"] > 0
    assert factors[closer.id]["instantCloses"] > 0.2 and factors[closer.id]["trust"] < 0.7
    assert factors[honest.id]["trust"] == 1
    found = await workload(ia_desk, team.admin, closer.id)
    assert found["instantCloses"] == 4 and found["trust"] < 0.7
