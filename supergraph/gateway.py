"""The gateway core: one supergraph, its subgraph clients and plan cache, and the pipeline
that turns a `GraphQLRequest` into a `GraphQLResponse`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import GraphQLSchema

from supergraph.api_schema import api_schema
from supergraph.errors import ErrorCode
from supergraph.execution.executor import ExecutionContext
from supergraph.limits import Limits
from supergraph.model import SupergraphModel, build_model
from supergraph.pipeline import execute as execute_stage
from supergraph.pipeline.prepare import LruCache, Preparer
from supergraph.pipeline.types import (
    GraphQLRequest,
    GraphQLResponse,
    PreparedOperation,
    RequestError,
)
from supergraph.pipeline.variables import coerce_variables
from supergraph.planning.nodes import Subscription
from supergraph.subscriptions.answers import RecentAnswers
from supergraph.subscriptions.hub import ClientSubscription, SubscriptionHub
from supergraph.subscriptions.shared import Listening, Sink
from supergraph.transport.base import SubgraphClient
from telemetry import metrics, tracing

log = logging.getLogger("supergraph")


@dataclass(frozen=True, slots=True)
class GatewayOptions:
    """What a gateway enforces per operation."""

    limits: Limits = field(default_factory=Limits)
    introspection: bool = True
    max_tokens: int = 15_000
    plan_cache_size: int = 1024
    dedupe_subgraph_requests: bool = True  # identical in-flight subgraph queries share one
    dedupe_client_requests: bool = True  # identical in-flight client queries share one run
    subscription_backlog: int = 1000  # events one shared subscription may hold while completing others
    # subscription events being completed at once (their entity fetches): one event to 1,000 callers is 1,000 fetches
    subscription_completions: int = 64
    # how long a caller's entity answers serve its next live events (0: every event asks), and how many are kept
    subscription_answer_ttl: float = 30.0
    subscription_answers: int = 20_000


class Supergraph:
    """A parsed supergraph: the planner's model and the client-facing API schema."""

    def __init__(self, sdl: str) -> None:
        from graphql import parse

        document = parse(sdl, no_location=True)
        self.sdl = sdl
        self.model: SupergraphModel = build_model(document)
        self.api_schema: GraphQLSchema = api_schema(document)
        self.possible = {name: info.possible for name, info in self.model.types.items() if info.is_abstract}
        self.abstract = frozenset(self.possible)

    def subgraph_urls(self) -> dict[str, str]:
        return dict(self.model.urls)


