"""A company's business calendar: time zone, weekly opening hours and holidays."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.validation import Problems

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_HOLIDAYS = 400
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")

Window = tuple[int, int]  # minutes after local midnight: [opens, closes)


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str | None = None


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: str
    week: tuple[tuple[Window, ...], ...]  # seven entries, Monday first
    holidays: tuple[Holiday, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def _holiday_days(self) -> frozenset[date]:
        return frozenset(h.day for h in self.holidays)

    def is_holiday(self, day: date) -> bool:
        return day in self._holiday_days

    def windows(self, day: date) -> tuple[Window, ...]:
        return () if self.is_holiday(day) else self.week[day.weekday()]


NINE_TO_SIX: tuple[Window, ...] = ((9 * 60, 18 * 60),)


def default_calendar(timezone: str) -> BusinessCalendar:
    """Monday to Friday, 09:00 to 18:00 local time, no holidays."""
    return BusinessCalendar(timezone, (NINE_TO_SIX,) * 5 + ((), ()))


def parse_clock(value: str, *, field: str) -> int:
    """'09:30' as minutes after midnight; '24:00' is the end of the day."""
    match = _CLOCK.match(value.strip())
    minutes = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise BadUserInput(f"{value!r} is not a time of day like 09:00", field=field)
    return minutes


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_zone(timezone: str) -> str:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadUserInput(f"{timezone!r} is not an IANA time zone (e.g. Europe/Madrid)", field="timezone") from None
    return timezone


def build_calendar(timezone: str, hours: list[tuple[int, str, str]], holidays: list[Holiday]) -> BusinessCalendar:
    """Validate opening hours given as (weekday 0-6, opens, closes) and holidays into a calendar. A problem with
    the entry at index n of `hours` names `hours.<n>.opens`, `hours.<n>.closes` (a time it cannot read) or
    `hours.<n>` (it closes before it opens; of two that overlap, the one listed later); none at all: `hours`."""
    problems = Problems()
    zone = problems.check(check_zone, timezone.strip())
    week: list[list[tuple[Window, int]]] = [[] for _ in WEEKDAYS]  # each window with its entry's index
    for n, (day, opens, closes) in enumerate(hours):
        start = problems.check(parse_clock, opens, field=f"hours.{n}.opens")
        end = problems.check(parse_clock, closes, field=f"hours.{n}.closes")
        if start is not None and end is not None:
            if start >= end:
                problems.add(f"on {WEEKDAYS[day]} {opens}-{closes} closes before it opens", f"hours.{n}")
            week[day].append(((start, end), n))
    for day, windows in enumerate(week):
        windows.sort()
        later = next((max(a[1], b[1]) for a, b in pairwise(windows) if a[0][1] > b[0][0]), None)
        if later is not None:
            problems.add(f"the opening hours of {WEEKDAYS[day]} overlap", f"hours.{later}")
    if not any(week):
        problems.add("a calendar needs opening hours on at least one day", "hours")
    if len(holidays) > MAX_HOLIDAYS:
        problems.add(f"at most {MAX_HOLIDAYS} holidays", "holidays")
    problems.raise_if_any()
    assert zone is not None
    unique = {h.day: h for h in holidays}
    return BusinessCalendar(zone, tuple(tuple(w for w, _ in windows) for windows in week),
                            tuple(sorted(unique.values(), key=lambda h: h.day)))


def calendar_to_doc(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "timezone": calendar.timezone,
        "week": [[list(w) for w in windows] for windows in calendar.week],
        "holidays": [{"date": h.day.isoformat(), "name": h.name} for h in calendar.holidays],
    }


def calendar_from_doc(doc: dict[str, Any]) -> BusinessCalendar:
    return BusinessCalendar(
        doc["timezone"],
        tuple(tuple((int(a), int(b)) for a, b in windows) for windows in doc["week"]),
        tuple(Holiday(date.fromisoformat(h["date"]), h.get("name")) for h in doc.get("holidays") or ()),
    )
