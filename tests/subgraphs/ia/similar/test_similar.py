"""Similar tickets and likely duplicates: per company, best first, only what the caller may see."""

from __future__ import annotations

from typing import Any

from tests.subgraphs.ia.catalogue import open_ticket
from tests.subgraphs.ia.harness import IaDesk
from tests.subgraphs.tickets.harness import Member, Team

SIMILAR = """query($id: ID!, $n: Int!) { _entities(representations: [{__typename: "Ticket", id: $id}]) {
  ... on Ticket { similarTickets(limit: $n) { ticket { id } similarity likelyDuplicate }
    likelyDuplicateOf { ticket { id } similarity } } } }"""
SEARCH = "query($t: String!) { searchTickets(text: $t, limit: 5) { ticket { id } similarity } }"

VPN = "The VPN disconnects every few minutes when I work from home"
VPN_AGAIN = "VPN keeps disconnecting every few minutes while working from home"
PRINTER = "The printer on the third floor prints blank pages"
PAYROLL = "Question about my payslip and the holiday allowance"


async def similar(desk: IaDesk, member: Member, ticket_id: str, limit: int = 5) -> dict[str, Any]:
    [entity] = (await desk.ok(member, SIMILAR, {"id": ticket_id, "n": limit}))["_entities"]
    return entity


async def test_similar_tickets_come_best_first_and_a_near_repeat_is_a_likely_duplicate(ia_desk: IaDesk) -> None:
    team = await ia_desk.team()
    first = await open_ticket(team, team.item_id, VPN)
    printer = await open_ticket(team, team.item_id, PRINTER)
    await open_ticket(team, team.item_id, PAYROLL)
    await ia_desk.settle()
    repeat = await open_ticket(team, team.item_id, VPN_AGAIN, by=team.colleague)
    await ia_desk.settle()
    seen = await similar(ia_desk, team.agent, repeat["id"])
    ids = [s["ticket"]["id"] for s in seen["similarTickets"]]
    assert ids[0] == first["id"] and repeat["id"] not in ids
    assert seen["similarTickets"][0]["likelyDuplicate"] and seen["similarTickets"][0]["similarity"] >= 0.9
    assert all(not s["likelyDuplicate"] for s in seen["similarTickets"][1:])
    assert printer["id"] not in ids[:1]
    assert seen["likelyDuplicateOf"]["ticket"]["id"] == first["id"]
    [event] = await ia_desk.ia_events("ticket.duplicate_suspected", ticketId=repeat["id"])
    assert event["data"]["duplicateOfId"] == first["id"] and event["data"]["sameCreator"] is False
    assert event["companyId"] == team.id and "reference" not in event["data"]
    assert not await ia_desk.ia_events("ticket.duplicate_suspected", ticketId=first["id"])


async def test_a_customer_sees_only_their_own_similar_tickets_and_other_companies_none(ia_desk: IaDesk) -> None:
    team, other = await ia_desk.team(), await ia_desk.team()
    mine = await open_ticket(team, team.item_id, VPN)
    colleagues = await open_ticket(team, team.item_id, VPN_AGAIN, by=team.colleague)
    elsewhere = await open_ticket(other, other.item_id, VPN_AGAIN)
    await ia_desk.settle()
    assert (await similar(ia_desk, team.customer, mine["id"]))["similarTickets"] == []
    agent_sees = [s["ticket"]["id"] for s in (await similar(ia_desk, team.agent, mine["id"]))["similarTickets"]]
    assert agent_sees == [colleagues["id"]] and elsewhere["id"] not in agent_sees
    [entity] = (await ia_desk.ok(other.admin, SIMILAR, {"id": mine["id"], "n": 5}))["_entities"]
    assert entity is None


async def test_an_old_or_closed_ticket_is_no_duplicate(ia_desk: IaDesk) -> None:
    team = await ia_desk.team()
    first = await open_ticket(team, team.item_id, PRINTER)
    await team.customer.ok("mutation($id: ID!) { changeTicketStatus(id: $id, status: CANCELLED) { id } }",
                           {"id": first["id"]})
    await ia_desk.settle()
    repeat = await open_ticket(team, team.item_id, PRINTER)
    await ia_desk.settle()
    assert not await ia_desk.ia_events("ticket.duplicate_suspected", ticketId=repeat["id"])
    seen = await similar(ia_desk, team.agent, repeat["id"])
    assert [s["ticket"]["id"] for s in seen["similarTickets"]] == [first["id"]]
    assert seen["likelyDuplicateOf"] is None


async def test_search_finds_tickets_by_meaning_among_those_the_caller_may_see(ia_desk: IaDesk) -> None:
    team: Team = await ia_desk.team()
    vpn = await open_ticket(team, team.item_id, VPN)
    printer = await open_ticket(team, team.item_id, PRINTER, by=team.colleague)
    await ia_desk.settle()
    hits = (await ia_desk.ok(team.agent, SEARCH, {"t": "remote connection keeps dropping"}))["searchTickets"]
    assert hits[0]["ticket"]["id"] == vpn["id"]
    hits = (await ia_desk.ok(team.agent, SEARCH, {"t": "empty sheets from the printer"}))["searchTickets"]
    assert hits[0]["ticket"]["id"] == printer["id"]
    mine = (await ia_desk.ok(team.customer, SEARCH, {"t": "empty sheets from the printer"}))["searchTickets"]
    assert printer["id"] not in [h["ticket"]["id"] for h in mine]
    refused = await ia_desk.call(team.agent, SEARCH, {"t": "   "})
    assert refused.codes == ["BAD_USER_INPUT"]
