"""Lanes: a queue's events handled several at once, and one at a time per subject.

Events about one ticket (or, for everything else, one company) are handled in the order they were delivered: a
read model folds them in that order and a notice tells what happened last. Events about different subjects do not
wait for each other, so one busy ticket, or the database's round trips for one event, no longer hold up every other
ticket's (one event at a time, the notifications consumer fell minutes behind a hundred people). A delivery takes
its subject's lane first, then one of `width` places: order within a lane is the order of arrival, whatever the
places do.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from subgraphs.kernel.events.envelope import Event

WIDTH = 8  # events of one queue in hand at once in one process


def subject(event: Event) -> str:
    """What the event is about, for ordering: its ticket, else its company, else the platform."""
    ticket = event.data.get("ticketId")
    if isinstance(ticket, str) and ticket:
        return f"ticket:{ticket}"
    return f"company:{event.company_id}" if event.company_id else "platform"


class Lanes:
    def __init__(self, width: int = WIDTH) -> None:
        self._places = asyncio.Semaphore(width)
        self._lanes: dict[str, tuple[asyncio.Lock, list[int]]] = {}  # subject -> its lock, deliveries holding it

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Wait for `key`'s lane (after every delivery of the same key that came before) and a place."""
        lock, users = self._lanes.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock, self._places:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._lanes[key]

    def __len__(self) -> int:
        return len(self._lanes)
