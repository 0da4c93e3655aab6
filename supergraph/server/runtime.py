"""The running gateway: settings, the pooled HTTP session, and the current `Gateway`,
swapped whole when a new supergraph arrives."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp

from supergraph.gateway import Gateway, GatewayOptions, Supergraph
from supergraph.limits import Limits
from supergraph.server.settings import GatewaySettings
from supergraph.server.source import ComposedSource, read_supergraph_file
from supergraph.transport.http import HttpSubgraphClient, new_session

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
        introspection=settings.introspection,
        plan_cache_size=settings.plan_cache_size,
        dedupe_client_requests=settings.dedupe_requests,
        dedupe_subgraph_requests=settings.dedupe_subgraph_requests,
    )


class GatewayRuntime:
    """Owns what lives as long as the server: session, source, current gateway."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.options = options_from(settings)
        self.gateway: Gateway | None = None
        self.source: ComposedSource | None = None
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._session = new_session(self.settings.pool_size)
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

    def install(self, sdl: str) -> None:
        """Serve a new supergraph; raises (keeping the current one) when it is unusable."""
        supergraph = Supergraph(sdl)
        assert self._session is not None
        clients = {
            name: HttpSubgraphClient(name, url, self._session, self.settings.subgraph_timeout)
            for name, url in supergraph.subgraph_urls().items()
        }
        self.gateway = Gateway(supergraph, clients, self.options)
        log.info("serving a supergraph of %d subgraphs", len(clients))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._session is not None:
            await self._session.close()
