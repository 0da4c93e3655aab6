"""Rejects operations using more than `max_aliases` aliases (a cheap amplification)."""

from __future__ import annotations

from supergraph.errors import ErrorCode
from supergraph.limits.types import Limits, Violation
from supergraph.planning.operation import Field, Operation, Selection


def check_aliases(_schema, operation: Operation, limits: Limits) -> list[Violation]:
    if limits.max_aliases <= 0:
        return []
    count = _aliases(operation.selections)
    if count <= limits.max_aliases:
        return []
    message = f"Operation uses {count} aliases; the maximum is {limits.max_aliases}."
    return [Violation(ErrorCode.MAX_ALIASES_EXCEEDED, message)]


def _aliases(selections: list[Selection]) -> int:
    count = 0
    for selection in selections:
        if isinstance(selection, Field):
            count += selection.key != selection.name
            count += _aliases(selection.selections or [])
        else:
            count += _aliases(selection.selections)
    return count
