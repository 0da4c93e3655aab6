"""Assignment and delegation: only to people whose role and care group fit, in the ticket's company."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from subgraphs.kernel.ids import new_id
from subgraphs.tickets import store
from tests.subgraphs.tickets.harness import ASSIGN, MOVE, TICKET, Desk
from tests.subgraphs.tickets.ticket.test_status import move

UNASSIGN = "mutation($id: ID!) { unassignTicket(id: $id) { status assignee { id } tutor { id } } }"
DELEGATE = "mutation($id: ID!, $i: ID!) { delegateTicket(id: $id, internId: $i) { assignee { id } tutor { id } } }"
DEACTIVATE = "mutation($id: ID!) { deactivateUser(id: $id) { id } }"


async def test_a_ticket_goes_to_an_agent_of_its_care_group(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    ticket = await team.ticket()
    refusals = {
        team.other_agent.id: "is not in the care group Network",
        team.intern.id: "is not an agent",
        team.colleague.id: "is not an agent",
        other.agent.id: "no active person of the ticket's company has this id",
    }
    for user_id, reason in refusals.items():
        result = await team.admin(ASSIGN, {"id": ticket["id"], "a": user_id})
        assert result.codes == ["BAD_USER_INPUT"] and reason in result.errors[0]["message"], result.errors
        assert result.errors[0]["extensions"]["field"] == "assigneeId"
    assert (await team.customer(ASSIGN, {"id": ticket["id"], "a": team.agent.id})).codes == ["FORBIDDEN"]
    taken = (await team.agent.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id}))["assignTicket"]
    assert taken["assignee"] == {"id": team.agent.id}
    again = (await team.agent.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id}))["assignTicket"]
    assert again["assignee"] == {"id": team.agent.id}
    events = await desk.events("ticket.assigned", ticketId=ticket["id"])
    assert [(e["data"]["assigneeId"], e["data"]["previousAssigneeId"], e["data"]["automatic"]) for e in events] == [
        (team.agent.id, None, False)]  # assigning to the same agent again changes nothing


async def test_an_agent_added_a_moment_ago_gets_the_ticket_once_tickets_hears_of_them(desk: Desk) -> None:
    """An administrator adds an agent and hands them a ticket at once, while the event that tells tickets of the new
    agent is still on its way: the assignment waits for it instead of saying there is no such person."""
    team = await desk.team()
    ticket = await team.ticket()
    people = desk.tickets.runtime.db[store.PEOPLE]
    newcomer = {**await people.find_one({"_id": team.agent.id}), "_id": new_id(), "email": "newcomer@late.test"}

    async def lands_late() -> None:
        await asyncio.sleep(1.0)
        await people.insert_one(newcomer)

    landing = asyncio.create_task(lands_late())
    started = time.monotonic()
    given = (await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": newcomer["_id"]}))["assignTicket"]
    assert given["assignee"] == {"id": newcomer["_id"]} and time.monotonic() - started >= 0.9
    await landing
    long_ago = str(ObjectId.from_datetime(datetime.now(UTC) - timedelta(hours=1)))  # nobody on the way: at once
    started = time.monotonic()
    refused = await team.admin(ASSIGN, {"id": ticket["id"], "a": long_ago})
    assert refused.codes == ["BAD_USER_INPUT"] and time.monotonic() - started < 1.0


async def test_unassigning_puts_work_in_progress_back_in_the_queue(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    await move(team.agent, ticket["id"], "IN_PROGRESS")
    back = (await team.admin.ok(UNASSIGN, {"id": ticket["id"]}))["unassignTicket"]
    assert back == {"status": "OPEN", "assignee": None, "tutor": None}
    event = (await desk.events("ticket.assigned", ticketId=ticket["id"]))[-1]
    assert (event["data"]["assigneeId"], event["data"]["previousAssigneeId"]) == (None, team.agent.id)
    resolved = await team.assigned()
    await move(team.agent, resolved["id"], "RESOLVED")
    late = await team.admin(ASSIGN, {"id": resolved["id"], "a": team.agent.id})
    assert late.codes == ["BAD_USER_INPUT"] and "RESOLVED" in late.errors[0]["message"]


async def test_a_delegated_ticket_is_worked_by_the_intern_under_the_agent(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    assert (await team.intern.ok(TICKET, {"id": ticket["id"]}))["ticket"] is None
    assert (await team.other_agent(DELEGATE, {"id": ticket["id"], "i": team.intern.id})).codes == ["FORBIDDEN"]
    wrong = await team.agent(DELEGATE, {"id": ticket["id"], "i": team.other_agent.id})
    assert wrong.codes == ["BAD_USER_INPUT"] and "is not an intern" in wrong.errors[0]["message"]
    delegated = (await team.agent.ok(DELEGATE, {"id": ticket["id"], "i": team.intern.id}))["delegateTicket"]
    assert delegated == {"assignee": {"id": team.intern.id}, "tutor": {"id": team.agent.id}}
    event = (await desk.events("ticket.delegated", ticketId=ticket["id"]))[0]
    assert (event["data"]["internId"], event["data"]["tutorId"], event["actorId"]) == \
        (team.intern.id, team.agent.id, team.agent.id)
    assert (await move(team.intern, ticket["id"], "IN_PROGRESS"))["status"] == "IN_PROGRESS"
    assert (await move(team.agent, ticket["id"], "ON_HOLD", "the intern asks a question"))["status"] == "ON_HOLD"
    twice = await team.agent(DELEGATE, {"id": ticket["id"], "i": team.intern.id})
    assert twice.codes == ["BAD_USER_INPUT"] and "already delegated" in twice.errors[0]["message"]
    reassigned = (await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id}))["assignTicket"]
    assert reassigned["tutor"] is None and reassigned["assignee"] == {"id": team.agent.id}
    assert (await team.intern.ok(TICKET, {"id": ticket["id"]}))["ticket"] is None
    unassigned = await team.ticket()
    refused = await team.admin(DELEGATE, {"id": unassigned["id"], "i": team.intern.id})
    assert refused.codes == ["BAD_USER_INPUT"] and "only an assigned ticket" in refused.errors[0]["message"]


async def test_a_deactivated_agent_takes_no_new_tickets(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    (await team.tenant.admin.client(DEACTIVATE, {"id": team.agent.id})).ok()
    await desk.settle()
    refused = await team.admin(ASSIGN, {"id": ticket["id"], "a": team.agent.id})
    assert refused.codes == ["BAD_USER_INPUT"] and "no active person" in refused.errors[0]["message"]
    result = await team.agent(MOVE, {"id": ticket["id"], "s": "CANCELLED"})
    assert result.codes == ["UNAUTHENTICATED"] and result.errors[0]["extensions"]["reason"] == "TOKEN_STALE"
