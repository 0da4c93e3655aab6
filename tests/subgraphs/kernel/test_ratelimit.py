"""The fixed-window limiter against the real database server: concurrent hits are each counted once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from subgraphs.kernel.mongo import Database
from subgraphs.kernel.ratelimit import FixedWindowLimiter


@pytest.fixture
def db(scratch_db: Database) -> Database:
    return scratch_db


async def test_concurrent_first_hits_on_a_key_are_each_counted_once(db: Database) -> None:
    limiter = FixedWindowLimiter(db, collection="limits", limit=6, window=timedelta(hours=1))
    answers = await asyncio.gather(*(limiter.hit("sender") for _ in range(8)))
    assert sorted(a is None for a in answers) == [False, False] + [True] * 6
    [row] = await db["limits"].find({}).to_list(None)
    assert row["n"] == 8
