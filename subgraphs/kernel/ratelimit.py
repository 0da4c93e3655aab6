"""Rate limits kept in MongoDB, so every replica of a service sees the same counts."""

from __future__ import annotations

from datetime import timedelta

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from subgraphs.kernel import clock
from subgraphs.kernel.mongo import Database


class FailureWindow:
    """Counts failures per key in a sliding window (e.g. 5 failed logins in 15 minutes)."""

    def __init__(self, db: Database, *, collection: str, limit: int, window: timedelta) -> None:
        self.rows = db[collection]
        self.limit = limit
        self.window = window

    async def ensure_indexes(self) -> None:
        await self.rows.create_index([("key", ASCENDING), ("at", ASCENDING)])
        await self.rows.create_index("at", expireAfterSeconds=int(self.window.total_seconds()) * 2)

    async def retry_after(self, key: str) -> int | None:
        """Seconds until `key` may try again, or None when it is under the limit."""
        since = clock.now() - self.window
        window = self.rows.find({"key": key, "at": {"$gt": since}}, projection={"at": 1})
        recent = await window.sort("at", -1).to_list(self.limit)
        if len(recent) < self.limit:
            return None
        oldest_counted = recent[-1]["at"]
        return max(1, int((oldest_counted + self.window - clock.now()).total_seconds()) + 1)

    async def record(self, *keys: str) -> None:
        at = clock.now()
        await self.rows.insert_many([{"key": key, "at": at} for key in keys])

    async def clear(self, key: str) -> None:
        await self.rows.delete_many({"key": key})


class FixedWindowLimiter:
    """At most `limit` actions per key per `window` (cheap: one increment per action)."""

    def __init__(self, db: Database, *, collection: str, limit: int, window: timedelta) -> None:
        self.rows = db[collection]
        self.limit = limit
        self.window = window

    async def hit(self, key: str) -> int | None:
        """Count one action; return seconds to wait when over the limit, else None."""
        seconds = int(self.window.total_seconds())
        now = clock.now()
        bucket = int(now.timestamp()) // seconds
        counter = {"_id": f"{key}:{bucket}"}
        # Each hit reads its own count: an increment of an existing row, or the insert of the first one. (An
        # upsert is not used: when two first hits race, SecantusDB answers the loser with no document, and
        # reading the row afterwards would count hits that came later.)
        row = await self.rows.find_one_and_update(counter, {"$inc": {"n": 1}}, return_document=True)
        if row is None:
            try:
                await self.rows.insert_one({**counter, "n": 1, "at": now})
                row = {"n": 1}
            except DuplicateKeyError:  # a concurrent first hit inserted it: this one is an increment
                row = await self.rows.find_one_and_update(counter, {"$inc": {"n": 1}}, return_document=True)
        if row is None:
            raise RuntimeError(f"the rate-limit counter {key!r} could not be read")
        if row["n"] <= self.limit:
            return None
        return (bucket + 1) * seconds - int(now.timestamp())
