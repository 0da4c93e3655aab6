"""`all_of`: a conjunction as one flat filter where it can be, matching exactly what `$and` matches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database, all_of, connect

ROWS = [{"_id": n, "status": status, "people": people, "rank": n % 3}
        for n, (status, people) in enumerate([("open", ["ana"]), ("open", ["ana", "bo"]), ("done", ["bo"]),
                                              ("done", []), ("held", ["cy", "ana"]), ("open", ["cy"])])]

CASES: list[tuple[dict[str, Any], ...]] = [
    ({"status": "open"}, {"people": "ana"}),
    ({"status": {"$in": ["open", "held"]}}, {}, {"rank": {"$gte": 1}}),
    ({"$or": [{"status": "open"}, {"people": "bo"}]}, {"$or": [{"rank": 0}, {"rank": 2}]}),
    ({"rank": {"$gte": 1}}, {"rank": {"$lte": 1}}, {"people": "ana"}),
    ({"$and": [{"rank": 1}]}, {"$and": [{"status": "open"}]}, {"status": {"$ne": "done"}}),
    ({}, {}),
]


@pytest.fixture
async def db(mongo_url: str) -> AsyncIterator[Database]:
    client = connect(mongo_url, app_name="all-of-test")
    database = Database(client, f"all_of_{new_id()}")
    await database["rows"].insert_many(ROWS)
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.mark.parametrize("conditions", CASES)
async def test_all_of_matches_what_and_matches(db: Database, conditions: tuple[dict[str, Any], ...]) -> None:
    rows = db["rows"]
    wanted = [c for c in conditions if c]
    expected = await rows.find({"$and": wanted} if wanted else {}).sort("_id").to_list(None)
    assert await rows.find(all_of(*conditions)).sort("_id").to_list(None) == expected


def test_conditions_on_different_fields_stay_flat_and_overlapping_ones_are_kept_apart() -> None:
    assert all_of({"companyId": "c"}, {"status": "open"}, {}) == {"companyId": "c", "status": "open"}
    assert all_of({"rank": {"$gte": 1}}, {"rank": {"$lte": 2}}) == {"rank": {"$gte": 1},
                                                                      "$and": [{"rank": {"$lte": 2}}]}
