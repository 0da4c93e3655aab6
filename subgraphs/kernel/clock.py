"""The one clock every service reads, so tests can freeze and advance time in-process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware UTC, truncated to milliseconds (what BSON stores)."""
    current = _frozen if _frozen is not None else datetime.now(UTC) + _offset
    return current.replace(microsecond=current.microsecond // 1000 * 1000)


def freeze(at: datetime) -> None:
    global _frozen
    _frozen = at.astimezone(UTC)


def advance(delta: timedelta) -> None:
    """Move time forward, whether frozen or running."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


def reset() -> None:
    global _frozen, _offset
    _frozen, _offset = None, timedelta(0)


async def woken(event: asyncio.Event, within: float) -> bool:
    """Wait until `event` is set, at most `within` seconds (of real time, not this clock's); whether it was set.

    `asyncio.timeout`, not `asyncio.wait_for`: on Python 3.11 `wait_for` returns normally when the event is set in the
    same turn of the loop as the waiting task is cancelled, so a background loop woken just as its service stopped
    ran on for ever, and the stop waited for it."""
    try:
        async with asyncio.timeout(within):
            await event.wait()
    except TimeoutError:
        return False
    return True
