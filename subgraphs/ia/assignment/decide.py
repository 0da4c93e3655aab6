"""Choosing the agent: the lowest score wins, the least recently assigned breaks a tie (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from subgraphs.ia.assignment.scoring import Baseline, factors
from subgraphs.ia.assignment.stats import AgentStats

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Candidate:
    user_id: str
    stats: AgentStats
    skill_match: bool = False


@dataclass(frozen=True)
class Scored:
    user_id: str
    score: float
    factors: dict[str, float]
    last_assigned_at: datetime | None

    def key(self) -> tuple[float, datetime, str]:
        return (self.score, self.last_assigned_at or NEVER, self.user_id)


@dataclass(frozen=True)
class Decision:
    chosen: Scored | None
    ranked: list[Scored]
    excluded: list[tuple[str, str]] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.chosen is None:
            return "no active agent fits this ticket and is online" if not self.excluded else (
                f"no agent fits: {len(self.excluded)} considered, none free to take it")
        if len(self.ranked) == 1:
            return "the only agent who fits"
        runner_up = self.ranked[1]
        if runner_up.score == self.chosen.score:
            return f"lowest score of {len(self.ranked)} fitting agents, tied: assigned least recently"
        return f"lowest score of {len(self.ranked)} fitting agents ({self.chosen.score:g} < {runner_up.score:g})"


def score(candidate: Candidate, baseline: Baseline) -> Scored:
    found = factors(candidate.stats, baseline, skill_match=candidate.skill_match)
    return Scored(candidate.user_id, found["score"], found, candidate.stats.last_assigned_at)


def choose(candidates: Sequence[Candidate], baseline: Baseline,
           excluded: Sequence[tuple[str, str]] = ()) -> Decision:
    """Rank the candidates best first; the first is chosen (None without candidates)."""
    ranked = sorted((score(c, baseline) for c in candidates), key=Scored.key)
    return Decision(ranked[0] if ranked else None, ranked, list(excluded))
