"""Committing a change live subscribers wait for: the outbox delivers its events; announcing them saves its delay.

The transaction commits first, so a subscriber never sees a message that is not stored; then this
instance's subscribers get the events at once and the other instances an early copy, ahead of the
relay. Each feed passes an event on once, whichever copy comes first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from subgraphs.chat.deps import ChatDeps
from subgraphs.chat.messages.documents import ADDED, READ
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork

T = TypeVar("T")
ANNOUNCED = frozenset({ADDED, READ})


async def commit_and_announce(deps: ChatDeps, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    announced: list[Event] = []

    async def run(uow: UnitOfWork) -> T:
        result = await work(uow)
        announced[:] = [e for e in uow.events if e.type in ANNOUNCED]  # a retried transaction starts afresh
        return result

    result = await deps.outbox.transaction(run)
    for event in announced:
        await deps.live.announce(event)
    return result
