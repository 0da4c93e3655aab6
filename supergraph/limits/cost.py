"""Rejects operations whose estimated cost exceeds `max_cost`.

Each field costs 1; what is selected below a list costs once per expected item: the literal
`first`/`last`/`limit`/`take` argument when given, else `default_list_size`."""

from __future__ import annotations

from graphql import GraphQLList, GraphQLSchema, get_named_type, get_nullable_type

from supergraph.errors import ErrorCode
from supergraph.limits.types import Limits, Violation
from supergraph.planning.operation import Field, Operation, Selection

_SIZE_ARGUMENTS = ("first", "last", "limit", "take")


def check_cost(schema: GraphQLSchema, operation: Operation, limits: Limits) -> list[Violation]:
    if limits.max_cost <= 0:
        return []
    root = {"query": schema.query_type, "mutation": schema.mutation_type, "subscription": schema.subscription_type}[
        operation.kind
    ]
    cost = _cost(schema, root, operation.selections, limits)
    if cost <= limits.max_cost:
        return []
    message = f"Operation has an estimated cost of {cost}; the maximum is {limits.max_cost}."
    return [Violation(ErrorCode.MAX_COST_EXCEEDED, message)]


def estimate_cost(schema: GraphQLSchema, operation: Operation, limits: Limits) -> int:
    root = {"query": schema.query_type, "mutation": schema.mutation_type, "subscription": schema.subscription_type}[
        operation.kind
    ]
    return _cost(schema, root, operation.selections, limits)


def _cost(schema, parent, selections: list[Selection], limits: Limits) -> int:
    total = 0
    for selection in selections:
        if not isinstance(selection, Field):
            condition = schema.type_map.get(selection.type_condition) if selection.type_condition else parent
            total += _cost(schema, condition or parent, selection.selections, limits)
            continue
        total += 1
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(selection.name)
        if definition is None or not selection.selections:
            continue
        below = _cost(schema, get_named_type(definition.type), selection.selections, limits)
        total += below * _multiplier(definition.type, selection, limits)
    return total


def _multiplier(type_, field: Field, limits: Limits) -> int:
    multiplier = 1
    for argument in field.arguments:
        if argument.name.value in _SIZE_ARGUMENTS and argument.value.kind == "int_value":
            return max(1, int(argument.value.value))  # type: ignore[attr-defined]
    type_ = get_nullable_type(type_)
    while isinstance(type_, GraphQLList):
        multiplier *= limits.default_list_size
        type_ = get_nullable_type(type_.of_type)
    return multiplier
