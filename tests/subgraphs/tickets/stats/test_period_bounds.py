"""Date ranges at the ends of the calendar, sent through the gateway: refused as the caller's input naming the
bounds (they overflowed into an internal error), and a date-time without an offset read as UTC."""

from __future__ import annotations

import pytest

from tests.subgraphs.tickets.harness import Desk

STATS = "query($from: DateTime, $to: DateTime) { ticketStats(from: $from, to: $to) { from to } }"
INLINE = 'query { ticketStats(from: "0001-01-01T00:00:00", to: "9999-12-31T23:59:59") { from to } }'
TICKETS = "query($after: DateTime) { tickets(filter: {createdAfter: $after}) { totalCount } }"


@pytest.mark.parametrize("period", [
    {"from": "0001-01-01T00:00:00", "to": "9999-12-31T23:59:59"},
    {"from": "0001-01-01T00:00:00+14:00"},
    {"to": "9999-12-31T23:59:59-12:00"},
    {"from": "1969-12-31T23:59:59Z"},
])
async def test_a_period_past_the_bounds_is_bad_user_input(desk: Desk, gateway_url: str,
                                                          period: dict[str, str]) -> None:
    team = await desk.team()
    answer = await team.admin.through(gateway_url)(STATS, period)
    assert answer.errors and set(answer.codes) == {"BAD_USER_INPUT"}, answer.errors
    assert "1970-01-01T00:00:00Z and 9000-01-01T00:00:00Z" in answer.errors[0]["message"]


async def test_the_same_inline_and_on_other_date_inputs(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    admin = team.admin.through(gateway_url)
    inline = await admin(INLINE)
    assert set(inline.codes) == {"BAD_USER_INPUT"} and "9000-01-01" in inline.errors[0]["message"], inline.errors
    assert (await admin(TICKETS, {"after": "0001-01-01T00:00:00"})).codes == ["BAD_USER_INPUT"]
    assert (await admin(TICKETS, {"after": "last tuesday"})).codes == ["BAD_USER_INPUT"]


async def test_a_date_time_without_an_offset_is_utc(desk: Desk, gateway_url: str) -> None:
    team = await desk.team()
    figures = (await team.admin.through(gateway_url).ok(STATS, {"from": "2026-01-01T00:00:00",
                                                               "to": "2026-02-01T00:00:00+01:00"}))["ticketStats"]
    assert figures["from"].startswith("2026-01-01T00:00:00") and figures["from"].endswith("+00:00")
    assert figures["to"].startswith("2026-01-31T23:00:00")
