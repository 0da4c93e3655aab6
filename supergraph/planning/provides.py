"""What a `@provides` makes resolvable below a field, in the subgraph that provides it."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from supergraph.model import SupergraphModel
from supergraph.planning.collect import applies

Provided = tuple[SelectionSetNode, ...]


def provided_field(
    model: SupergraphModel, provided: Provided, type_name: str, field_name: str
) -> tuple[bool, Provided]:
    """Whether `field_name` of `type_name` is provided here, and what is provided below it."""
    found = False
    below: list[SelectionSetNode] = []
    for selection_set in provided:
        for node in _fields(model, selection_set, type_name):
            if node.name.value == field_name:
                found = True
                if node.selection_set is not None:
                    below.append(node.selection_set)
    return found, tuple(below)


def _fields(model: SupergraphModel, selection_set: SelectionSetNode, type_name: str) -> Iterator[FieldNode]:
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            yield node
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            if applies(model, condition, type_name):
                yield from _fields(model, node.selection_set, type_name)
