"""SLA clocks: deadlines in business time, paused while waiting, and the times recorded at the answer."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.tickets.sla import clocks
from subgraphs.tickets.sla.calendar import default_calendar
from tests.subgraphs.tickets.sla.test_business_time import at

CAL = default_calendar("Europe/Madrid")
H = timedelta(hours=1)


def opened_monday_at_ten() -> clocks.Sla:
    """Response in 1 business hour, resolution in 8."""
    return clocks.start(at("2026-03-02", "10:00"), response_minutes=60, resolution_minutes=480, calendar=CAL)


def test_deadlines_are_counted_in_business_hours() -> None:
    sla = opened_monday_at_ten()
    assert sla["responseDueAt"] == at("2026-03-02", "11:00")
    assert sla["resolutionDueAt"] == at("2026-03-02", "18:00")  # all 8 h on Monday
    night = clocks.start(at("2026-03-02", "20:00"), response_minutes=60, resolution_minutes=600, calendar=CAL)
    assert (night["responseDueAt"], night["resolutionDueAt"]) == (at("2026-03-03", "10:00"), at("2026-03-04", "10:00"))


def test_a_hold_moves_both_deadlines_by_the_business_time_spent_waiting() -> None:
    sla = clocks.pause(opened_monday_at_ten(), at("2026-03-02", "10:30"))
    assert clocks.pause(sla, at("2026-03-02", "11:00"))["pausedAt"] == at("2026-03-02", "10:30")  # once
    # On hold from Monday 10:30 to Wednesday 10:30: two business days, across two nights.
    resumed = clocks.resume(sla, at("2026-03-04", "10:30"), CAL)
    assert resumed["pausedAt"] is None
    assert resumed["responseDueAt"] == at("2026-03-04", "11:00")  # 30 min were left
    assert resumed["resolutionDueAt"] == at("2026-03-04", "18:00")  # 7 h 30 were left


def test_a_hold_over_the_weekend_resumed_at_night_restarts_at_opening() -> None:
    sla = clocks.start(at("2026-03-06", "17:00"), response_minutes=60, resolution_minutes=120, calendar=CAL)
    paused = clocks.pause(sla, at("2026-03-06", "17:30"))
    resumed = clocks.resume(paused, at("2026-03-08", "22:00"), CAL)  # Sunday night
    assert resumed["responseDueAt"] == at("2026-03-09", "09:30")
    assert resumed["resolutionDueAt"] == at("2026-03-09", "10:30")


def test_a_deadline_already_missed_stays_missed_through_a_hold() -> None:
    sla = clocks.pause(opened_monday_at_ten(), at("2026-03-02", "12:00"))  # response was due at 11:00
    resumed = clocks.resume(sla, at("2026-03-03", "12:00"), CAL)
    assert resumed["responseDueAt"] == at("2026-03-02", "11:00")
    assert resumed["resolutionDueAt"] == at("2026-03-03", "18:00")  # 6 h were left at noon on Monday


def test_the_first_response_is_recorded_once_in_business_minutes() -> None:
    sla = clocks.respond(opened_monday_at_ten(), at("2026-03-02", "10:45"), CAL)
    assert (sla["firstResponseSeconds"], sla["responseMet"]) == (45 * 60, True)
    assert clocks.respond(sla, at("2026-03-02", "12:00"), CAL) == sla
    late = clocks.respond(opened_monday_at_ten(), at("2026-03-03", "09:30"), CAL)  # Monday's 8 h and 30 min
    assert (late["firstResponseSeconds"], late["responseMet"]) == (8.5 * 3600, False)


def test_time_on_hold_does_not_count_toward_the_response_or_the_resolution() -> None:
    sla = clocks.pause(opened_monday_at_ten(), at("2026-03-02", "10:20"))
    sla = clocks.resume(sla, at("2026-03-03", "15:00"), CAL)
    sla = clocks.respond(sla, at("2026-03-03", "15:30"), CAL)
    assert sla["firstResponseSeconds"] == 50 * 60 and sla["responseMet"] is True
    sla = clocks.resolve(sla, at("2026-03-03", "17:00"), CAL)
    assert sla["resolutionSeconds"] == (20 + 120) * 60 and sla["resolutionMet"] is True
    assert sla["pausedAt"] == at("2026-03-03", "17:00")


def test_resolving_answers_an_unanswered_ticket_and_a_reopen_resumes_the_clock() -> None:
    sla = clocks.resolve(opened_monday_at_ten(), at("2026-03-02", "13:00"), CAL)
    assert sla["firstResponseSeconds"] == 3 * 3600 and sla["responseMet"] is False
    assert sla["resolutionSeconds"] == 3 * 3600
    # Reopened the next morning: 5 business hours were left, counted from the reopening.
    reopened = clocks.reopen(sla, at("2026-03-03", "10:00"), CAL)
    assert reopened["resolutionSeconds"] is None and reopened["resolutionMet"] is None
    assert reopened["resolutionDueAt"] == at("2026-03-03", "15:00")
    assert reopened["responseDueAt"] == sla["responseDueAt"]  # answered already: nothing to move
    final = clocks.resolve(reopened, at("2026-03-03", "16:00"), CAL)
    assert final["resolutionSeconds"] == 9 * 3600 and final["resolutionMet"] is False
