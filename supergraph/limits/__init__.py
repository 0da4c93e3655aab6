"""Operation limits, one rule per module; each returns violations instead of raising."""

from __future__ import annotations

from graphql import GraphQLSchema

from supergraph.limits.aliases import check_aliases
from supergraph.limits.cost import check_cost
from supergraph.limits.depth import check_depth
from supergraph.limits.root_fields import check_root_fields
from supergraph.limits.types import Limits, Violation
from supergraph.planning.operation import Operation

__all__ = ["Limits", "Violation", "check_limits"]

_RULES = (check_depth, check_aliases, check_root_fields, check_cost)


def check_limits(schema: GraphQLSchema, operation: Operation, limits: Limits) -> list[Violation]:
    """Every limit the operation exceeds (a limit of 0 or less is off)."""
    violations: list[Violation] = []
    for rule in _RULES:
        violations.extend(rule(schema, operation, limits))
    return violations
