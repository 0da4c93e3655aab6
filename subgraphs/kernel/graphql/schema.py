"""The Strawberry federation schema class every subgraph uses."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext
from strawberry.types.info import Info

from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.graphql.errors import ErrorCodes
from subgraphs.kernel.graphql.scalars import DateTime
from subgraphs.kernel.text import PlainTextLiterals

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


class EventScopedExecution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution, except that each subscription event remembers the subfields it collected for itself.

    graphql-core (3.3) copies a subscription's executor for every event, and the copy shares the memo of collected
    subfields with it. The memo is keyed by lists each event collects anew and keeps them alive, so it grew by every
    event for as long as the subscription was open: a chat instance serving 1,000 subscribers at 100 messages a second
    grew by about 3 MB a second (benchmarks/subscriptions/RESULTS.md). Within one event the memo still does its work
    (a list of messages collects its subfields once)."""

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        if isinstance(getattr(executor, "_relevant_sub_fields", None), dict):
            executor._relevant_sub_fields = {}
        return executor


class SubgraphSchema(strawberry.federation.Schema):
    """Federation v2 schema with error codes; errors are logged where they are classified."""

    def __init__(self, **kwargs: Any) -> None:
        extensions = [ErrorCodes, lambda: AddValidationRules([PlainTextLiterals]),
                      lambda: CachedParsing(maxsize=CACHED_DOCUMENTS),
                      lambda: ValidationCache(maxsize=CACHED_DOCUMENTS), *kwargs.pop("extensions", ())]
        kwargs.setdefault("federation_version", FEDERATION_VERSION)
        config = kwargs.pop("config", None) or StrawberryConfig()
        config.scalar_map = {datetime: DateTime, **config.scalar_map}
        kwargs["config"] = config
        kwargs.setdefault("execution_context_class", EventScopedExecution)
        super().__init__(extensions=extensions, **kwargs)
        self._references: dict[str, tuple[frozenset[str], tuple[str, ...]] | None] = {}

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are part of the API; unexpected ones were logged by ErrorCodes."""

    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        """Strawberry's, for representations a client may send as it likes: each must be an object naming an
        entity type and holding what its `resolve_reference` needs; what the resolver does not take is left
        out (a representation may carry the fields of other subgraphs). A bad one is that entity's
        BAD_USER_INPUT, never an internal error."""
        results: list[FederationAny] = []
        for index, representation in enumerate(representations):
            accepted = self._accepted(representation)
            if isinstance(accepted, str):
                refusal = BadUserInput(f"representation {index}: {accepted}", field="representations")
                results.append(FederationAny(refusal))
            else:
                results.extend(super().entities_resolver(info, [FederationAny(accepted)]))
        return results

    def _accepted(self, representation: Any) -> dict[str, Any] | str:
        """What of `representation` goes to its type's `resolve_reference`, or why it cannot."""
        if not isinstance(representation, dict) or not isinstance(representation.get("__typename"), str):
            return "a representation is an object with a __typename"
        type_name = representation["__typename"]
        kind = self.schema_converter.type_map.get(type_name)
        if kind is None:
            return f"{type_name} is not a type of this subgraph"
        taken = self._reference_parameters(type_name, kind)
        if taken is None:
            return dict(representation)  # built from its fields by strawberry, or a resolver that takes them all
        accepted, needed = taken
        missing = [name for name in needed if name not in representation]
        if missing:
            return f"{type_name} needs {', '.join(missing)}"
        return {key: value for key, value in representation.items() if key == "__typename" or key in accepted}

    def _reference_parameters(self, type_name: str, kind: Any) -> tuple[frozenset[str], tuple[str, ...]] | None:
        """What `type_name`'s `resolve_reference` takes and needs, read from its signature once per type (entity
        fetches are the hot path); None when it takes any field."""
        if type_name not in self._references:
            resolve = getattr(getattr(kind.definition, "origin", None), "resolve_reference", None)
            parameters = inspect.signature(resolve).parameters if resolve is not None else {}
            if resolve is None or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
                self._references[type_name] = None
            else:
                needed = tuple(name for name, p in parameters.items()
                               if name != "info" and p.default is inspect.Parameter.empty)
                self._references[type_name] = (frozenset(parameters), needed)
        return self._references[type_name]
