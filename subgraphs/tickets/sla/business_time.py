"""Business-time arithmetic: counting only the opening hours of a calendar, in its time zone.

Pure functions over aware datetimes. Each local day's windows are turned into instants with
`zoneinfo`, so days that gain or lose an hour to daylight saving count what the clock shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from subgraphs.tickets.sla.calendar import BusinessCalendar

ZERO = timedelta(0)
# A calendar with opening hours (validated) has some within any week; holidays are finite, so
# this bound is only reached by a calendar whose every working day of years is a holiday.
MAX_DAYS = 3 * 366


def _instant(calendar: BusinessCalendar, day: date, minutes: int) -> datetime:
    local = datetime(day.year, day.month, day.day, tzinfo=calendar.zone) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def open_spans(calendar: BusinessCalendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The calendar's opening spans (UTC) from the local day of `start` onwards, in order."""
    day = start.astimezone(calendar.zone).date()
    for _ in range(MAX_DAYS):
        for opens, closes in calendar.windows(day):
            yield _instant(calendar, day, opens), _instant(calendar, day, closes)
        day += timedelta(days=1)
    raise ValueError("the calendar has no opening hours within three years")


def add_business_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The instant when `duration` of opening hours has passed since `start`."""
    if duration < ZERO:
        raise ValueError("business time only moves forward")
    remaining = duration
    for opens, closes in open_spans(calendar, start):
        if closes <= start:
            continue
        begin = max(opens, start)
        if remaining <= closes - begin:
            return begin + remaining
        remaining -= closes - begin
    raise AssertionError("unreachable")


def business_time_between(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Opening hours between two instants; negative when `end` comes before `start`."""
    if end < start:
        return -business_time_between(end, start, calendar)
    total = ZERO
    for opens, closes in open_spans(calendar, start):
        if opens >= end:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > ZERO:
            total += overlap
    return total
