"""Parses `join__FieldSet` strings (`"id"`, `"id org { id }"`, `"... on A { x }"`)."""

from __future__ import annotations

from functools import lru_cache

from graphql import OperationDefinitionNode, SelectionSetNode, parse


@lru_cache(maxsize=4096)
def parse_field_set(fields: str) -> SelectionSetNode:
    """The selection set a field set string denotes."""
    document = parse("{" + fields + "}", no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set
