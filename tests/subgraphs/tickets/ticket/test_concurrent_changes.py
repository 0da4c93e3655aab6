"""Several people changing one ticket at the same moment, through the gateway: each change is made on the ticket
as it is when it is written, with its checks made again there. A change used to answer CONFLICT whenever anything
else (a colleague, the IA's triage, a chat reply) wrote the ticket between its read and its write, although the
caller had named no version: a resolution failed so after a burst of replies in CI."""

from __future__ import annotations

import asyncio

from tests.subgraphs.tickets.harness import MOVE, TICKET, Desk
from tests.subgraphs.tickets.ticket.test_editing import UNWATCH, UPDATE, WATCH, history
from tests.subgraphs.tickets.ticket.test_status import move

ROUNDS = 8


async def test_different_changes_of_one_ticket_at_the_same_moment_are_all_made(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    agent, triager = team.agent.through(gateway_url), team.other_agent.through(gateway_url)
    customer, admin = team.customer.through(gateway_url), team.admin.through(gateway_url)
    await move(agent, ticket["id"], "IN_PROGRESS")
    for n in range(ROUNDS):
        hold = n % 2 == 0
        answers = await asyncio.gather(
            agent(MOVE, {"id": ticket["id"], "s": "ON_HOLD" if hold else "IN_PROGRESS",
                         "r": f"waiting on the vendor ({n})" if hold else None}),
            triager(UPDATE, {"id": ticket["id"], "i": {"tags": [f"round-{n}"]}}),
            customer(WATCH if hold else UNWATCH, {"id": ticket["id"], "u": team.colleague.id}),
            admin(UPDATE, {"id": ticket["id"], "i": {"category": f"Network {n}"}}))
        assert all(not answer.errors for answer in answers), [a.errors for a in answers]
    seen = (await admin.ok(TICKET, {"id": ticket["id"]}))["ticket"]
    assert (seen["status"], seen["tags"], seen["category"]) == ("IN_PROGRESS", [f"round-{ROUNDS - 1}"],
                                                              f"Network {ROUNDS - 1}")
    assert team.colleague.id not in [w["id"] for w in seen["watchers"]]
    rows = await history(admin, ticket["id"])
    assert len([r for r in rows if r["field"] == "status"]) == ROUNDS + 1
    assert len([r for r in rows if r["field"] == "tags"]) == ROUNDS
    assert len([r for r in rows if r["field"] == "watchers"]) == ROUNDS


async def test_the_second_of_two_resolutions_at_the_same_moment_is_told_why_not_conflict(desk: Desk,
                                                                                      gateway_url: str) -> None:
    team = await desk.team()
    for _ in range(3):
        ticket = await team.assigned()
        agent, admin = team.agent.through(gateway_url), team.admin.through(gateway_url)
        answers = await asyncio.gather(*(member(MOVE, {"id": ticket["id"], "s": "RESOLVED"})
                                         for member in (agent, admin)))
        made = [a for a in answers if not a.errors]
        assert len(made) == 1, [a.errors for a in answers]
        refused = next(a for a in answers if a.errors)
        # Checked again on the resolved ticket: a person reads what happened, not "reload and try again".
        assert refused.codes == ["BAD_USER_INPUT"], refused.errors
        assert refused.errors[0]["extensions"]["status"] == "RESOLVED"
        resolutions = await desk.events("ticket.status_changed", ticketId=ticket["id"], to="resolved")
        assert len(resolutions) == 1
