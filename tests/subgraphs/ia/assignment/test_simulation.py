"""A simulated month of a desk, 20 agents and 2,000 tickets, 6 agents gaming the numbers: the IA's routing
spreads the load evenly over the honest agents and gives the gamers measurably less (simulation.py).

The measure of evenness: the coefficient of variation (population standard deviation over mean) of the
priority-weighted intake of the 14 honest agents, and the ratio of the largest to the smallest. The naive
router (least open load) is run on the same desk to show that without the penalties gaming pays.
"""

from __future__ import annotations

import pytest

from subgraphs.ia.assignment.decide import choose
from tests.subgraphs.ia.assignment.simulation import CHERRY, INSTANT, REOPENER, Desk, least_loaded, report


@pytest.fixture(scope="module")
def routed() -> dict:  # type: ignore[type-arg]
    return Desk(choose, seed=7).run(tickets=2000, days=20).figures()


def test_the_honest_agents_share_the_load_evenly(routed: dict) -> None:  # type: ignore[type-arg]
    print(report(routed))
    assert routed["tickets"] == 2000 and routed["decisions"] >= 2000
    assert routed["honest_cv"] < 0.08
    assert routed["honest_max_min"] < 1.35


def test_the_gamers_get_measurably_less(routed: dict) -> None:  # type: ignore[type-arg]
    intake = routed["intake_vs_honest"]
    assert max(intake[INSTANT]) < 0.35 and max(intake[CHERRY]) < 0.35  # a fifth of an honest agent's intake
    assert max(intake[REOPENER]) < 0.75
    assert max(routed["kept_vs_honest"][CHERRY]) < 0.3  # they keep even less: they still give urgent ones back
    assert routed["gamer_share"] < 0.2  # 6 agents of 20 would be 30 %


def test_without_the_penalties_gaming_would_pay() -> None:
    naive = Desk(least_loaded, seed=7).run(tickets=2000, days=20).figures()
    print(report(naive))
    assert min(naive["intake_vs_honest"][INSTANT]) > 0.9  # closing at once keeps their queue empty
    assert naive["gamer_share"] > 0.28
