"""A company's desk settings: its business calendar (defaults until set) and automatic assignment."""

from __future__ import annotations

from datetime import datetime, timedelta

from subgraphs.kernel import clock
from tests.subgraphs.tickets.harness import Desk, next_monday

READ = """query($c: ID) { deskSettings(companyId: $c) { company { id } autoAssign customised
  calendar { timezone hours { day opens closes } holidays { date name } } } }"""
UPDATE = """mutation($i: DeskSettingsInput!, $c: ID) { updateDeskSettings(input: $i, companyId: $c) {
  customised calendar { timezone hours { day opens closes } holidays { date name } } } }"""
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]


async def test_a_company_starts_with_nine_to_six_on_weekdays(desk: Desk) -> None:
    team = await desk.team()
    settings = (await team.customer.ok(READ))["deskSettings"]
    assert settings["customised"] is False and settings["autoAssign"] is False
    assert settings["calendar"]["timezone"] == "UTC"
    assert settings["calendar"]["hours"] == [{"day": d, "opens": "09:00", "closes": "18:00"} for d in WEEKDAYS]


async def test_a_calendar_of_its_own_sets_the_companys_deadlines(desk: Desk, frozen: None) -> None:
    monday = next_monday(10)
    clock.freeze(monday)
    team = await desk.team()
    calendar = {"timezone": "America/Bogota",  # UTC-5
                "hours": [{"day": "MONDAY", "opens": "07:00", "closes": "12:00"},
                          {"day": "MONDAY", "opens": "13:00", "closes": "17:00"},
                          {"day": "WEDNESDAY", "opens": "08:00", "closes": "24:00"}],
                "holidays": [{"date": (monday + timedelta(days=2)).date().isoformat(), "name": "Festivo"}]}
    assert (await team.agent(UPDATE, {"i": {"calendar": calendar}})).codes == ["FORBIDDEN"]
    saved = (await team.admin.ok(UPDATE, {"i": {"calendar": calendar}}))["updateDeskSettings"]
    assert saved["customised"] is True and saved["calendar"]["holidays"][0]["name"] == "Festivo"
    # Monday 10:00 UTC is 05:00 in Bogotá: the response (60 min) is due at 08:00 there, 13:00 UTC; the
    # resolution (480 min) takes the five morning hours and three of the afternoon: 16:00 there, 21:00 UTC.
    ticket = await team.ticket()
    assert datetime.fromisoformat(ticket["sla"]["responseDueAt"]) == monday.replace(hour=13)
    assert datetime.fromisoformat(ticket["sla"]["resolutionDueAt"]) == monday.replace(hour=21)
    other = await desk.team()
    untouched = await other.ticket()  # another company keeps the default calendar
    assert datetime.fromisoformat(untouched["sla"]["responseDueAt"]) == monday.replace(hour=11)
    event = (await desk.events("desk.updated", companyId=team.id))[0]
    assert event["data"]["calendar"]["timezone"] == "America/Bogota"


async def test_every_problem_with_a_calendar_is_named(desk: Desk) -> None:
    team = await desk.team()
    bad = {"timezone": "Mars/Olympus", "hours": [{"day": "MONDAY", "opens": "18:00", "closes": "09:00"},
                                                 {"day": "TUESDAY", "opens": "09:00", "closes": "13:00"},
                                                 {"day": "TUESDAY", "opens": "12:00", "closes": "25:00"}]}
    result = await team.admin(UPDATE, {"i": {"calendar": bad}})
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["reasons"] == [
        "'Mars/Olympus' is not an IANA time zone (e.g. Europe/Madrid)", "on monday 18:00-09:00 closes before it opens",
        "'25:00' is not a time of day like 09:00"]
    assert result.errors[0]["extensions"]["problems"] == [
        {"field": "timezone", "message": "'Mars/Olympus' is not an IANA time zone (e.g. Europe/Madrid)"},
        {"field": "hours.0", "message": "on monday 18:00-09:00 closes before it opens"},
        {"field": "hours.2.closes", "message": "'25:00' is not a time of day like 09:00"}]
    empty = await team.admin(UPDATE, {"i": {"calendar": {"timezone": "UTC", "hours": []}}})
    assert empty.errors[0]["extensions"]["reasons"] == ["a calendar needs opening hours on at least one day"]
    assert empty.errors[0]["extensions"]["field"] == "hours"
    overlap = {"timezone": "UTC", "hours": [{"day": "FRIDAY", "opens": "09:00", "closes": "13:00"},
                                            {"day": "FRIDAY", "opens": "12:00", "closes": "14:00"}]}
    assert (await team.admin(UPDATE, {"i": {"calendar": overlap}})).errors[0]["extensions"]["reasons"] == [
        "the opening hours of friday overlap"]


async def test_a_calendars_problems_name_the_entry_of_the_hours_they_are_about(desk: Desk) -> None:
    team = await desk.team()
    hours = [{"day": "FRIDAY", "opens": "12:00", "closes": "14:00"},
             {"day": "MONDAY", "opens": "9 am", "closes": "noon"},
             {"day": "FRIDAY", "opens": "09:00", "closes": "13:00"},  # before the first in time, after it in the list
             {"day": "TUESDAY", "opens": "10:00", "closes": "10:00"}]
    result = await team.admin(UPDATE, {"i": {"calendar": {"timezone": "UTC", "hours": hours}}})
    assert result.codes == ["BAD_USER_INPUT"]
    extensions = result.errors[0]["extensions"]
    assert extensions["problems"] == [
        {"field": "hours.1.opens", "message": "'9 am' is not a time of day like 09:00"},
        {"field": "hours.1.closes", "message": "'noon' is not a time of day like 09:00"},
        {"field": "hours.3", "message": "on tuesday 10:00-10:00 closes before it opens"},
        {"field": "hours.2", "message": "the opening hours of friday overlap"},
    ]
    assert extensions["reasons"] == [p["message"] for p in extensions["problems"]]
    assert extensions["fields"] == ["hours.1.opens", "hours.1.closes", "hours.3", "hours.2"]


async def test_a_calendar_changed_after_tickets_were_raised_sets_the_next_ones_deadlines(desk: Desk,
                                                                                       frozen: None) -> None:
    """The service keeps each company's settings in memory once read (every ticket raised reads them): a change
    must reach the next ticket at once, not when what was kept runs out."""
    monday = next_monday(10)
    clock.freeze(monday)
    team = await desk.team()
    before = await team.ticket()  # the default calendar, read and kept
    assert datetime.fromisoformat(before["sla"]["responseDueAt"]) == monday.replace(hour=11)
    calendar = {"timezone": "UTC", "hours": [{"day": "MONDAY", "opens": "12:00", "closes": "18:00"}], "holidays": []}
    await team.admin.ok(UPDATE, {"i": {"calendar": calendar}})
    after = await team.ticket()  # Monday 10:00, before the desk opens at 12:00: due an hour after it opens
    assert datetime.fromisoformat(after["sla"]["responseDueAt"]) == monday.replace(hour=13)
