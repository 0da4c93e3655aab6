"""The one clock every service reads, so tests can freeze and advance time in-process."""

from __future__ import annotations

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
