"""Moving tickets through their lifecycle over the API: the whole path, every refusal, and who may do what."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.kernel import clock
from tests.subgraphs.tickets.harness import ASSIGN, MOVE, Desk, Member, Team, next_monday

HISTORY = """query($id: ID!) { ticket(id: $id) { history(first: 50) { edges { node {
  action field oldValue newValue actor { id } } } } } }"""


async def move(member: Member, ticket_id: str, status: str, reason: str | None = None) -> dict:
    return (await member.ok(MOVE, {"id": ticket_id, "s": status, "r": reason}))["changeTicketStatus"]


async def test_a_ticket_goes_from_open_to_closed(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    # The admin assigned it and asks as a supervisor, who may make every move from OPEN.
    assert ticket["allowedTransitions"] == ["IN_PROGRESS", "ON_HOLD", "RESOLVED", "CANCELLED"]
    worked = await move(team.agent, ticket["id"], "IN_PROGRESS")
    assert worked["status"] == "IN_PROGRESS" and worked["allowedTransitions"] == ["ON_HOLD", "RESOLVED"]
    refused = await team.agent(MOVE, {"id": ticket["id"], "s": "ON_HOLD"})
    assert refused.codes == ["BAD_USER_INPUT"] and "needs a reason" in refused.errors[0]["message"]
    held = await move(team.agent, ticket["id"], "ON_HOLD", "waiting for the router's serial number")
    assert (held["status"], held["holdReason"]) == ("ON_HOLD", "waiting for the router's serial number")
    assert held["sla"]["pausedAt"] is not None
    resumed = await move(team.agent, ticket["id"], "IN_PROGRESS")
    assert resumed["holdReason"] is None and resumed["sla"]["pausedAt"] is None
    resolved = await move(team.agent, ticket["id"], "RESOLVED")
    assert resolved["sla"]["resolutionMinutes"] is not None
    closed = await move(team.customer, ticket["id"], "CLOSED")
    assert closed["status"] == "CLOSED" and closed["allowedTransitions"] == []
    moves = [(e["data"]["from"], e["data"]["to"], e["actorId"])
             for e in await desk.events("ticket.status_changed", ticketId=ticket["id"])]
    assert moves == [("open", "in_progress", team.agent.id), ("in_progress", "on_hold", team.agent.id),
                     ("on_hold", "in_progress", team.agent.id), ("in_progress", "resolved", team.agent.id),
                     ("resolved", "closed", team.customer.id)]
    rows = [e["node"] for e in (await team.customer.ok(HISTORY, {"id": ticket["id"]}))["ticket"]["history"]["edges"]]
    statuses = [(r["oldValue"], r["newValue"]) for r in rows if r["field"] == "status"]
    assert statuses == [("OPEN", "IN_PROGRESS"), ("IN_PROGRESS", "ON_HOLD"), ("ON_HOLD", "IN_PROGRESS"),
                        ("IN_PROGRESS", "RESOLVED"), ("RESOLVED", "CLOSED")]
    assert rows[0]["action"] == "CREATED" and rows[1]["action"] == "ASSIGNED"


async def test_history_names_each_action_as_a_history_action_through_the_gateway(desk: Desk, gateway_url: str
                                                                                  ) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    for status in ("IN_PROGRESS", "RESOLVED", "OPEN"):
        await move(team.agent, ticket["id"], status)
    customer = desk.through(gateway_url, team.customer)
    rows = [e["node"] for e in (await customer.ok(HISTORY, {"id": ticket["id"]}))["ticket"]["history"]["edges"]]
    assert list(dict.fromkeys(r["action"] for r in rows)) == ["CREATED", "ASSIGNED", "START", "RESOLVE", "REOPEN"]


async def _in_each_state(team: Team) -> dict[str, str]:
    """One ticket in every state, all assigned to the Network agent; state -> ticket id."""
    tickets: dict[str, str] = {}
    routes = {"OPEN": [], "IN_PROGRESS": ["IN_PROGRESS"], "ON_HOLD": ["ON_HOLD"], "RESOLVED": ["RESOLVED"],
              "CLOSED": ["RESOLVED", "CLOSED"], "CANCELLED": ["CANCELLED"]}
    for state, path in routes.items():
        ticket = await team.assigned()
        for step in path:
            await move(team.admin, ticket["id"], step, "needed")
        tickets[state] = ticket["id"]
    return tickets


async def test_every_refused_transition_answers_bad_input_naming_the_allowed_ones(desk: Desk) -> None:
    team = await desk.team()
    states = ["OPEN", "IN_PROGRESS", "ON_HOLD", "RESOLVED", "CLOSED", "CANCELLED"]
    allowed_for_supervisor = {
        "OPEN": ["IN_PROGRESS", "ON_HOLD", "RESOLVED", "CANCELLED"],
        "IN_PROGRESS": ["ON_HOLD", "RESOLVED", "CANCELLED"],
        "ON_HOLD": ["IN_PROGRESS", "RESOLVED", "CANCELLED"],
        "RESOLVED": ["CLOSED", "OPEN"], "CLOSED": [], "CANCELLED": []}
    refused = 0
    for state, ticket_id in (await _in_each_state(team)).items():
        for target in states:
            if target in allowed_for_supervisor[state]:
                continue
            result = await team.admin(MOVE, {"id": ticket_id, "s": target, "r": "because"})
            assert result.codes == ["BAD_USER_INPUT"], (state, target, result.errors)
            error = result.errors[0]
            assert error["extensions"]["allowed"] == allowed_for_supervisor[state]
            assert error["extensions"]["status"] == state
            assert error["message"].endswith("allowed: " + (", ".join(allowed_for_supervisor[state]) or "none"))
            refused += 1
    assert refused == 36 - 12  # every pair of states but the twelve moves of the lifecycle


async def test_moves_belong_to_the_assignee_tutor_creator_or_a_supervisor(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    outsider = await desk.person(await desk.tenant(), "company_admin")
    cases = [
        (team.customer, "IN_PROGRESS", "FORBIDDEN"),  # the creator does not work the ticket
        (team.other_agent, "IN_PROGRESS", "FORBIDDEN"),  # an agent, but not this ticket's
        (team.intern, "IN_PROGRESS", "NOT_FOUND"),  # interns see only what is delegated to them
        (team.colleague, "CANCELLED", "NOT_FOUND"),  # another customer does not see it at all
        (team.agent, "CANCELLED", "FORBIDDEN"),  # cancelling is for the creator or a supervisor
        (outsider, "CANCELLED", "NOT_FOUND"),  # another company's administrator
    ]
    for member, target, code in cases:
        result = await member(MOVE, {"id": ticket["id"], "s": target})
        assert result.codes == [code], (member.role, target, result.errors)
    assert (await move(team.customer, ticket["id"], "CANCELLED", "found the cable unplugged"))["status"] == "CANCELLED"
    unassigned = await team.ticket()
    result = await team.admin(MOVE, {"id": unassigned["id"], "s": "IN_PROGRESS"})
    assert result.codes == ["BAD_USER_INPUT"] and result.errors[0]["extensions"]["allowed"] == ["CANCELLED"]


async def test_reopening_works_within_the_window_only(desk: Desk, frozen: None) -> None:
    clock.freeze(next_monday())
    team = await desk.team()
    first, second = await team.assigned(), await team.assigned()
    for ticket in (first, second):
        await move(team.agent, ticket["id"], "RESOLVED")
    clock.advance(timedelta(days=6))
    customer = await desk.renew(team.customer)
    reopened = await move(customer, first["id"], "OPEN", "it drops again")
    assert reopened["status"] == "OPEN" and reopened["assignee"] == {"id": team.agent.id}
    assert reopened["sla"]["resolutionMinutes"] is None and reopened["sla"]["pausedAt"] is None
    clock.advance(timedelta(days=2))
    customer = await desk.renew(team.customer)
    late = await customer(MOVE, {"id": second["id"], "s": "OPEN"})
    assert late.codes == ["BAD_USER_INPUT"] and "reopen window closed" in late.errors[0]["message"]
    assert late.errors[0]["extensions"]["allowed"] == ["CLOSED"]


async def test_a_hold_pauses_the_sla_over_the_api(desk: Desk, frozen: None) -> None:
    monday = next_monday(10)  # opening hours: Monday to Friday, 09:00-18:00 UTC (the default calendar)
    clock.freeze(monday)
    team = await desk.team()
    ticket = (await team.admin.ok(ASSIGN, {"id": (await team.ticket())["id"], "a": team.agent.id}))["assignTicket"]
    assert ticket["sla"]["responseDueAt"] == (monday + timedelta(hours=1)).isoformat()
    assert ticket["sla"]["resolutionDueAt"] == (monday + timedelta(hours=8)).isoformat()
    clock.advance(timedelta(minutes=30))
    await move(team.agent, ticket["id"], "ON_HOLD", "waiting for the customer")
    clock.advance(timedelta(days=2))  # Wednesday 10:30: two business days on hold
    agent = await desk.renew(team.agent)
    resumed = await move(agent, ticket["id"], "IN_PROGRESS")
    wednesday = monday + timedelta(days=2)
    assert resumed["sla"]["responseDueAt"] == (wednesday + timedelta(hours=1)).isoformat()
    assert resumed["sla"]["resolutionDueAt"] == (wednesday + timedelta(hours=8)).isoformat()
    clock.advance(timedelta(minutes=90))
    resolved = await move(await desk.renew(agent), ticket["id"], "RESOLVED")
    assert resolved["sla"]["resolutionMinutes"] == 120 and resolved["sla"]["resolutionMet"] is True
    assert resolved["sla"]["firstResponseMinutes"] == 120 and resolved["sla"]["responseMet"] is False
