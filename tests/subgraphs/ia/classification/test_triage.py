"""Triage end to end: a company's catalogue guides it first, its labelled tickets train it, the tickets service
applies what it is sure of and flags what it is not. Texts are the small labelled examples of the triage tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.subgraphs.ia.catalogue import LABELS, Catalogue, catalogue, corrected, open_ticket, resolved
from tests.subgraphs.ia.harness import IaDesk
from tests.subgraphs.ia.triage.examples import TICKETS, UNSEEN
from tests.subgraphs.tickets.harness import Team

CLASSIFICATION = """query($id: ID!) { _entities(representations: [{__typename: "Ticket", id: $id}]) {
  ... on Ticket { classification { category { value confidence source } type { value source }
    priority { value } confidence needsReview applied model } } } }"""
TICKET = "query($id: ID!) { ticket(id: $id) { category type priority needsReview } }"
STATUS = "{ triageModel { labelledTickets trained targets { target examples labels } } }"


async def classification(desk: IaDesk, team: Team, ticket_id: str) -> dict[str, Any] | None:
    [entity] = (await desk.ok(team.agent, CLASSIFICATION, {"id": ticket_id}))["_entities"]
    return entity["classification"]


@pytest.fixture(scope="module")
async def trained(ia_desk: IaDesk) -> tuple[Team, Catalogue]:
    """A company whose desk resolved half of the example tickets and corrected the triage of the other half."""
    team = await ia_desk.team()
    found = await catalogue(ia_desk, team)
    for category, texts in TICKETS.items():
        for n, text in enumerate(texts):
            if n % 2:
                await resolved(team, found.items[category], text)
            else:
                await corrected(team, found.generic, text, category)
    assert await ia_desk.train(team.id)
    return team, found


async def test_before_any_labels_the_catalogue_guides_and_an_unsure_guess_waits_for_a_person(ia_desk: IaDesk
                                                                                           ) -> None:
    team = await ia_desk.team()
    found = await catalogue(ia_desk, team)
    clear = await open_ticket(team, found.generic, "The printer on the second floor jams and the toner is empty")
    vague = await open_ticket(team, found.generic, "hello, thanks for everything")
    await ia_desk.settle()
    guess = await classification(ia_desk, team, clear["id"])
    assert guess is not None and guess["model"] == "catalogue"
    assert (guess["category"]["value"], guess["type"]["value"], guess["priority"]["value"]) == \
        ("Printing", "INCIDENT", "LOW")
    assert guess["category"]["source"] == "CATALOGUE" and guess["applied"] and not guess["needsReview"]
    now = (await team.agent.ok(TICKET, {"id": clear["id"]}))["ticket"]
    assert now == {"category": "Printing", "type": "INCIDENT", "priority": "LOW", "needsReview": False}
    unsure = await classification(ia_desk, team, vague["id"])
    assert unsure is not None and unsure["needsReview"] and not unsure["applied"]
    assert unsure["confidence"] < 0.6  # never surer than the text resembles an item
    now = (await team.agent.ok(TICKET, {"id": vague["id"]}))["ticket"]
    assert now == {"category": "Network", "type": "INCIDENT", "priority": "HIGH", "needsReview": True}
    [event] = await ia_desk.ia_events("ticket.classified", ticketId=clear["id"])
    assert set(event["data"]) == {"ticketId", "category", "type", "priority", "confidence", "needsReview", "model"}
    assert (event["data"]["category"], event["data"]["type"], event["data"]["priority"]) == \
        ("Printing", "incident", "low")


async def test_labelled_history_trains_the_company_and_confident_triage_is_applied(
        ia_desk: IaDesk, trained: tuple[Team, Catalogue]) -> None:
    team, found = trained
    model = (await ia_desk.ok(team.admin, STATUS))["triageModel"]
    assert model["labelledTickets"] == 48 and model["trained"]
    assert {t["target"]: t["labels"] for t in model["targets"]}["category"] == [
        "Access", "Hardware", "Network", "Printing", "Purchase"]
    tickets = [await open_ticket(team, found.generic, text) for text, _ in UNSEEN]
    await ia_desk.settle()
    for ticket, (_, category) in zip(tickets, UNSEEN, strict=True):
        seen = await classification(ia_desk, team, ticket["id"])
        assert seen is not None and seen["model"] == "company", seen
        assert seen["category"]["value"] == category and seen["category"]["source"] == "COMPANY"
        assert (seen["type"]["value"], seen["priority"]["value"]) == LABELS[category]
        now = (await team.agent.ok(TICKET, {"id": ticket["id"]}))["ticket"]
        if not seen["needsReview"]:
            assert seen["applied"] and (now["category"], now["type"], now["priority"]) == (category, *LABELS[category])
    applied = [await classification(ia_desk, team, t["id"]) for t in tickets]
    assert sum(1 for c in applied if c and c["applied"]) >= 3, applied


async def test_a_vague_ticket_is_flagged_and_nothing_is_overwritten(ia_desk: IaDesk,
                                                                    trained: tuple[Team, Catalogue]) -> None:
    team, found = trained
    ticket = await open_ticket(team, found.items["Purchase"], "hello, thanks")
    await ia_desk.settle()
    seen = await classification(ia_desk, team, ticket["id"])
    assert seen is not None and seen["needsReview"] and not seen["applied"]
    now = (await team.agent.ok(TICKET, {"id": ticket["id"]}))["ticket"]
    assert now == {"category": "Purchase", "type": "REQUEST", "priority": "LOW", "needsReview": True}


async def test_an_agents_correction_becomes_a_training_example(ia_desk: IaDesk,
                                                              trained: tuple[Team, Catalogue]) -> None:
    team, found = trained
    before = (await ia_desk.ok(team.admin, STATUS))["triageModel"]["labelledTickets"]
    ticket = await corrected(team, found.generic, "the label printer in the warehouse prints blank labels",
                             "Printing")
    await ia_desk.settle()
    assert (await ia_desk.ok(team.admin, STATUS))["triageModel"]["labelledTickets"] == before + 1
    row = await ia_desk.ia.runtime.db["tickets"].find_one({"_id": ticket["id"]})
    assert row["labelled"] == "corrected" and row["category"] == "Printing"
    assert await ia_desk.train(team.id)


async def test_a_new_title_or_description_is_triaged_again(ia_desk: IaDesk, trained: tuple[Team, Catalogue]) -> None:
    team, found = trained
    ticket = await open_ticket(team, found.generic, "please order two new monitors for the design team")
    await ia_desk.settle()
    await team.customer.ok("""mutation($id: ID!, $i: UpdateTicketInput!) { updateTicket(id: $id, input: $i) { id } }""",
                           {"id": ticket["id"], "i": {"title": "Printer jams", "description": "paper jam, toner low"}})
    await ia_desk.settle()
    first, second = await ia_desk.ia_events("ticket.classified", ticketId=ticket["id"])
    assert (first["data"]["category"], second["data"]["category"]) == ("Purchase", "Printing")
    seen = await classification(ia_desk, team, ticket["id"])
    assert seen is not None and seen["category"]["value"] == "Printing"
