"""Expired rows deleted by the service itself, by its TTL indexes.

MongoDB's TTL monitor deletes expired documents in the background. SecantusDB's sweeper instead decodes
every document of every TTL-indexed collection while holding the server's one lock, so as an outbox
grows each pass stalls every service's writes for longer (at 100 chat messages a second it pushed the
delivery p99 from about 70 ms to 170 ms: benchmarks/subscriptions). The embedded server is therefore
started with its sweeper off, and each service deletes its own expired rows: one ranged delete per TTL
index, answered by that index. Against MongoDB the same deletes only race its monitor for rows both
would remove, so the sweep runs whatever the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import PyMongoError

from subgraphs.kernel import clock
from subgraphs.kernel.logging import get_logger
from subgraphs.kernel.mongo import Database

log = get_logger(__name__)

INTERVAL_SECONDS = 60.0  # MongoDB's TTL monitor runs once a minute too


def _expiry_filter(index: Mapping[str, Any], now: datetime) -> dict[str, Any] | None:
    """The rows an index expires at `now`, as MongoDB reads a TTL index (one field, not `_id`), or None."""
    seconds = index.get("expireAfterSeconds")
    keys = list(index.get("key", {}).keys())
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0 or len(keys) != 1:
        return None
    if keys[0] == "_id":
        return None
    expired: dict[str, Any] = {keys[0]: {"$lt": now - timedelta(seconds=float(seconds))}}
    partial = index.get("partialFilterExpression")
    return {"$and": [expired, dict(partial)]} if partial else expired


async def sweep(db: Database, *, now: datetime | None = None) -> int:
    """Delete what every TTL index of `db` has expired; the number of rows deleted."""
    at = now or clock.now()
    deleted = 0
    for name in await db.db.list_collection_names():
        collection = db[name]
        for index in await (await collection.list_indexes()).to_list(None):
            expired = _expiry_filter(index, at)
            if expired is not None:
                deleted += (await collection.delete_many(expired)).deleted_count
    return deleted


async def sweep_forever(db: Database, interval: float = INTERVAL_SECONDS) -> None:
    """Sweep every `interval` seconds while the service runs; a failed pass is logged and the next one tries."""
    while True:
        await asyncio.sleep(interval)
        try:
            deleted = await sweep(db)
        except PyMongoError as exc:
            log.warning("deleting expired rows failed; trying again in %.0fs: %s", interval, exc)
            continue
        if deleted:
            log.info("deleted %d expired rows", deleted)
