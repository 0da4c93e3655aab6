"""Agent statistics for the scoring tests, built from a few keyword arguments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from subgraphs.ia.assignment.stats import AgentStats

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def stats(**fields: Any) -> AgentStats:
    """An agent with nothing open and nothing done, but for `fields`."""
    values: dict[str, Any] = {"open_count": 0, "open_load": 0.0, "stagnant": 0, "age_days": 0.0, "recent_load": 0.0,
                              "assigned": 0, "resolved": 0, "resolved_load": 0.0, "instant": 0, "reopened": 0,
                              "handed_back": 0, "urgent_assigned": 0, "urgent_handed_back": 0, "low_resolved": 0,
                              "median_hours": None, "last_assigned_at": None, "real_hours": ()}
    values.update(fields)
    return AgentStats(**values)


def steady(resolved: int = 20, hours: float = 2.0, **fields: Any) -> AgentStats:
    """An agent who resolved `resolved` medium tickets in `hours` each, as many as they were given."""
    base = {"resolved": resolved, "resolved_load": 2.0 * resolved, "recent_load": 2.0 * resolved,
            "assigned": resolved, "low_resolved": resolved // 4, "median_hours": hours,
            "real_hours": tuple(("medium", hours) for _ in range(resolved))}
    return stats(**{**base, **fields})
