"""Satisfaction: the creator rates a resolved ticket once, may change it for a week, and rates afresh after a reopen."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.kernel import clock
from tests.subgraphs.tickets.harness import Desk, next_monday
from tests.subgraphs.tickets.ticket.test_status import move

RATE = """mutation($id: ID!, $s: Int!, $c: String) { rateTicket(id: $id, score: $s, comment: $c) {
  rating { score comment ratedAt updatedAt } } }"""
RATINGS = """query($id: ID!) { ticket(id: $id) { status
  rating { score comment ratedAt updatedAt } previousRatings { score comment ratedAt updatedAt } } }"""


async def test_the_creator_rates_once_resolved_and_may_change_it_for_a_week(desk: Desk, frozen: None) -> None:
    clock.freeze(next_monday(10))
    team = await desk.team()
    ticket = await team.assigned()
    assert (await team.customer(RATE, {"id": ticket["id"], "s": 5})).codes == ["BAD_USER_INPUT"]
    await move(team.agent, ticket["id"], "RESOLVED")
    assert (await team.agent(RATE, {"id": ticket["id"], "s": 5})).codes == ["FORBIDDEN"]
    assert (await team.customer(RATE, {"id": ticket["id"], "s": 6})).codes == ["BAD_USER_INPUT"]
    first = (await team.customer.ok(RATE, {"id": ticket["id"], "s": 2, "c": "slow"}))["rateTicket"]["rating"]
    clock.advance(timedelta(days=6))
    customer = await desk.renew(team.customer)
    changed = (await customer.ok(RATE, {"id": ticket["id"], "s": 4, "c": "fixed for good"}))["rateTicket"]["rating"]
    assert (changed["score"], changed["ratedAt"]) == (4, first["ratedAt"]) and changed["updatedAt"] > first["ratedAt"]
    clock.advance(timedelta(days=2))
    late = await (await desk.renew(team.customer))(RATE, {"id": ticket["id"], "s": 1})
    assert late.codes == ["BAD_USER_INPUT"] and "7 days" in late.errors[0]["message"]
    events = await desk.events("ticket.rated", ticketId=ticket["id"])
    assert [(e["data"]["score"], e["data"]["changed"], e["data"]["agentId"]) for e in events] == [
        (2, False, team.agent.id), (4, True, team.agent.id)]


async def test_a_reopen_sets_the_rating_aside_until_the_next_resolution_is_rated(desk: Desk, gateway_url: str
                                                                                 ) -> None:
    team = await desk.team()
    customer = desk.through(gateway_url, team.customer)
    ticket = await team.assigned()
    await move(team.agent, ticket["id"], "RESOLVED")
    first = (await customer.ok(RATE, {"id": ticket["id"], "s": 2, "c": "still flaky"}))["rateTicket"]["rating"]
    await move(customer, ticket["id"], "OPEN", "it dropped again")
    reopened = (await customer.ok(RATINGS, {"id": ticket["id"]}))["ticket"]
    assert reopened == {"status": "OPEN", "rating": None, "previousRatings": [first]}
    assert (await customer(RATE, {"id": ticket["id"], "s": 5})).codes == ["BAD_USER_INPUT"]
    await move(team.agent, ticket["id"], "RESOLVED")
    second = (await customer.ok(RATE, {"id": ticket["id"], "s": 5}))["rateTicket"]["rating"]
    assert second["ratedAt"] > first["ratedAt"]
    rated = (await customer.ok(RATINGS, {"id": ticket["id"]}))["ticket"]
    assert rated == {"status": "RESOLVED", "rating": second, "previousRatings": [first]}
