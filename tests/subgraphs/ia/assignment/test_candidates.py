"""Who may be given a ticket: active, online agents whose care group (or, without one, skills) fit."""

from __future__ import annotations

from typing import Any

from subgraphs.ia.assignment.candidates import candidates, unfit

AGENT = ["tickets.work", "tickets.update"]


def person(user_id: str, **fields: Any) -> dict[str, Any]:
    return {"_id": user_id, "permissions": AGENT, "status": "active", "activityStatus": "available",
            "careGroups": ["Network"], "skills": [], **fields}


def test_the_reasons_a_person_is_left_out() -> None:
    ticket = {"careGroup": "network", "heldBy": ["held"]}
    assert unfit(person("a"), ticket) is None  # care groups match whatever the case
    assert unfit(person("c", permissions=["tickets.create"]), ticket) == "not an agent"
    assert unfit(person("s", permissions=[*AGENT, "tickets.manage"]), ticket) == "not an agent"
    assert unfit(person("i", status="inactive"), ticket) == "not active"
    assert unfit(person("d", deleted=True), ticket) == "not active"
    assert unfit(person("o", activityStatus="offline"), ticket) == "offline"
    assert unfit(person("b", activityStatus="busy"), ticket) is None
    assert unfit(person("h", careGroups=["Hardware"]), ticket) == "not in the care group network"
    assert unfit(person("held"), ticket) == "held the ticket before"


def test_without_a_care_group_the_skilled_agents_are_preferred() -> None:
    people = [person("a", skills=["Printing"]), person("b"), person("c", permissions=["tickets.create"])]
    fit, excluded = candidates(people, {"careGroup": None, "category": "printing"})
    assert [p["_id"] for p in fit] == ["a"] and excluded == [("b", "no skill in printing")]
    fit, excluded = candidates(people, {"careGroup": None, "category": "Hardware"})
    assert [p["_id"] for p in fit] == ["a", "b"] and excluded == []  # nobody's skill: anyone
