"""One analysis batch reads its company's agents and their work once: each committed suggestion laid on it must leave
it as a fresh read of the database would then be, so a burst of tickets is spread as if each were read anew."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from subgraphs.ia import store
from subgraphs.ia.assignment.service import Windows, decide, read_routing
from subgraphs.kernel.mongo import Database

WINDOWS = Windows(history=timedelta(days=30), stagnant=timedelta(days=2))
COMPANY = "c-snapshot"
AGENT = ["tickets.work", "tickets.update"]


def _person(user_id: str) -> dict[str, Any]:
    return {"_id": user_id, "companyId": COMPANY, "permissions": AGENT, "status": "active", "deleted": False,
            "activityStatus": "available", "careGroups": ["Network"], "skills": []}


def _ticket(ticket_id: str, now: datetime, **fields: Any) -> dict[str, Any]:
    return {"_id": ticket_id, "companyId": COMPANY, "status": "open", "priority": "medium", "careGroup": "Network",
            "createdAt": now - timedelta(hours=1), "lastActivityAt": None, "assigneeId": None, **fields}


async def test_a_suggestion_laid_on_the_batch_read_leaves_it_as_a_fresh_read(scratch_db: Database) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    await scratch_db[store.PEOPLE].insert_many([_person("ana"), _person("ben"), _person("cy")])
    await scratch_db[store.TICKETS].insert_many([
        _ticket("held", now, assigneeId="ana", priority="high"),
        _ticket("waiting", now, suggestedTo="ben", suggestedAt=now - timedelta(minutes=1)),  # ben's, not applied yet
    ])
    new = [_ticket(f"new-{n}", now) for n in range(4)]
    await scratch_db[store.TICKETS].insert_many(new)
    batch = await read_routing(scratch_db, COMPANY, now=now, windows=WINDOWS)
    ids = [p["_id"] for p in batch.people]
    chosen = []
    for ticket in [*new, _ticket("waiting", now)]:  # the last one routed again, away from ben
        decision = await decide(scratch_db, ticket, now=now, windows=WINDOWS, routing=batch)
        agent = decision.chosen.user_id if decision.chosen else None
        chosen.append(agent)
        # what the routing commits: the suggestion on the IA's view of the ticket
        await scratch_db[store.TICKETS].update_one({"_id": ticket["_id"]}, {"$set": {
            "suggestedTo": agent, "suggestedAt": now}})
        batch.suggested(ticket, agent, now)
        fresh = await read_routing(scratch_db, COMPANY, now=now, windows=WINDOWS)
        assert batch.stats(ids, now=now, windows=WINDOWS) == fresh.stats(ids, now=now, windows=WINDOWS)
    # the burst spread: read once and never updated, every one would have gone to cy, who held nothing
    assert set(chosen[:3]) == {"ana", "ben", "cy"}, chosen