class Gateway:
    """Serves one supergraph; replaced whole when the supergraph changes."""

    def __init__(
        self,
        supergraph: Supergraph,
        clients: Mapping[str, SubgraphClient],
        options: GatewayOptions = GatewayOptions(),
    ) -> None:
        self.supergraph = supergraph
        self.clients = clients
        self.options = options
        self.preparer = Preparer(supergraph.api_schema, supergraph.model, limits=options.limits,
                                 introspection=options.introspection, max_tokens=options.max_tokens,
                                 cache_size=options.plan_cache_size)
        self._in_flight: dict[tuple, asyncio.Future[GraphQLResponse]] = {}
        self.subscriptions = SubscriptionHub(
            supergraph.api_schema,
            clients,
            supergraph.possible,
            supergraph.abstract,
            dedupe=options.dedupe_subgraph_requests,
            backlog=options.subscription_backlog,
            completions=options.subscription_completions,
            answers=RecentAnswers(ttl=options.subscription_answer_ttl, size=options.subscription_answers)
            if options.subscription_answer_ttl > 0 else None,
        )

    @property
    def cache(self) -> LruCache[PreparedOperation]:
        """The prepared operations, by text and name."""
        return self.preparer.plans

    def prepare(self, query: str | None, operation_name: str | None) -> PreparedOperation:
        """Parse, validate, select, normalize, check limits and introspection, plan: once per text and name (the
        outcome, a refusal too, is cached); raises `RequestError`."""
        return self.preparer.prepare(query, operation_name)

    async def handle(self, request: GraphQLRequest, prepared: PreparedOperation | None = None) -> GraphQLResponse:
        """Run one request (`prepared`: its operation, when the caller already prepared it); identical queries in
        flight at once share one execution (their result can only depend on the operation, its variables and the
        Authorization)."""
        started = time.perf_counter()
        try:
            prepared = prepared or self.prepare(request.query, request.operation_name)
        except RequestError as error:
            refused = _refusal(error)
            _measure(request.operation_name, "unknown", refused, started)
            return refused
        name = prepared.definition.name.value if prepared.definition.name else None
        span = tracing.current_span()
        if span is not None:  # one call: each takes the span's lock
            span.set_attributes({"graphql.operation.type": prepared.operation.kind, "graphql.operation.name": name}
                                if name else {"graphql.operation.type": prepared.operation.kind})
            span.update_name(f"{prepared.operation.kind} {name or 'anonymous'}")
        response = await self._answer(request, prepared)
        _measure(name, prepared.operation.kind, response, started)
        return response

    async def _answer(self, request: GraphQLRequest, prepared: PreparedOperation) -> GraphQLResponse:
        if not self.options.dedupe_client_requests or prepared.operation.kind != "query":
            return await self._run(request, prepared)  # mutations are never shared
        try:
            key = (
                request.query,
                request.operation_name,
                orjson.dumps(request.variables, option=orjson.OPT_SORT_KEYS),
                request.headers.get("authorization"),
            )
        except TypeError:
            return await self._run(request, prepared)
        pending = self._in_flight.get(key)
        if pending is None:
            pending = self._in_flight[key] = asyncio.ensure_future(self._shared(request, prepared, key))
        return await asyncio.shield(pending)

    def deferred(self, request: GraphQLRequest) -> tuple[PreparedOperation, dict[str, Any]] | None:
        """A query this request runs with fragments deferred: its operation and coerced variables (None for any
        other request, a refused one too: `handle` answers those)."""
        try:
            prepared = self.prepare(request.query, request.operation_name)
            if not prepared.operation.defers:
                return None
            variables = coerce_variables(self.supergraph.api_schema, prepared.definition, request.variables)
        except RequestError:
            return None
        return (prepared, variables) if execute_stage.deferring(prepared, variables) else None

    async def parts(self, request: GraphQLRequest, prepared: PreparedOperation, variables: dict[str, Any]
                    ) -> AsyncIterator[dict[str, Any]]:
        """A deferring query's payloads, the first as soon as the fetches it needs are done (never shared with
        another request: the parts are this client's)."""
        started = time.perf_counter()
        context = self._context(request, variables)
        name = prepared.definition.name.value if prepared.definition.name else None
        errors: list[dict[str, Any]] = []
        async for part in execute_stage.run_incremental(self.supergraph.api_schema, prepared, context):
            errors.extend(part.get("errors") or ())
            for entry in part.get("incremental") or ():
                errors.extend(entry.get("errors") or ())
            yield part
        _measure(name, prepared.operation.kind, GraphQLResponse({"errors": errors} if errors else {}), started)

    def subscribe(self, request: GraphQLRequest, sink: Sink[str], prepared: PreparedOperation | None = None
                  ) -> Listening:
        """Start a subscription whose results (serialized response bodies) go to `sink`, shared
        with identical ones; raises `RequestError` when it is refused before it starts."""
        prepared = prepared or self.prepare(request.query, request.operation_name)
        if prepared.operation.kind != "subscription" or not isinstance(prepared.plan.node, Subscription):
            raise RequestError("Only subscriptions stream results.", ErrorCode.BAD_REQUEST)
        variables = coerce_variables(self.supergraph.api_schema, prepared.definition, request.variables)
        subscription = ClientSubscription(
            request.query or "", request.operation_name, prepared, variables, dict(request.headers)
        )
        return self.subscriptions.open(subscription, sink)

    async def close(self) -> None:
        """Stop every live subscription of this gateway (on shutdown)."""
        await self.subscriptions.aclose()

    async def _shared(self, request: GraphQLRequest, prepared: PreparedOperation, key: tuple) -> GraphQLResponse:
        try:
            return await self._run(request, prepared)
        finally:
            self._in_flight.pop(key, None)

    async def _run(self, request: GraphQLRequest, prepared: PreparedOperation) -> GraphQLResponse:
        """What is per request: the transport's rules for the operation's kind, variables, execution."""
        try:
            if request.method == "GET" and prepared.operation.kind != "query":
                raise RequestError("Only queries may be sent with GET; use POST.", ErrorCode.METHOD_NOT_ALLOWED, 405)
            if prepared.operation.kind == "subscription":
                raise RequestError("Subscriptions are served over WebSocket.", ErrorCode.BAD_REQUEST)
            variables = coerce_variables(self.supergraph.api_schema, prepared.definition, request.variables)
        except RequestError as error:
            return _refusal(error)
        context = self._context(request, variables)
        body = await execute_stage.run(self.supergraph.api_schema, prepared, context)
        return GraphQLResponse(body)


    def _context(self, request: GraphQLRequest, variables: dict[str, Any]) -> ExecutionContext:
        """One execution's state: this gateway's subgraph clients, the request's variables and headers."""
        return ExecutionContext(
            clients=self.clients,
            variables=variables,
            headers=request.headers,
            possible=self.supergraph.possible,
            abstract=self.supergraph.abstract,
            dedupe=self.options.dedupe_subgraph_requests,
        )


def _measure(name: str | None, kind: str, response: GraphQLResponse, started: float) -> None:
    operation = metrics.gateway_operation(name)
    errors = response.body.get("errors")
    metrics.child(metrics.GATEWAY_REQUESTS, operation, kind, metrics.first_code(errors)).inc()
    metrics.child(metrics.GATEWAY_DURATION, operation, kind).observe(time.perf_counter() - started)
    for error in errors or ():
        metrics.child(metrics.GATEWAY_ERRORS, operation, metrics.first_code([error])).inc()


def _refusal(error: RequestError) -> GraphQLResponse:
    body: dict[str, Any] = {"errors": error.as_errors()}
    if error.during_execution:
        body["data"] = None
    return GraphQLResponse(body, error.status)
