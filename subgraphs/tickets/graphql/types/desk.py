"""GraphQL types of a company's desk settings and business calendar."""

from __future__ import annotations

import datetime as dt

import strawberry

from subgraphs.tickets.desk.service import Desk
from subgraphs.tickets.graphql.enums import Weekday
from subgraphs.tickets.graphql.types.common import Company
from subgraphs.tickets.sla.calendar import BusinessCalendar, format_clock


@strawberry.type
class OpeningHours:
    day: Weekday
    opens: str = strawberry.field(description="Local time, e.g. 09:00.")
    closes: str = strawberry.field(description="Local time, e.g. 18:00 (24:00 is midnight).")


@strawberry.type
class Holiday:
    date: dt.date
    name: str | None


@strawberry.type(name="BusinessCalendar", description="The hours SLA deadlines are counted in.")
class BusinessCalendarType:
    timezone: str
    hours: list[OpeningHours]
    holidays: list[Holiday]

    @classmethod
    def of(cls, calendar: BusinessCalendar) -> BusinessCalendarType:
        hours = [OpeningHours(day=Weekday(day), opens=format_clock(a), closes=format_clock(b))
                 for day, windows in enumerate(calendar.week) for a, b in windows]
        return cls(timezone=calendar.timezone, hours=hours,
                   holidays=[Holiday(date=h.day, name=h.name) for h in calendar.holidays])


@strawberry.type(description="A company's service-desk settings.")
class DeskSettings:
    company: Company
    calendar: BusinessCalendarType
    auto_assign: bool = strawberry.field(description="Apply the IA's assignment suggestions without a person.")
    customised: bool = strawberry.field(description="False while the company uses the defaults.")

    @classmethod
    def of(cls, desk: Desk) -> DeskSettings:
        return cls(company=Company(id=strawberry.ID(desk.company_id)), calendar=BusinessCalendarType.of(desk.calendar),
                   auto_assign=desk.auto_assign, customised=desk.customised)
