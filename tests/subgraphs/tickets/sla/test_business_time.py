"""Business-time arithmetic across nights, weekends, holidays, time zones and daylight-saving changes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from subgraphs.tickets.sla.business_time import add_business_time, business_time_between
from subgraphs.tickets.sla.calendar import BusinessCalendar, Holiday, build_calendar, default_calendar

MADRID = ZoneInfo("Europe/Madrid")
NINE_TO_SIX = default_calendar("Europe/Madrid")  # Mon-Fri 09:00-18:00 local
H = timedelta(hours=1)
M = timedelta(minutes=1)


def at(day: str, clock: str, zone: ZoneInfo = MADRID) -> datetime:
    """A local wall time, as the aware instant the services store."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=zone)


# 2026-03-02 is a Monday; Madrid is on UTC+1 until the 29th of March, UTC+2 after.
CASES = [
    ("within the day", at("2026-03-02", "10:00"), 2 * H, at("2026-03-02", "12:00")),
    ("ends exactly at closing", at("2026-03-02", "16:00"), 2 * H, at("2026-03-02", "18:00")),
    ("crosses the night", at("2026-03-02", "17:00"), 2 * H, at("2026-03-03", "10:00")),
    ("starts before opening", at("2026-03-02", "06:30"), 30 * M, at("2026-03-02", "09:30")),
    ("starts after closing", at("2026-03-02", "21:00"), 1 * H, at("2026-03-03", "10:00")),
    ("crosses the weekend", at("2026-03-06", "17:30"), 1 * H, at("2026-03-09", "09:30")),
    ("starts on Saturday", at("2026-03-07", "11:00"), 3 * H, at("2026-03-09", "12:00")),
    ("starts on Sunday night", at("2026-03-08", "23:59"), 9 * H, at("2026-03-09", "18:00")),
    ("a full week of work", at("2026-03-02", "09:00"), 45 * H, at("2026-03-06", "18:00")),
    ("more than a week", at("2026-03-04", "12:00"), 50 * H, at("2026-03-11", "17:00")),
    ("zero at night waits for opening", at("2026-03-02", "19:00"), 0 * H, at("2026-03-03", "09:00")),
    ("across the spring-forward weekend", at("2026-03-27", "17:00"), 2 * H, at("2026-03-30", "10:00")),
]


@pytest.mark.parametrize(("start", "duration", "due"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_adding_business_time(start: datetime, duration: timedelta, due: datetime) -> None:
    assert add_business_time(start, duration, NINE_TO_SIX) == due
    if duration:
        assert business_time_between(start, due, NINE_TO_SIX) == duration


def test_the_answer_is_utc_and_daylight_saving_moves_the_utc_hour() -> None:
    winter = add_business_time(at("2026-03-27", "08:00"), H, NINE_TO_SIX)
    summer = add_business_time(at("2026-03-30", "08:00"), H, NINE_TO_SIX)
    assert winter == datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # 10:00 at UTC+1
    assert summer == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 10:00 at UTC+2
    assert winter.tzinfo is UTC


def test_holidays_are_skipped_like_weekends() -> None:
    calendar = BusinessCalendar(NINE_TO_SIX.timezone, NINE_TO_SIX.week,
                                (Holiday(date(2026, 3, 9), "Local fair"), Holiday(date(2026, 3, 10))))
    # Friday 17:00 + 2 h: one hour on Friday, then Monday and Tuesday are holidays.
    assert add_business_time(at("2026-03-06", "17:00"), 2 * H, calendar) == at("2026-03-11", "10:00")
    assert business_time_between(at("2026-03-06", "09:00"), at("2026-03-12", "09:00"), calendar) == 18 * H


def test_time_between_is_signed_and_ignores_closed_hours() -> None:
    friday_evening, monday_morning = at("2026-03-06", "19:00"), at("2026-03-09", "08:00")
    assert business_time_between(friday_evening, monday_morning, NINE_TO_SIX) == timedelta(0)
    assert business_time_between(at("2026-03-03", "11:00"), at("2026-03-02", "17:00"), NINE_TO_SIX) == -3 * H


def test_split_shifts_and_a_round_the_clock_day() -> None:
    calendar = build_calendar("America/Bogota", [(0, "08:00", "12:00"), (0, "14:00", "18:00"), (5, "00:00", "24:00")],
                              [])
    bogota = ZoneInfo("America/Bogota")
    assert add_business_time(at("2026-03-02", "11:00", bogota), 2 * H, calendar) == at("2026-03-02", "15:00", bogota)
    # Monday 17:00 + 2 h: one hour on Monday, then Saturday from midnight.
    assert add_business_time(at("2026-03-02", "17:00", bogota), 2 * H, calendar) == at("2026-03-07", "01:00", bogota)
    assert add_business_time(at("2026-03-07", "22:00", bogota), 3 * H, calendar) == at("2026-03-09", "09:00", bogota)


def test_adding_then_measuring_gives_the_duration_back() -> None:
    rng = random.Random(7)
    start = at("2026-01-01", "00:00")
    for _ in range(300):
        begin = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
        duration = timedelta(minutes=rng.randrange(1, 60 * 60))
        due = add_business_time(begin, duration, NINE_TO_SIX)
        assert business_time_between(begin, due, NINE_TO_SIX) == duration
        local = due.astimezone(MADRID)
        assert local.weekday() < 5 and 9 <= local.hour + local.minute / 60 <= 18


def test_a_calendar_with_every_working_day_a_holiday_gives_up() -> None:
    days = [Holiday(date(2026, 1, 1) + timedelta(days=n)) for n in range(1200)]  # beyond the 3-year search
    only_thursdays = BusinessCalendar("UTC", ((), (), (), ((9 * 60, 10 * 60),), (), (), ()),
                                      tuple(d for d in days if d.day.weekday() == 3))
    with pytest.raises(ValueError, match="no opening hours"):
        add_business_time(datetime(2026, 1, 1, tzinfo=UTC), H, only_thursdays)
