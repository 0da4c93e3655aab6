"""The embedded database's own TTL sweeper runs only at the interval the stack asks for (none by default).

`python -m secantus` ignores the config file's interval and swept every 60 s, and between two sweeps the sweeper
held a read snapshot open that made the server keep a minute of old versions: the launcher hands the interval to the
server itself (`embedded_mongo._LAUNCH`). Seen from a client: a document past its TTL index's expiry goes away within
a sweep when a sweep is asked for every second, and stays when none is."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from subgraphs.kernel import clock
from subgraphs.kernel.embedded_mongo import EmbeddedMongo


async def _expired_row_left_after(directory: Path, *, ttl_sweep_seconds: float, seconds: float) -> bool:
    """Whether a row already past its expiry is still there `seconds` after it was written."""
    server = EmbeddedMongo(directory, ttl_sweep_seconds=ttl_sweep_seconds, die_with_parent=True)
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(await server.start(), tz_aware=True)
    try:
        rows = client.expiry.rows
        await rows.create_index("expiresAt", expireAfterSeconds=0)
        await rows.insert_one({"_id": "expired", "expiresAt": clock.now() - timedelta(hours=1)})
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if await rows.find_one({"_id": "expired"}) is None:
                return False
            await asyncio.sleep(0.2)
        return True
    finally:
        await client.close()
        server.stop()


@pytest.mark.parametrize(("ttl_sweep_seconds", "left"), [(1.0, False), (0.0, True)], ids=["every-second", "none"])
async def test_the_server_sweeps_expired_rows_only_at_the_interval_asked(
        tmp_path: Path, ttl_sweep_seconds: float, left: bool) -> None:
    assert await _expired_row_left_after(tmp_path, ttl_sweep_seconds=ttl_sweep_seconds, seconds=4) is left
