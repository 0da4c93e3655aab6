"""Stages 1-7 in order, once per operation text and name: parse, validate, select, normalize, limits,
introspection, plan. The outcome is cached either way: a `PreparedOperation` in the plan cache, a refusal in a
smaller cache of its own (so a flood of bad documents cannot evict good plans). Variables (stage 8) and execution
(stage 9) are per request and happen in the gateway."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

from graphql import GraphQLSchema

from supergraph.limits import Limits
from supergraph.model import SupergraphModel
from supergraph.pipeline.introspection import introspection_stage
from supergraph.pipeline.limits import enforce_limits
from supergraph.pipeline.parse import parse_operation
from supergraph.pipeline.plan import plan
from supergraph.pipeline.select import select
from supergraph.pipeline.types import PreparedOperation, RequestError
from supergraph.pipeline.validate import validate_operation
from supergraph.planning.operation import normalize_definition
from telemetry import metrics, tracing

V = TypeVar("V")
GATEWAY = "gateway"  # whose spans these are
Key = tuple[str, str | None]


class LruCache(Generic[V]):
    """A bounded LRU keyed by (operation text, operation name), counting hits and misses."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._entries: OrderedDict[Key, V] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: Key, value: V) -> None:
        self._entries[key] = value
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class StageCounts:
    """How often the costly stages ran (not how often their cached outcome was used)."""

    parses: int = 0
    validations: int = 0


class Preparer:
    def __init__(self, schema: GraphQLSchema, model: SupergraphModel, *, limits: Limits, introspection: bool,
                 max_tokens: int, cache_size: int) -> None:
        self.schema = schema
        self.model = model
        self.limits = limits
        self.introspection = introspection
        self.max_tokens = max_tokens
        self.plans: LruCache[PreparedOperation] = LruCache(cache_size)
        self.refusals: LruCache[RequestError] = LruCache(max(1, cache_size // 4))
        self.counts = StageCounts()

    def prepare(self, query: str | None, operation_name: str | None) -> PreparedOperation:
        """The prepared operation; raises its `RequestError` (the same one each time for the same text)."""
        key = (query or "", operation_name)
        prepared = self.plans.get(key)
        if prepared is not None:
            metrics.child(metrics.PLAN_CACHE, "hit").inc()
            return prepared
        metrics.child(metrics.PLAN_CACHE, "miss").inc()
        refused = self.refusals.get(key)
        if refused is not None:
            raise refused.with_traceback(None)
        try:
            prepared = self._prepare(query, operation_name)
        except RequestError as error:
            self.refusals.put(key, error)
            raise
        self.plans.put(key, prepared)
        return prepared

    def _prepare(self, query: str | None, operation_name: str | None) -> PreparedOperation:
        self.counts.parses += 1
        with tracing.span(GATEWAY, "graphql parse"):
            document = parse_operation(query, self.max_tokens)
        self.counts.validations += 1
        with tracing.span(GATEWAY, "graphql validate"):
            validate_operation(self.schema, document)
            definition = select(document, operation_name)
            operation = normalize_definition(document, definition)
            enforce_limits(self.schema, operation, self.limits)
            introspection = introspection_stage(document, definition, allowed=self.introspection)
        with tracing.span(GATEWAY, "graphql plan"):
            planned = plan(self.model, operation)
        return PreparedOperation(document=document, definition=definition, operation=operation,
                                 plan=planned, introspection=introspection)
