"""Waiting briefly for a thing just created elsewhere to reach this service's read model.

An id minted moments ago (an ObjectId carries its creation second) whose row is not here yet is most likely on its
way: its event is in a queue behind others. A caller who just created it (a ticket, a person) should be served once
it lands rather than told it does not exist. Older ids, and ids from the future, are answered at once.

The caller looks again when this process has committed the row (`landed`, told by the consumer that wrote it), and
otherwise now and then: another replica sharing the queue may have written it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from subgraphs.kernel import clock
from subgraphs.kernel.ids import is_id
from subgraphs.kernel.mongo import Document

T = TypeVar("T")
FRESH = timedelta(minutes=2)
# Between the landings this process tells, the looks start quick and slow down (doubling from POLL to POLL_MAX): a row
# another replica wrote is seen within POLL_MAX. Looking every half second, a caller who waited out the 10 s looked 22
# times: under load, with 27-50 such waits a run, up to half of chat's reads of its tickets
# (benchmarks/workload/RESULTS.md).
POLL = 0.05
POLL_MAX = 1.0
Key = tuple[str, str]  # a collection's full name, a row's id


class Landings:
    """The callers of this process waiting for a row, woken as a unit of work here commits it."""

    def __init__(self) -> None:
        self._waiting: dict[Key, set[asyncio.Event]] = {}

    def landed(self, rows: AsyncCollection[Document], object_id: object) -> None:
        for woken in self._waiting.get((rows.full_name, str(object_id)), ()):
            woken.set()

    @contextlib.contextmanager
    def watching(self, rows: AsyncCollection[Document], object_id: str) -> Iterator[asyncio.Event]:
        """An event set whenever `object_id`'s row in `rows` lands here, while the block runs."""
        key, woken = (rows.full_name, object_id), asyncio.Event()
        self._waiting.setdefault(key, set()).add(woken)
        try:
            yield woken
        finally:
            waiting = self._waiting[key]
            waiting.discard(woken)
            if not waiting:
                del self._waiting[key]


LANDINGS = Landings()


def landed(rows: AsyncCollection[Document], object_id: object) -> None:
    """A unit of work of this process committed `object_id`'s row in `rows`: whoever waits for it here looks now."""
    LANDINGS.landed(rows, object_id)


def is_fresh(object_id: str) -> bool:
    """Whether the id was minted within FRESH of now, by the real clock."""
    if not is_id(object_id):
        return False
    age = datetime.now(UTC) - ObjectId(object_id).generation_time
    return timedelta(seconds=-5) <= age <= FRESH


async def unheard_of(rows: AsyncCollection[Document], object_id: str) -> bool:
    """Whether `object_id` is fresh and in no row of `rows` yet (whatever company's): its creation is on its way.
    Says nothing of an id some company's row holds."""
    return is_fresh(object_id) and not await holds(rows, object_id)


async def holds(rows: AsyncCollection[Document], object_id: object) -> bool:
    """Whether some row of `rows` (whatever company's) has the id."""
    return await rows.find_one({"_id": object_id}, projection={"_id": 1}) is not None


async def looks(rows: AsyncCollection[Document], object_id: str, wait: float) -> AsyncIterator[None]:
    """The moments to look again at `object_id`'s row in `rows`, within `wait` seconds: as soon as it lands here,
    else after POLL, then after pauses doubling up to POLL_MAX."""
    loop = asyncio.get_running_loop()
    deadline, pause = loop.time() + wait, POLL
    with LANDINGS.watching(rows, object_id) as woken:
        while loop.time() < deadline:
            await clock.woken(woken, min(pause, max(deadline - loop.time(), 0)))
            woken.clear()  # a landing from now on wakes the next pause: the look below may miss it
            pause = min(pause * 2, POLL_MAX)
            yield


async def arrived(rows: AsyncCollection[Document], object_id: str, *, wait: float) -> bool:
    """Whether an id `unheard_of` in `rows` got there within `wait` seconds (looked at as it lands here, or after a
    first short pause)."""
    async for _ in looks(rows, object_id, wait):
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
