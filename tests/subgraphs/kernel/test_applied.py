"""`applied` and `as_stored`: a document after an update, computed from the document as read instead of read back.
It must be what the database then holds, to the millisecond, or events and answers would show a ticket that was
never stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database, applied, as_stored, connect

AT = datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=UTC)  # microseconds: the database keeps milliseconds
ROW = {"_id": "t1", "version": 3, "status": "open", "watchers": ["ana", "bo"], "count": 2,
       "sla": {"response": {"dueAt": datetime(2026, 12, 7, tzinfo=UTC), "state": "running"}}, "ratings": []}

UPDATES: list[dict[str, Any]] = [
    {"$set": {"status": "resolved", "resolvedAt": AT, "updatedAt": AT}, "$inc": {"version": 1}},
    {"$inc": {"version": 1, "count": 2, "reopened": 1}, "$addToSet": {"watchers": {"$each": ["bo", "cy", "cy"]}}},
    {"$inc": {"version": 1}, "$pull": {"watchers": "ana"}, "$push": {"ratings": {"score": 4, "at": AT}}},
    {"$inc": {"version": 1}, "$set": {"sla.response.state": "met", "sla.resolution.dueAt": AT}},
    {"$inc": {"version": 1}, "$addToSet": {"watchers": "ana"}, "$unset": {"count": "", "hold.reason": ""},
     "$push": {"ratings": {"$each": [{"score": 1}, {"score": 2}]}}, "$pull": {"links.related": "t9"}},
]


@pytest.fixture
async def db(mongo_url: str) -> AsyncIterator[Database]:
    client = connect(mongo_url, app_name="applied-test")
    database = Database(client, f"applied_{new_id()}")
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.mark.parametrize("update", UPDATES)
async def test_what_it_computes_is_what_the_database_holds(db: Database, update: dict[str, Any]) -> None:
    rows = db["rows"]
    await rows.insert_one(dict(ROW))
    read = await rows.find_one({"_id": "t1"})
    assert read is not None

    await rows.update_one({"_id": "t1"}, update)

    assert as_stored(applied(read, update)) == await rows.find_one({"_id": "t1"})
    assert applied(read, update) == await rows.find_one({"_id": "t1"})  # as stored already: no second copy needed


def test_the_document_as_read_is_left_as_it_was() -> None:
    read = {"_id": "t1", "watchers": ["ana"], "sla": {"state": "running"}}
    applied(read, {"$addToSet": {"watchers": "bo"}, "$set": {"sla.state": "met"}})
    assert read == {"_id": "t1", "watchers": ["ana"], "sla": {"state": "running"}}


@pytest.mark.parametrize("update", [{"$max": {"count": 9}}, {"$pull": {"watchers": {"$in": ["ana"]}}},
                                    {"$rename": {"count": "total"}}])
def test_an_operator_it_does_not_apply_is_refused_rather_than_guessed(update: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        applied(ROW, update)
