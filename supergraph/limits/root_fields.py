"""Rejects operations selecting more than `max_root_fields` root fields."""

from __future__ import annotations

from supergraph.errors import ErrorCode
from supergraph.limits.types import Limits, Violation
from supergraph.planning.operation import Field, Operation, Selection


def check_root_fields(_schema, operation: Operation, limits: Limits) -> list[Violation]:
    if limits.max_root_fields <= 0:
        return []
    count = len(_root_keys(operation.selections))
    if count <= limits.max_root_fields:
        return []
    message = f"Operation selects {count} root fields; the maximum is {limits.max_root_fields}."
    return [Violation(ErrorCode.MAX_ROOT_FIELDS_EXCEEDED, message)]


def _root_keys(selections: list[Selection]) -> set[str]:
    keys: set[str] = set()
    for selection in selections:
        if isinstance(selection, Field):
            if not selection.name.startswith("__"):
                keys.add(selection.key)
        else:
            keys |= _root_keys(selection.selections)
    return keys
