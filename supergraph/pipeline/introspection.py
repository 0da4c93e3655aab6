"""Stage 6: the operation's root introspection fields (`__schema`, `__type`), answered by the gateway from the
API schema, or refused when introspection is off."""

from __future__ import annotations

from graphql import DocumentNode, FieldNode, OperationDefinitionNode

from supergraph.errors import ErrorCode
from supergraph.pipeline.types import RequestError

_INTROSPECTION = ("__schema", "__type")


def introspection_document(document: DocumentNode, definition: OperationDefinitionNode) -> DocumentNode | None:
    """The operation reduced to its root introspection fields, or None when it has none."""
    fields = [
        s for s in definition.selection_set.selections if isinstance(s, FieldNode) and s.name.value in _INTROSPECTION
    ]
    if not fields:
        return None
    selection_set = definition.selection_set.__class__(selections=tuple(fields))
    reduced = definition.__class__(
        operation=definition.operation,
        name=definition.name,
        variable_definitions=definition.variable_definitions,
        directives=definition.directives,
        selection_set=selection_set,
    )
    others = [d for d in document.definitions if not isinstance(d, OperationDefinitionNode)]
    return DocumentNode(definitions=(reduced, *others))


def introspection_stage(document: DocumentNode, definition: OperationDefinitionNode, *, allowed: bool
                        ) -> DocumentNode | None:
    reduced = introspection_document(document, definition)
    if reduced is not None and not allowed:
        raise RequestError("Introspection is disabled on this gateway.", ErrorCode.INTROSPECTION_DISABLED)
    return reduced
