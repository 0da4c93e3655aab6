"""The Strawberry federation schema class every subgraph uses."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from subgraphs.kernel.graphql.errors import ErrorCodes

FEDERATION_VERSION = "2.11"


class SubgraphSchema(strawberry.federation.Schema):
    """Federation v2 schema with error codes; errors are logged where they are classified."""

    def __init__(self, **kwargs: Any) -> None:
        extensions = [ErrorCodes, *kwargs.pop("extensions", ())]
        kwargs.setdefault("federation_version", FEDERATION_VERSION)
        super().__init__(extensions=extensions, **kwargs)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are part of the API; unexpected ones were logged by ErrorCodes."""
