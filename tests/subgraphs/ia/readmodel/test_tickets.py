"""The IA's view of tickets and their public replies, folded from the tickets service's events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from subgraphs.ia import store
from subgraphs.ia.readmodel import replies, tickets
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from tests.harness import in_unit
from tests.subgraphs.ia.assignment.factories import NOW
from tests.subgraphs.ia.harness import IaDesk


@pytest.fixture
async def db(ia_desk: IaDesk) -> AsyncIterator[Database]:
    database = Database(ia_desk.ia.runtime.client, f"t{new_id()[-8:]}_readmodel")
    yield database
    await ia_desk.ia.runtime.client.drop_database(database.name)


def snapshot(**fields: Any) -> dict[str, Any]:
    return {"ticketId": "t1", "companyId": "c1", "reference": "TKT-1", "title": "VPN", "description": "drops",
            "status": "open", "type": "incident", "priority": "high", "category": "Network", "careGroup": None,
            "itemId": "i1", "creatorId": "cust", "assigneeId": None, "tutorId": None, "watcherIds": [],
            "createdAt": NOW.isoformat(), **fields}


async def fold(db: Database, type: str, minutes: int, actor: str | None = "x", **data: Any) -> Any:
    event = Event(type=type, data=snapshot(**data), company_id="c1", actor_id=actor,
                  occurred_at=NOW + timedelta(minutes=minutes))
    return await in_unit(db, lambda uow: tickets.remember(db, event, uow))


async def test_the_view_keeps_who_held_resolved_and_reopened_the_ticket(db: Database) -> None:
    _, created = await fold(db, "ticket.created", 0, actor="cust")
    assert created["createdAt"] == NOW and created["assignedAt"] is None and created["lastActivityAt"] == NOW
    _, first = await fold(db, "ticket.assigned", 10, assigneeId="a")
    assert first["assignedAt"] == NOW + timedelta(minutes=10) and not first.get("heldBy")
    _, second = await fold(db, "ticket.assigned", 20, assigneeId="b")
    assert second["heldBy"] == ["a"] and second["assignedAt"] == NOW + timedelta(minutes=20)
    _, resolved = await fold(db, "ticket.status_changed", 30, assigneeId="b", status="resolved", to="resolved")
    assert resolved["lastResolverId"] == "b" and resolved["resolvedAt"] == NOW + timedelta(minutes=30)
    _, reopened = await fold(db, "ticket.status_changed", 40, assigneeId="b", status="open", verb="reopen")
    assert reopened["reopenCount"] == 1 and reopened["lastResolverId"] == "b"
    _, warned = await fold(db, "ticket.sla_warning", 50, actor=None, assigneeId="b")
    assert warned["lastActivityAt"] == NOW + timedelta(minutes=40)  # the scheduler is nobody acting on it


async def test_an_older_event_changes_nothing(db: Database) -> None:
    await fold(db, "ticket.updated", 10, title="New title")
    before, after = await fold(db, "ticket.updated", 5, title="Old title")
    assert after is None and before["title"] == "New title"
    assert (await db[store.TICKETS].find_one({"_id": "t1"}))["title"] == "New title"


async def test_an_event_another_replica_folds_meanwhile_is_kept_and_the_fold_runs_again(db: Database) -> None:
    """The row is read outside the transaction: one folded between that read and the commit is not overwritten."""
    await fold(db, "ticket.created", 0, actor="cust")
    taken, passed_on = (Event(type="ticket.assigned", data=snapshot(assigneeId=who), company_id="c1", actor_id="x",
                              occurred_at=NOW + timedelta(minutes=minutes)) for who, minutes in (("a", 10), ("b", 20)))
    runs: list[Any] = []

    async def work(uow: Any) -> Any:
        folded = await tickets.remember(db, passed_on, uow)
        if not runs:  # another replica folds the first assignment after this read, before this commit
            await in_unit(db, lambda other: tickets.remember(db, taken, other))
        runs.append(folded)
        return folded

    before, after = await in_unit(db, work)

    assert len(runs) == 2 and before["assigneeId"] == "a"
    stored = await db[store.TICKETS].find_one({"_id": "t1"})
    assert stored == after and (stored["assigneeId"], stored["heldBy"]) == ("b", ["a"])


async def test_public_replies_are_kept_and_internal_notes_never(db: Database) -> None:
    async def record(type: str, **data: Any) -> None:
        event = Event(type=type, data=snapshot(**data), company_id="c1", actor_id="a", occurred_at=NOW)
        await in_unit(db, lambda uow: replies.record(db, event, uow))

    await record("ticket.commented", commentId="r1", authorId="a", internal=False, excerpt="Reinstall the client.")
    await record("ticket.commented", commentId="n1", authorId="a", internal=True, excerpt="The gateway is broken.")
    await record("ticket.commented", commentId="r2", authorId="cust", internal=False, excerpt="Still broken!")
    rows = {r["_id"]: r for r in await db[store.REPLIES].find().to_list(None)}
    assert set(rows) == {"r1", "r2"} and rows["r2"]["fromCreator"] and not rows["r1"]["fromCreator"]
    await record("ticket.comment_deleted", commentId="r1", internal=False)
    assert [r["_id"] for r in await db[store.REPLIES].find().to_list(None)] == ["r2"]
