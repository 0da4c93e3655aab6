"""The IA's conclusions, as it will publish them: classifications and assignment suggestions."""

from __future__ import annotations

from typing import Any

from subgraphs.kernel.events.envelope import Event
from subgraphs.tickets.intelligence.consumers import IntelligenceConsumer
from tests.subgraphs.tickets.harness import Desk, Team
from tests.subgraphs.tickets.ticket.test_editing import UPDATE

SEEN = """query($id: ID!) { ticket(id: $id) { category type priority needsReview assignee { id }
  assignmentSuggestion { assignee { id } score applied factors { name value } reason } } }"""
HISTORY = """query($id: ID!) { ticket(id: $id) { history(first: 50) { edges { node {
  action field newValue actor { id } } } } } }"""
DESK = "mutation($a: Boolean) { updateDeskSettings(input: {autoAssign: $a}) { autoAssign } }"


def classified(ticket_id: str, **fields: Any) -> dict[str, Any]:
    return {"ticketId": ticket_id, "category": "Security", "type": "request", "priority": "critical",
            "confidence": 0.93, "needsReview": False, "model": "minilm-svm-1", **fields}


async def seen(team: Team, ticket_id: str, by: str = "agent") -> dict[str, Any]:
    return (await getattr(team, by).ok(SEEN, {"id": ticket_id}))["ticket"]


