"""Stage 3: pick the operation the request names (or the document's only one)."""

from __future__ import annotations

from graphql import DocumentNode, OperationDefinitionNode

from supergraph.errors import ErrorCode
from supergraph.pipeline.types import RequestError
from supergraph.planning.operation import OperationError, select_operation


def select(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    try:
        return select_operation(document, operation_name)
    except OperationError as error:
        raise RequestError(str(error), ErrorCode.OPERATION_RESOLUTION_FAILURE) from error
