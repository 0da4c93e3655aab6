"""The calendar intervals of a backlog series, in a time zone (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from subgraphs.tickets.stats.pipelines import Interval

MAX_POINTS = 400


def _first_day(day: date, interval: Interval) -> date:
    if interval is Interval.WEEK:
        return day - timedelta(days=day.weekday())
    if interval is Interval.MONTH:
        return day.replace(day=1)
    return day


def _next_day(day: date, interval: Interval) -> date:
    if interval is Interval.WEEK:
        return day + timedelta(days=7)
    if interval is Interval.MONTH:
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def interval_starts(start: datetime, end: datetime, interval: Interval, timezone: str) -> list[datetime]:
    """Local-midnight starts (as UTC) of the intervals that overlap [start, end), first truncated like $dateTrunc."""
    zone = ZoneInfo(timezone)
    day = _first_day(start.astimezone(zone).date(), interval)
    starts: list[datetime] = []
    while (at := datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)) < end:
        starts.append(at)
        if len(starts) > MAX_POINTS:
            raise ValueError(f"more than {MAX_POINTS} intervals")
        day = _next_day(day, interval)
    return starts
