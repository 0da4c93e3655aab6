"""The running gateway: settings, the pooled HTTP session, the token verifier, the open
WebSockets, and the current `Gateway`, swapped whole when a new supergraph arrives."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping
from typing import Any

import aiohttp
import httpx

from identity import AccessTokenVerifier, JwksKeys
from identity.settings import deprecated_names
from supergraph.auth.tokens import CallerVerifier
from supergraph.gateway import Gateway, GatewayOptions, Supergraph
from supergraph.limits import Limits
from supergraph.server.documents import Documents
from supergraph.server.session_ends import Listen, Revocations, amqp_listener, watch
from supergraph.server.settings import GatewaySettings
from supergraph.server.source import ComposedSource, read_supergraph_file
from supergraph.server.websocket.registry import Connections
from supergraph.transport.combined import SubgraphTransports
from supergraph.transport.http import HttpSubgraphClient, InProcessSubgraphClient, new_session
from supergraph.transport.websocket import WebSocketSubgraphClient, websocket_url
from telemetry import metrics, tracing

log = logging.getLogger("supergraph.runtime")


def options_from(settings: GatewaySettings) -> GatewayOptions:
    limits = Limits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_root_fields=settings.max_root_fields,
        max_cost=settings.max_cost,
        default_list_size=settings.default_list_size,
    )
    return GatewayOptions(
        limits=limits,
        introspection=settings.introspection_on,
        plan_cache_size=settings.plan_cache_size,
        dedupe_client_requests=settings.dedupe_requests,
        dedupe_subgraph_requests=settings.dedupe_subgraph_requests,
        subscription_backlog=settings.subscription_backlog,
        subscription_completions=settings.subscription_completions,
        subscription_answer_ttl=settings.subscription_answer_ttl,
        subscription_answers=settings.subscription_answers,
    )


class GatewayRuntime:
    """Owns what lives as long as the server: sessions, verifier, sockets, source, current gateway."""

    def __init__(self, settings: GatewaySettings, *, events: Listen | None = None,
                 in_process: Mapping[str, Any] | None = None) -> None:
        self.settings = settings
        # subgraph URL -> its ASGI app, for subgraphs served by this very process (`aurontek up`): called directly
        self.in_process = dict(in_process or {})
        self.documents = Documents.from_settings(settings)  # trusted documents, persisted queries
        self.revocations = Revocations()  # what security events made stale, for sockets and streams opened later
        self._events = events
        self._watch: asyncio.Task | None = None
        self.watching = asyncio.Event()  # set once security events are being listened to
        self.options = options_from(settings)
        self.gateway: Gateway | None = None
        self.composed = asyncio.Event()  # set once a supergraph is served (composing runs in the background)
        self.source: ComposedSource | None = None
        self.verifier: CallerVerifier | None = None
        self._keys_client: httpx.AsyncClient | None = None
        self.connections = Connections(settings.ws_max_connections)
        self._session: aiohttp.ClientSession | None = None
        self._socket_session: aiohttp.ClientSession | None = None
        self._retired: list[Gateway] = []
        self._task: asyncio.Task | None = None

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The pooled session to subgraphs (None until started)."""
        return self._session

    async def start(self) -> None:
        tracing.configure("gateway")
        metrics.serve_elsewhere()
        metrics.gauge_function(metrics.WEBSOCKETS, lambda: len(self.connections))
        metrics.gauge_function(metrics.SUBSCRIPTIONS, self._subscriptions)
        self._session = new_session(self.settings.pool_size)
        # upstream subscriptions hold their connection for as long as they live: never pooled
        self._socket_session = new_session(0)
        for name in deprecated_names(os.environ):
            log.warning("%s is a former name, read for this release only", name)
        self._keys_client = httpx.AsyncClient()
        keys = JwksKeys(self.settings.auth_jwks_url, self._keys_client, ttl=self.settings.auth_jwks_ttl,
                        min_refresh=self.settings.auth_jwks_min_refresh)
        self.verifier = CallerVerifier(AccessTokenVerifier(
            keys, issuer=self.settings.auth_issuer, audience=self.settings.auth_audience,
            leeway=self.settings.auth_leeway,
        ))
        self._watch_sessions()
        if self.settings.supergraph:
            self.install(read_supergraph_file(self.settings.supergraph))
            return
        self.source = ComposedSource(
            self.settings.subgraph_list(),
            self.install,
            interval=self.settings.poll_interval,
            timeout=self.settings.subgraph_timeout,
        )
        # compose in the background: /health answers at once, GraphQL once composed
        self._task = asyncio.create_task(self.source.run())

    def _subscriptions(self) -> float:
        """Client subscriptions running, on the current supergraph and on the ones it replaced."""
        gateways = [*self._retired, *([self.gateway] if self.gateway else [])]
        return float(sum(gateway.subscriptions.feeds.listeners() for gateway in gateways))

    def install(self, sdl: str) -> None:
        """Serve a new supergraph; raises (keeping the current one) when it is unusable."""
        supergraph = Supergraph(sdl)
        assert self._session is not None and self._socket_session is not None
        timeout, keepalive = self.settings.subgraph_timeout, self.settings.ws_keepalive or None
        clients = {
            name: SubgraphTransports(
                InProcessSubgraphClient(name, url, self._session, timeout, self.in_process[url])
                if url in self.in_process else HttpSubgraphClient(name, url, self._session, timeout),
                WebSocketSubgraphClient(name, websocket_url(url), self._socket_session, timeout=timeout,
                                        heartbeat=keepalive),
            )
            for name, url in supergraph.subgraph_urls().items()
        }
        if self.gateway is not None:  # its live subscriptions carry on until their clients leave
            self._retired = [old for old in [*self._retired, self.gateway] if old.subscriptions.live]
        self.gateway = Gateway(supergraph, clients, self.options)
        self.composed.set()
        log.info("serving a supergraph of %d subgraphs", len(clients))

    def _watch_sessions(self) -> None:
        listen = self._events
        if listen is None and self.settings.amqp_url:
            listen = amqp_listener(self.settings.amqp_url, self.settings.events_exchange)
        if listen is not None:
            self._watch = asyncio.create_task(watch(listen, self.connections, self.watching, self.revocations),
                                              name="session-ends")

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.connections.close_all()
        for gateway in [*self._retired, *([self.gateway] if self.gateway else [])]:
            await gateway.close()
        for session in (self._socket_session, self._session):
            if session is not None:
                await session.close()
        if self._keys_client is not None:
            await self._keys_client.aclose()
