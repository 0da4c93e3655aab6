"""The tickets service's read model of people follows the users service's events, newest snapshot first."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.kernel.events.envelope import Event
from subgraphs.tickets import store
from tests.subgraphs.tickets.harness import ASSIGN, Desk

UPDATE_USER = "mutation($id: ID!, $g: [String!]) { updateUser(id: $id, input: {careGroups: $g}) { id } }"
CREATE_ROLE = "mutation($i: CreateRoleInput!) { createRole(input: $i) { id } }"
UPDATE_ROLE = "mutation($id: ID!, $p: [String!]) { updateRole(id: $id, input: {permissions: $p}) { id } }"
WORKER = ["tickets.read", "tickets.update", "tickets.work"]


async def test_care_group_changes_reach_assignment(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    assert (await team.admin(ASSIGN, {"id": ticket["id"], "a": team.other_agent.id})).codes == ["BAD_USER_INPUT"]
    (await team.tenant.admin.client(UPDATE_USER, {"id": team.other_agent.id, "g": ["Hardware", "network"]})).ok()
    await desk.settle()
    assigned = (await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": team.other_agent.id}))["assignTicket"]
    assert assigned["assignee"] == {"id": team.other_agent.id}


async def test_a_custom_roles_changes_reach_its_holders(desk: Desk) -> None:
    team = await desk.team()
    users = team.tenant.admin.client
    role_id = (await users(CREATE_ROLE, {"i": {"name": "Night shift", "level": 30, "permissions": WORKER}})).ok()[
        "createRole"]["id"]
    night = await desk.person(team.tenant, "customer", roleId=role_id, careGroups=["Network"])
    await desk.settle()  # the tickets service has heard of the new person
    ticket = await team.ticket()
    assert (await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": night.id}))["assignTicket"]["assignee"] == {
        "id": night.id}
    (await users(UPDATE_ROLE, {"id": role_id, "p": ["tickets.read", "tickets.work"]})).ok()
    await desk.settle()
    refused = await team.admin(ASSIGN, {"id": (await team.ticket())["id"], "a": night.id})
    assert refused.codes == ["BAD_USER_INPUT"] and "is not an agent" in refused.errors[0]["message"]


async def test_an_older_snapshot_arriving_late_changes_nothing(desk: Desk) -> None:
    team = await desk.team()
    people = desk.tickets.runtime.db[store.PEOPLE]
    current = await people.find_one({"_id": team.agent.id})
    old = {**{k: current[k] for k in ("companyId", "email", "roleId", "permissions", "status")},
           "userId": team.agent.id, "careGroups": [], "activityStatus": "offline"}
    late = Event(type="user.updated", data=old, company_id=team.id,
                 occurred_at=current["version"] - timedelta(seconds=5))
    await desk.bus.publish(late)
    await desk.settle()
    assert (await people.find_one({"_id": team.agent.id}))["careGroups"] == ["Network", "Service Desk"]
