"""Rejects operations nested deeper than `max_depth` fields."""

from __future__ import annotations

from supergraph.errors import ErrorCode
from supergraph.limits.types import Limits, Violation
from supergraph.planning.operation import Field, Operation, Selection


def check_depth(_schema, operation: Operation, limits: Limits) -> list[Violation]:
    if limits.max_depth <= 0:
        return []
    depth = _depth(operation.selections)
    if depth <= limits.max_depth:
        return []
    message = f"Operation is {depth} fields deep; the maximum depth is {limits.max_depth}."
    return [Violation(ErrorCode.MAX_DEPTH_EXCEEDED, message)]


def _depth(selections: list[Selection]) -> int:
    deepest = 0
    for selection in selections:
        if isinstance(selection, Field):
            below = _depth(selection.selections) if selection.selections else 0
            if not selection.name.startswith("__"):
                deepest = max(deepest, 1 + below)
        else:
            deepest = max(deepest, _depth(selection.selections))
    return deepest
