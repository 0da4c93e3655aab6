"""Waiting briefly for a thing just created elsewhere to reach this service's read model.

An id minted moments ago (an ObjectId carries its creation second) whose row is not here yet is most likely on its
way: its event is in a queue behind others. A caller who just created it (a ticket, a person) should be served once
it lands rather than told it does not exist. Older ids, and ids from the future, are answered at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from subgraphs.kernel.ids import is_id
from subgraphs.kernel.mongo import Document

T = TypeVar("T")
FRESH = timedelta(minutes=2)
# The looks start quick and slow down (doubling from POLL to POLL_MAX), so callers waiting add little to the
# database's load. Polling the shared database, not a signal in this process, works with several instances sharing
# one queue, whichever of them applies the event.
POLL = 0.05
POLL_MAX = 0.5


def is_fresh(object_id: str) -> bool:
    """Whether the id was minted within FRESH of now, by the real clock."""
    if not is_id(object_id):
        return False
    age = datetime.now(UTC) - ObjectId(object_id).generation_time
    return timedelta(seconds=-5) <= age <= FRESH


async def unheard_of(rows: AsyncCollection[Document], object_id: str) -> bool:
    """Whether `object_id` is fresh and in no row of `rows` yet (whatever company's): its creation is on its way.
    Says nothing of an id some company's row holds."""
    return is_fresh(object_id) and await rows.find_one({"_id": object_id}, projection={"_id": 1}) is None


async def looks(wait: float) -> AsyncIterator[None]:
    """The moments to look again, within `wait` seconds: after POLL, then after pauses doubling up to POLL_MAX."""
    loop = asyncio.get_running_loop()
    deadline, pause = loop.time() + wait, POLL
    while loop.time() < deadline:
        await asyncio.sleep(min(pause, max(deadline - loop.time(), 0)))
        pause = min(pause * 2, POLL_MAX)
        yield


async def arrived(rows: AsyncCollection[Document], object_id: str, *, wait: float) -> bool:
    """Whether an id `unheard_of` in `rows` got there within `wait` seconds (looked at after a first short pause)."""
    async for _ in looks(wait):
        if not await unheard_of(rows, object_id):
            return True
    return False


async def find_arriving(rows: AsyncCollection[Document], object_id: str, find: Callable[[], Awaitable[T | None]], *,
                        wait: float) -> T | None:
    """`find()`'s answer; for a fresh id no row of `rows` holds yet, asked again once it `arrived` (within `wait`).
    An id some company's row holds is answered at once: it is not on its way, and a caller probing others' ids makes
    the database work no longer."""
    found = await find()
    if found is not None or not await unheard_of(rows, object_id):
        return found
    return await find() if await arrived(rows, object_id, wait=wait) else None