async def test_a_confident_classification_is_applied(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    await desk.publish("ticket.classified", classified(ticket["id"]), company_id=team.id)
    now = await seen(team, ticket["id"])
    assert (now["category"], now["type"], now["priority"], now["needsReview"]) == \
        ("Security", "REQUEST", "CRITICAL", False)
    stored = await desk.tickets.runtime.db["tickets"].find_one({"_id": ticket["id"]})
    assert {k: stored["classification"][k] for k in ("category", "confidence", "model")} == {
        "category": "Security", "confidence": 0.93, "model": "minilm-svm-1"}
    rows = [e["node"] for e in (await team.agent.ok(HISTORY, {"id": ticket["id"]}))["ticket"]["history"]["edges"]]
    assert {(r["field"], r["newValue"]) for r in rows if r["action"] == "CLASSIFIED"} == {
        ("category", "Security"), ("type", "request"), ("priority", "critical")}
    assert all(r["actor"] is None for r in rows if r["action"] == "CLASSIFIED")
    event = (await desk.events("ticket.updated", ticketId=ticket["id"]))[-1]
    assert event["data"]["automatic"] is True and event["data"]["changed"] == ["category", "priority", "type"]


async def test_an_unsure_classification_waits_for_a_person_and_a_persons_triage_stands(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    await desk.publish("ticket.classified", classified(ticket["id"], confidence=0.41, needsReview=True),
                       company_id=team.id)
    unsure = await seen(team, ticket["id"])
    assert (unsure["category"], unsure["priority"], unsure["needsReview"]) == ("Network", "HIGH", True)
    flagged = await team.agent.ok("{ tickets(filter: {needsReview: true}) { edges { node { id } } } }")
    assert flagged["tickets"]["edges"] == [{"node": {"id": ticket["id"]}}]
    await team.agent.ok(UPDATE, {"id": ticket["id"], "i": {"category": "Network", "priority": "MEDIUM"}})
    assert (await seen(team, ticket["id"]))["needsReview"] is False
    await desk.publish("ticket.classified", classified(ticket["id"]), company_id=team.id)
    kept = await seen(team, ticket["id"])
    assert (kept["category"], kept["priority"], kept["needsReview"]) == ("Network", "MEDIUM", False)


async def test_a_person_confirming_the_triage_as_it_stands_ends_the_review(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    await desk.publish("ticket.classified", classified(ticket["id"], confidence=0.41, needsReview=True),
                       company_id=team.id)
    unsure = await seen(team, ticket["id"])
    assert unsure["needsReview"] is True
    # the reviewer agrees with what the ticket already says: the same values, sent back
    same = {"category": unsure["category"], "type": unsure["type"], "priority": unsure["priority"]}
    await team.agent.ok(UPDATE, {"id": ticket["id"], "i": same})
    done = await seen(team, ticket["id"])
    assert done["needsReview"] is False and {k: done[k] for k in same} == same
    flagged = await team.agent.ok("{ tickets(filter: {needsReview: true}) { edges { node { id } } } }")
    assert flagged["tickets"]["edges"] == []
    event = (await desk.events("ticket.updated", ticketId=ticket["id"]))[-1]
    assert event["data"]["changed"] == ["needsReview"]  # the open lists hear of it
    # and the IA no longer overwrites what a person stood behind
    await desk.publish("ticket.classified", classified(ticket["id"]), company_id=team.id)
    assert {k: (await seen(team, ticket["id"]))[k] for k in same} == same
    # sending the same values again, with nothing awaiting review, changes nothing and says nothing
    count = len(await desk.events("ticket.updated", ticketId=ticket["id"]))
    await team.agent.ok(UPDATE, {"id": ticket["id"], "i": same})
    assert len(await desk.events("ticket.updated", ticketId=ticket["id"])) == count


async def test_conclusions_about_another_companys_ticket_change_nothing(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    ticket = await team.ticket()
    await desk.publish("ticket.classified", classified(ticket["id"]), company_id=other.id)
    await desk.publish("ticket.assignment_suggested", {"ticketId": ticket["id"], "assigneeId": other.agent.id},
                       company_id=other.id)
    untouched = await seen(team, ticket["id"])
    assert (untouched["category"], untouched["assignmentSuggestion"]) == ("Network", None)


async def test_a_redelivered_event_is_applied_once(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    event = Event(type="ticket.classified", data=classified(ticket["id"]), company_id=team.id)
    await desk.bus.publish(event)
    await desk.bus.publish(event)
    await desk.settle()
    assert len(await desk.events("ticket.updated", ticketId=ticket["id"])) == 1


async def test_suggestions_are_applied_when_the_company_lets_them(desk: Desk) -> None:
    team = await desk.team()
    first, second, third = await team.ticket(), await team.ticket(), await team.ticket()
    suggestion = {"assigneeId": team.agent.id, "score": 0.82, "factors": {"workload": 0.3, "speed": 0.9},
                  "reason": "least loaded of the Network group"}
    await desk.publish("ticket.assignment_suggested", {"ticketId": first["id"], **suggestion}, company_id=team.id)
    kept = await seen(team, first["id"])
    assert kept["assignee"] is None and kept["assignmentSuggestion"]["applied"] is False
    assert kept["assignmentSuggestion"]["factors"] == [{"name": "workload", "value": 0.3}, {"name": "speed",
                                                                                             "value": 0.9}]
    assert (await team.agent(DESK, {"a": True})).codes == ["FORBIDDEN"]
    assert (await team.admin.ok(DESK, {"a": True}))["updateDeskSettings"] == {"autoAssign": True}
    await desk.publish("ticket.assignment_suggested", {"ticketId": second["id"], **suggestion}, company_id=team.id)
    applied = await seen(team, second["id"])
    assert applied["assignee"] == {"id": team.agent.id} and applied["assignmentSuggestion"]["applied"] is True
    event = (await desk.events("ticket.assigned", ticketId=second["id"]))[0]
    assert event["data"]["automatic"] is True and event["actorId"] is None
    unfit = {**suggestion, "assigneeId": team.other_agent.id}  # not in the Network care group
    await desk.publish("ticket.assignment_suggested", {"ticketId": third["id"], **unfit}, company_id=team.id)
    assert (await seen(team, third["id"]))["assignee"] is None
    await desk.publish("ticket.assignment_suggested", {"ticketId": second["id"], "assigneeId": None},
                       company_id=team.id)  # no candidate: the ticket keeps its agent
    assert (await seen(team, second["id"]))["assignee"] == {"id": team.agent.id}


async def test_a_ticket_changed_between_the_read_and_the_commit_is_classified_as_it_now_is(desk: Desk) -> None:
    """The consumer reads the ticket outside its transaction; a change landing before its commit (a person's
    edit, here a new title) makes the transaction write nothing and run again on the ticket as it is now."""
    team = await desk.team()
    ticket = await team.ticket()
    runtime = desk.tickets.runtime
    deps = runtime.state["tickets"]
    event = Event(type="ticket.classified", data=classified(ticket["id"]), company_id=team.id, actor_id=None)
    runs: list[int] = []

    async def work(uow: Any) -> None:
        await IntelligenceConsumer(deps).handle(event, uow)
        if not runs:  # someone edits the ticket after the consumer read it, before its commit
            await runtime.db["tickets"].update_one({"_id": ticket["id"]},
                                                   {"$set": {"title": "Edited meanwhile"}, "$inc": {"version": 1}})
        runs.append(1)

    before = await runtime.db["tickets"].find_one({"_id": ticket["id"]})
    await deps.outbox.transaction(work)

    stored = await runtime.db["tickets"].find_one({"_id": ticket["id"]})
    assert len(runs) == 2
    assert (stored["title"], stored["category"], stored["version"]) == ("Edited meanwhile", "Security",
                                                                          before["version"] + 2)
