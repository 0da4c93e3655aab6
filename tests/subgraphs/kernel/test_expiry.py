"""Expired rows go by their TTL indexes, deleted by the service's own sweep, as MongoDB's TTL monitor would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pymongo import ASCENDING, IndexModel

from subgraphs.kernel.expiry import sweep
from subgraphs.kernel.mongo import Database

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(scratch_db: Database) -> Database:
    return scratch_db


async def _ids(db: Database, collection: str) -> list[str]:
    return sorted(row["_id"] for row in await db[collection].find({}, projection={"_id": 1}).to_list(None))


async def test_rows_older_than_their_index_allows_are_deleted_and_nothing_else(db: Database) -> None:
    await db["outbox"].create_index("publishedAt", expireAfterSeconds=3600)
    await db["outbox"].insert_many([
        {"_id": "old", "publishedAt": NOW - timedelta(hours=2)},
        {"_id": "just-inside", "publishedAt": NOW - timedelta(minutes=59)},
        {"_id": "pending", "publishedAt": None},  # never expires: not a date
        {"_id": "text", "publishedAt": "2020-01-01"},
        {"_id": "absent"},
    ])
    assert await sweep(db, now=NOW) == 1
    assert await _ids(db, "outbox") == ["absent", "just-inside", "pending", "text"]
    assert await sweep(db, now=NOW + timedelta(minutes=2)) == 1
    assert await _ids(db, "outbox") == ["absent", "pending", "text"]


async def test_a_partial_index_expires_only_what_it_holds_and_other_indexes_expire_nothing(db: Database) -> None:
    old = NOW - timedelta(days=30)
    await db["limits"].create_indexes([
        IndexModel([("at", ASCENDING)], expireAfterSeconds=60, partialFilterExpression={"kind": "hit"}),
        IndexModel([("seenAt", ASCENDING)]),  # no TTL
        IndexModel([("companyId", ASCENDING), ("createdAt", ASCENDING)]),  # compound: MongoDB never expires by it
    ])
    await db["limits"].insert_many([
        {"_id": "hit", "kind": "hit", "at": old},
        {"_id": "audit", "kind": "audit", "at": old},
        {"_id": "seen", "seenAt": old, "companyId": "c", "createdAt": old},
    ])
    await db["untouched"].insert_one({"_id": "x", "at": old})
    assert await sweep(db, now=NOW) == 1
    assert await _ids(db, "limits") == ["audit", "seen"]
    assert await _ids(db, "untouched") == ["x"]


async def test_a_database_without_ttl_indexes_is_swept_without_error(db: Database) -> None:
    assert await sweep(db, now=NOW) == 0
    await db["plain"].insert_one({"_id": "x", "at": NOW - timedelta(days=400)})
    assert await sweep(db, now=NOW) == 0
    assert await _ids(db, "plain") == ["x"]
