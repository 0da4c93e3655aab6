"""A company's desk settings as the service works with them: its business calendar and automatic assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from subgraphs.tickets.sla.calendar import BusinessCalendar, calendar_from_doc, default_calendar


@dataclass(frozen=True)
class Desk:
    company_id: str
    calendar: BusinessCalendar
    auto_assign: bool = False  # apply the IA's assignment suggestions without a person
    customised: bool = False


def desk_from_doc(company_id: str, doc: dict[str, Any] | None, default_timezone: str) -> Desk:
    if doc is None:
        return Desk(company_id, default_calendar(default_timezone))
    return Desk(company_id, calendar_from_doc(doc["calendar"]), bool(doc.get("autoAssign")), True)
