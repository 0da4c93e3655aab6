"""The routing score: load over capacity and trust, gaming read with allowance for chance."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.ia.assignment.decide import Candidate, choose
from subgraphs.ia.assignment.scoring import HEALTHY, MAX_PENALTY, Baseline, company_baseline, factors
from tests.subgraphs.ia.assignment.factories import NOW, stats, steady

DESK = company_baseline([steady(), steady(), steady(), steady()])


def test_more_open_work_and_stagnant_tickets_mean_a_higher_score() -> None:
    idle, busy, stale = stats(), stats(open_count=2, open_load=6.0), stats(open_count=2, open_load=6.0, stagnant=2)
    scores = [factors(s, DESK)["score"] for s in (idle, busy, stale)]
    assert scores == sorted(scores) and len(set(scores)) == 3
    assert factors(stats(), DESK)["score"] == 1.0  # nothing to do: the floor


def test_equal_agents_tie_and_the_least_recently_assigned_is_chosen() -> None:
    earlier = Candidate("b", stats(last_assigned_at=NOW - timedelta(hours=2)))
    later = Candidate("a", stats(last_assigned_at=NOW - timedelta(hours=1)))
    never = Candidate("c", stats())
    assert choose([later, earlier], DESK).chosen.user_id == "b"  # type: ignore[union-attr]
    decision = choose([later, earlier, never], DESK)
    assert decision.chosen is not None and decision.chosen.user_id == "c"
    assert "tied" in decision.reason
    assert choose([], DESK).chosen is None


def test_an_instant_closer_loses_trust_and_an_honest_slip_barely_counts() -> None:
    closer = steady(instant=15, real_hours=())
    assert factors(closer, DESK)["trust"] <= 0.3
    one_slip = steady(instant=1)
    assert factors(one_slip, DESK)["trust"] > 0.95
    assert factors(stats(resolved=1, instant=1), DESK)["trust"] > 0.7  # one early close is no verdict


def test_reopens_above_the_desks_usual_rate_and_urgent_tickets_given_back_lower_trust() -> None:
    sloppy = steady(reopened=8)
    picker = steady(urgent_assigned=6, urgent_handed_back=5, handed_back=5)
    assert factors(sloppy, DESK)["reopenRate"] > 0.2 and factors(sloppy, DESK)["trust"] < 0.7
    assert factors(picker, DESK)["cherryPicking"] > 0.5 and factors(picker, DESK)["trust"] < 0.5
    worst = steady(instant=20, reopened=20, urgent_assigned=5, urgent_handed_back=5)
    assert factors(worst, DESK)["trust"] == round(1 - MAX_PENALTY, 4)


def test_a_faster_agent_takes_a_little_more_unless_the_speed_comes_from_gaming() -> None:
    fast, slow = steady(hours=1.0), steady(hours=4.0)
    assert 1.0 < factors(fast, DESK)["speed"] <= 1.25 and 0.8 <= factors(slow, DESK)["speed"] < 1.0
    assert factors(steady(resolved=2, hours=1.0), DESK)["speed"] == 1.0  # too few to tell
    rushed = steady(hours=1.0, reopened=8)
    assert factors(rushed, DESK)["speed"] == 1.0


def test_a_matching_skill_raises_capacity() -> None:
    agent = steady()
    assert factors(agent, DESK, skill_match=True)["capacity"] > factors(agent, DESK)["capacity"]


def test_a_lone_gamer_does_not_set_the_desks_norm() -> None:
    closer = steady(instant=20, real_hours=())
    alone = company_baseline([closer, stats(), stats()])
    assert (alone.instant_rate, alone.reopen_rate) == (HEALTHY.instant_rate, HEALTHY.reopen_rate)
    assert factors(closer, alone)["trust"] < 0.5
    assert company_baseline([]) == Baseline(instant_rate=HEALTHY.instant_rate, reopen_rate=HEALTHY.reopen_rate)
