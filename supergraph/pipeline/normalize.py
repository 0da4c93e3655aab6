"""Stage 4: inline the selected operation's fragments for the limits and the planner."""

from __future__ import annotations

from graphql import DocumentNode, OperationDefinitionNode

from supergraph.planning.operation import Operation, normalize_definition


def normalize_operation(document: DocumentNode, definition: OperationDefinitionNode) -> Operation:
    return normalize_definition(document, definition)
