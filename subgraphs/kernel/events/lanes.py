"""Lanes: a queue's events handled several at once, and in order wherever order matters.

Events about one ticket are handled one at a time, in the order they were delivered: a read model folds them in
that order and a notice tells what happened last. An event about a company as a whole (its people, the company
itself) is a barrier in that company: it waits for every earlier event of the company, and every later one waits
for it, so a ticket's notice never meets a read model that has not yet heard of the person who raised it. Events of
different tickets between two barriers do not wait for each other, so one busy ticket, or the database's round
trips for one event, no longer hold up every other ticket's (one event at a time, the notifications consumer fell
minutes behind a hundred people).

A delivery registers what it must wait for when it arrives (so arrival order decides), waits for that, takes its
subject's lane, then one of `width` places; it holds a place only while it works, never while it waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from subgraphs.kernel.events.envelope import Event

WIDTH = 8  # events of one queue in hand at once in one process, unless its consumer asks for its own number


def subject(event: Event) -> str:
    """What the event is about, for ordering: its ticket, else its company (a barrier), else the platform."""
    ticket = event.data.get("ticketId")
    if isinstance(ticket, str) and ticket:
        return f"ticket:{ticket}"
    return scope(event)


def scope(event: Event) -> str:
    """The company an event belongs to; an event whose subject is its scope is a barrier there."""
    return f"company:{event.company_id}" if event.company_id else "platform"


@dataclass
class _Scope:
    barrier: asyncio.Future[None] | None = None  # the latest barrier not yet done
    since: set[asyncio.Future[None]] = field(default_factory=set)  # events after it, not yet done
    pending: int = 0


class Lanes:
    def __init__(self, width: int = WIDTH) -> None:
        self._places = asyncio.Semaphore(width)
        self._lanes: dict[str, tuple[asyncio.Lock, list[int]]] = {}  # subject -> its lock, deliveries holding it
        self._scopes: dict[str, _Scope] = {}

    @asynccontextmanager
    async def hold(self, key: str, within: str) -> AsyncIterator[None]:
        """Wait for what must come first (in scope `within`; a barrier when `key == within`), `key`'s lane after
        every earlier delivery of it, and a place."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        place = self._scopes.setdefault(within, _Scope())
        place.pending += 1
        before = [place.barrier] if place.barrier is not None else []
        if key == within:
            before += place.since
            place.barrier, place.since = done, set()
        else:
            place.since.add(done)
        lock, users = self._lanes.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            if before:
                await asyncio.wait(before)  # never cancels them, whatever happens to this delivery
            async with lock, self._places:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._lanes[key]
            done.set_result(None)
            place.since.discard(done)
            if place.barrier is done:
                place.barrier = None
            place.pending -= 1
            if not place.pending:
                del self._scopes[within]
