"""How deserving an agent is of the next ticket: their load over their capacity and trust (pure functions).

    score = busy / (capacity x trust)      the lowest score gets the ticket

busy      1 + open load (priority-weighted) + 2 per stagnant ticket + 0.5 per day of mean ticket age
          + 0.5 x what they were given in the window (priority-weighted), so intake evens out over time
capacity  speed x (0.5 + 0.5 x efficiency, the share of their intake they resolved) x 1.2 when the
          ticket's category is one of their skills; speed is the median, over their real resolutions, of
          the company's median time for that priority over theirs, shrunk towards 1 while they have few
          (n / (n + 10)), within 0.8-1.25, and no more than 1 while they show signs of gaming
trust     1 - penalty, penalty = 1.5 x (instant closes + reopens + cherry-picking), at most 0.8: gaming
          the numbers lowers the share of new work

Instant closes, reopens and a low-priority lean count only as far as they exceed the company's median
agent by more than chance would (two standard errors), and every rate starts from a record of five
ordinary resolutions (PRIOR): an honest agent's unlucky week, or one slip early on, is no verdict. The
median agent is taken over at least three agents with three resolutions each; with fewer, over a
healthy desk's rates (HEALTHY), so that a lone gamer does not set the norm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from subgraphs.ia.assignment.stats import AgentStats

PRIOR = 5.0
MAX_PENALTY = 0.8
GAMING_WEIGHT = 1.5
MIN_RESOLUTIONS = 3  # fewer, and an agent's speed is taken as the company's
MIN_AGENTS = 3  # fewer agents with MIN_RESOLUTIONS, and the company's norm is a healthy desk's
EFFICIENCY_PRIOR = 10.0  # weight units resolved of as many given: a fresh ticket or two is no backlog
SPEED_SHRINK = 10.0
GAMING_SIGN = 0.05  # a penalty above this withholds any speed bonus: speed bought by gaming earns no work


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


@dataclass(frozen=True)
class Baseline:
    """The company's typical agent, what each agent is compared with."""

    hours: dict[str, float] = field(default_factory=dict)  # median hours of real work, per priority
    instant_rate: float = 0.0
    reopen_rate: float = 0.0
    low_share: float = 0.0


def _rate(count: float, stats: AgentStats, base: float = 0.0) -> float:
    """A share of the agent's resolutions, starting from PRIOR resolutions at the company's rate."""
    return (count + PRIOR * base) / (stats.resolved + PRIOR)


def _excess(rate: float, base: float, stats: AgentStats) -> float:
    """How far `rate` exceeds `base` beyond two standard errors of a rate over this many resolutions."""
    noise = 2.0 * math.sqrt(max(base * (1.0 - base), 0.0025) / (stats.resolved + PRIOR))
    return max(0.0, rate - base - noise)


def company_baseline(stats: Sequence[AgentStats]) -> Baseline:
    """Medians over the agents with enough resolutions: a few gamers do not move them."""
    pooled: dict[str, list[float]] = {}
    for agent in stats:
        for priority, taken in agent.real_hours:
            pooled.setdefault(priority, []).append(taken)
    hours = {p: median(h) for p, h in pooled.items()}
    resolved = sum(s.resolved for s in stats)
    low_share = sum(s.low_resolved for s in stats) / resolved if resolved else 0.0
    seasoned = [s for s in stats if s.resolved >= MIN_RESOLUTIONS]
    if len(seasoned) < MIN_AGENTS:
        return Baseline(hours=hours, instant_rate=HEALTHY.instant_rate, reopen_rate=HEALTHY.reopen_rate,
                        low_share=low_share)
    return Baseline(hours=hours, instant_rate=median(s.instant / s.resolved for s in seasoned),
                    reopen_rate=median(s.reopened / s.resolved for s in seasoned),
                    low_share=median(s.low_resolved / s.resolved for s in seasoned))


HEALTHY = Baseline(instant_rate=0.05, reopen_rate=0.05)


def busy(stats: AgentStats) -> float:
    return 1.0 + stats.open_load + 2.0 * stats.stagnant + 0.5 * min(stats.age_days, 14.0) + 0.5 * stats.recent_load


def speed(stats: AgentStats, baseline: Baseline) -> float:
    """How much faster than the company they resolve, priority for priority (1: as fast)."""
    ratios = [baseline.hours[p] / max(h, 0.01) for p, h in stats.real_hours if p in baseline.hours]
    if len(ratios) < MIN_RESOLUTIONS:
        return 1.0
    shrunk = math.exp(math.log(median(ratios)) * len(ratios) / (len(ratios) + SPEED_SHRINK))
    return _clamp(shrunk, 0.8, 1.25)


def efficiency(stats: AgentStats) -> float:
    return _clamp((stats.resolved_load + EFFICIENCY_PRIOR) / (stats.recent_load + EFFICIENCY_PRIOR), 0.0, 1.0)


def cherry_picking(stats: AgentStats, baseline: Baseline) -> float:
    """Urgent tickets given back, or a resolved mix leaning to low priority more than the company's."""
    urgent_dropped = stats.urgent_handed_back / (stats.urgent_assigned + 3.0)
    low_lean = _excess(_rate(stats.low_resolved, stats, baseline.low_share), baseline.low_share, stats)
    return max(urgent_dropped, low_lean)


def factors(stats: AgentStats, baseline: Baseline, *, skill_match: bool = False) -> dict[str, float]:
    """Every number behind an agent's score, and the score: what an administrator is shown."""
    instant = _excess(_rate(stats.instant, stats, baseline.instant_rate), baseline.instant_rate, stats)
    reopen = _excess(_rate(stats.reopened, stats, baseline.reopen_rate), baseline.reopen_rate, stats)
    cherry = cherry_picking(stats, baseline)
    penalty = min(MAX_PENALTY, GAMING_WEIGHT * (instant + reopen + cherry))
    fast = speed(stats, baseline) if penalty <= GAMING_SIGN else min(speed(stats, baseline), 1.0)
    capacity = fast * (0.5 + 0.5 * efficiency(stats)) * (1.2 if skill_match else 1.0)
    values = {
        "openTickets": float(stats.open_count), "openLoad": stats.open_load, "stagnant": float(stats.stagnant),
        "ageDays": round(stats.age_days, 3), "recentLoad": stats.recent_load, "busy": busy(stats),
        "speed": fast, "efficiency": efficiency(stats), "skillMatch": float(skill_match),
        "capacity": capacity, "instantCloses": instant, "reopenRate": reopen, "cherryPicking": cherry,
        "trust": 1.0 - penalty,
    }
    values["score"] = values["busy"] / (capacity * values["trust"])
    return {name: round(value, 4) for name, value in values.items()}
