"""Stage 3: pick the operation and inline its fragments for planning."""

from __future__ import annotations

from graphql import DocumentNode

from supergraph.pipeline.types import RequestError
from supergraph.planning.operation import Operation, OperationError, normalize


def normalize_operation(document: DocumentNode, operation_name: str | None) -> Operation:
    try:
        return normalize(document, operation_name)
    except OperationError as error:
        raise RequestError(str(error), "OPERATION_RESOLUTION_FAILURE") from error
