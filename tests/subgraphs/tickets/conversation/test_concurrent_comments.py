"""Comments are appends: people replying on one ticket at the same moment all get their reply stored, through the
gateway, and the counts add up (a comment was guarded by the ticket's version, so one of two simultaneous replies
answered CONFLICT)."""

from __future__ import annotations

import asyncio

from tests.subgraphs.tickets.harness import REPLY, TICKET, Desk

PAIRS = 10


async def test_simultaneous_replies_on_one_ticket_are_all_stored(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    agent, customer = team.agent.through(gateway_url), team.customer.through(gateway_url)
    note = {"body": "Checked the logs", "internal": True}
    for n in range(PAIRS):
        answers = await asyncio.gather(
            agent(REPLY, {"id": ticket["id"], "i": {"body": f"agent {n}"}}),
            customer(REPLY, {"id": ticket["id"], "i": {"body": f"customer {n}"}}),
            agent(REPLY, {"id": ticket["id"], "i": note}))
        assert all(not answer.errors for answer in answers), [a.errors for a in answers]
    seen = (await team.admin.through(gateway_url).ok(TICKET, {"id": ticket["id"]}))["ticket"]
    assert seen["commentCount"] == 3 * PAIRS
    assert (await customer.ok(TICKET, {"id": ticket["id"]}))["ticket"]["commentCount"] == 2 * PAIRS
