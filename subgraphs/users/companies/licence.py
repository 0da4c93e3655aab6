"""Licence plans and their end dates (calendar months, clamped to the month's last day)."""

from __future__ import annotations

import calendar
from datetime import datetime
from enum import StrEnum


class Plan(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


MONTHS = {Plan.MONTHLY: 1, Plan.QUARTERLY: 3, Plan.YEARLY: 12}


def add_months(start: datetime, months: int) -> datetime:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def licence(plan: Plan, starts_at: datetime) -> dict[str, object]:
    return {"plan": plan.value, "startsAt": starts_at, "endsAt": add_months(starts_at, MONTHS[plan])}


def renewal_start(current: dict[str, object] | None, now: datetime) -> datetime:
    """A renewal starts when the current licence ends, or now if it has already lapsed."""
    ends = current.get("endsAt") if current else None
    return ends if isinstance(ends, datetime) and ends > now else now
