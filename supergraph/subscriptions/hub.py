"""The gateway's live subscriptions: one upstream subscription per (subgraph, operation,
variables, caller), and one completion per identical client operation, fanned out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLSchema

from supergraph.execution.executor import ExecutionContext
from supergraph.pipeline import execute as execute_stage
from supergraph.pipeline.types import PreparedOperation
from supergraph.planning.nodes import Subscription
from supergraph.subscriptions.answers import RecentAnswers, canonical, remembering
from supergraph.subscriptions.queue import EventQueue
from supergraph.subscriptions.shared import READY, Listening, SharedStreams, Sink
from supergraph.transport.base import SubgraphClient, SubgraphError, SubgraphRequest, caller_key
from telemetry import tracing

log = logging.getLogger("supergraph.subscriptions")


class TracedFrame(str):
    """A serialized live result that belongs to a trace: its deliveries to each socket continue it."""

    traceparent: str | None = None


def _trace_of(event: dict[str, Any]):
    """The trace the subgraph's `next` names (`extensions.traceparent`), None when tracing is off or it names none."""
    if not tracing.enabled():
        return None
    extensions = event.get("extensions")
    return tracing.context_of(extensions.get("traceparent")) if isinstance(extensions, dict) else None


@dataclass(frozen=True, slots=True)
class ClientSubscription:
    """A client's subscription, planned and with its variables coerced."""

    query: str
    operation_name: str | None
    prepared: PreparedOperation
    variables: dict[str, Any]
    headers: dict[str, str]  # forwarded to subgraphs, `authorization` among them


class SubscriptionHub:
    """Two levels of sharing, both keyed by the caller (authorization and language) so one
    caller's events never reach another:

    - `upstreams`: the subgraph subscriptions, by subgraph, operation text and variables; two
      client operations whose selections differ only in other subgraphs' fields share one.
    - `feeds`: the completed results, by client operation and variables; each event is completed
      (entity fetches, projection) and serialized once, however many clients receive it.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        clients: Mapping[str, SubgraphClient],
        possible: dict[str, frozenset[str]],
        abstract: frozenset[str],
        *,
        dedupe: bool = True,
        backlog: int = 1000,
        completions: int = 64,
        answers: RecentAnswers | None = None,
    ) -> None:
        self.schema = schema
        self.clients = clients
        self.possible = possible
        self.abstract = abstract
        self.dedupe = dedupe
        self.backlog = backlog
        # Completing an event for many callers sends each caller's own entity fetches (answers are never shared
        # across callers), all at once but no more than this many, so a burst does not swamp the subgraph.
        self._completing = asyncio.Semaphore(completions)
        # Each caller's entity answers, kept a few seconds for its next events (answers.py); None: always ask.
        self.answers = answers
        self._completion_clients = remembering(clients, answers)
        self.upstreams: SharedStreams[dict[str, Any]] = SharedStreams("upstream subscription")
        self.feeds: SharedStreams[str] = SharedStreams("subscription feed")

    def open(self, subscription: ClientSubscription, sink: Sink[str]) -> Listening:
        """Deliver `subscription`'s results (serialized response bodies) to `sink`."""
        key = (
            subscription.query,
            subscription.operation_name,
            canonical(subscription.variables),
            caller_key(subscription.headers),
        )
        return self.feeds.listen(key, sink, lambda: self._feed(subscription))

    async def _feed(self, subscription: ClientSubscription) -> AsyncIterator[str]:
        node = subscription.prepared.plan.node
        assert isinstance(node, Subscription)
        primary = node.primary
        variables = {name: subscription.variables[name] for name in primary.variable_usages
                     if name in subscription.variables}
        client = self.clients.get(primary.service)
        if client is None:
            raise SubgraphError(primary.service, f"no client for subgraph '{primary.service}'")
        request = SubgraphRequest(primary.operation, variables, primary.operation_name, subscription.headers)
        key = (primary.service, primary.operation, canonical(variables), caller_key(subscription.headers))
        events: EventQueue[dict[str, Any]] = EventQueue(self.backlog)
        listening = self.upstreams.listen(key, events, lambda: client.subscribe(request))
        try:
            await listening.ready()
            if not events.ended:  # else its failure or end is what comes next
                yield READY
            async for event in events:
                parent = _trace_of(event)
                if parent is None:
                    body = await self._complete(subscription, event, private=node.rest is not None)
                    yield orjson.dumps(body).decode()
                    continue
                with tracing.span("gateway", "subscription event", kind=tracing.SpanKind.CONSUMER, parent=parent,
                                  attributes={"aurontek.subgraph": primary.service,
                                              "graphql.operation.name": subscription.operation_name or ""}):
                    body = await self._complete(subscription, event, private=node.rest is not None)
                    frame = TracedFrame(orjson.dumps(body).decode())
                    frame.traceparent = tracing.traceparent()
                yield frame  # each socket's delivery continues this span
        finally:
            listening.close()

    async def _complete(self, subscription: ClientSubscription, event: dict[str, Any], private: bool) -> dict:
        if private:  # entity results are merged into the event: other feeds share the original
            event = orjson.loads(orjson.dumps(event))
        context = ExecutionContext(
            clients=self._completion_clients,
            variables=subscription.variables,
            headers=subscription.headers,
            possible=self.possible,
            abstract=self.abstract,
            dedupe=self.dedupe,
        )
        if not private:  # nothing to fetch: shaping only
            return await execute_stage.run_event(self.schema, subscription.prepared, context, event)
        async with self._completing:
            return await execute_stage.run_event(self.schema, subscription.prepared, context, event)

    @property
    def live(self) -> bool:
        """Some subscription still runs."""
        return bool(len(self.feeds) or len(self.upstreams))

    async def aclose(self) -> None:
        await self.feeds.aclose()
        await self.upstreams.aclose()
