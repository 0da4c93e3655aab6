"""The Strawberry federation schema class every subgraph uses."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from subgraphs.kernel.graphql.errors import ErrorCodes

FEDERATION_VERSION = "2.11"
# Operations come from the gateway's plans, a bounded set of texts: each is parsed and validated once
# (validation was a third of the chat's CPU per message at 100 messages a second).
CACHED_DOCUMENTS = 1024


class CachedParsing(ParserCache):
    """Strawberry's parser cache, except that a syntax error is left to strawberry's own parsing, which
    reports it as the request's error (raised from the extension, it would escape the request)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        yield


class SubgraphSchema(strawberry.federation.Schema):
    """Federation v2 schema with error codes; errors are logged where they are classified."""

    def __init__(self, **kwargs: Any) -> None:
        extensions = [ErrorCodes, lambda: CachedParsing(maxsize=CACHED_DOCUMENTS),
                      lambda: ValidationCache(maxsize=CACHED_DOCUMENTS), *kwargs.pop("extensions", ())]
        kwargs.setdefault("federation_version", FEDERATION_VERSION)
        super().__init__(extensions=extensions, **kwargs)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are part of the API; unexpected ones were logged by ErrorCodes."""
