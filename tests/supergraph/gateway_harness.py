"""Gateway test harness: compose tiny subgraphs, plan operations, run them end to end."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from graphql import parse

from supergraph.composition import SubgraphSource, compose
from supergraph.gateway import Gateway, GatewayOptions, Supergraph
from supergraph.pipeline.types import GraphQLRequest
from supergraph.planning.operation import normalize
from supergraph.planning.planner import plan_operation
from supergraph.planning.printer import print_plan
from supergraph.transport.http import HttpSubgraphClient, new_session
from tests.supergraph.tiny_subgraph import TinySubgraph, serve_subgraphs


def compose_subgraphs(subgraphs: list[TinySubgraph]) -> str:
    """The supergraph of the subgraphs (their URLs as they are now)."""
    sources = [SubgraphSource(s.name, s.url or f"http://{s.name}.invalid/graphql", s.full_sdl) for s in subgraphs]
    result = compose(sources)
    assert result.supergraph_sdl is not None, [e.message for e in result.errors]
    return result.supergraph_sdl


def plan_text(supergraph_sdl: str, query: str, operation_name: str | None = None) -> str:
    """The printed plan of an operation, for inline snapshots."""
    supergraph = Supergraph(supergraph_sdl)
    operation = normalize(parse(query), operation_name)
    return print_plan(plan_operation(supergraph.model, operation))


def dedent(text: str) -> str:
    return textwrap.dedent(text).strip()


@dataclass
class Federation:
    """Running subgraphs and a gateway over them."""

    subgraphs: dict[str, TinySubgraph]
    supergraph_sdl: str
    gateway: Gateway

    async def execute(self, query: str, variables: dict | None = None, **kwargs: Any) -> dict:
        request = GraphQLRequest(query=query, variables=variables, **kwargs)
        response = await self.gateway.handle(request)
        return response.body

    def plan(self, query: str, operation_name: str | None = None) -> str:
        return plan_text(self.supergraph_sdl, query, operation_name)

    def reset(self) -> None:
        for subgraph in self.subgraphs.values():
            subgraph.requests.clear()


@contextlib.asynccontextmanager
async def federation(
    subgraphs: list[TinySubgraph], options: GatewayOptions | None = None, timeout: float = 5.0
) -> AsyncIterator[Federation]:
    """Start the subgraphs on ephemeral ports and a gateway (in process) over them."""
    async with serve_subgraphs(subgraphs):
        sdl = compose_subgraphs(subgraphs)
        supergraph = Supergraph(sdl)
        session = new_session()
        try:
            clients = {
                name: HttpSubgraphClient(name, url, session, timeout)
                for name, url in supergraph.subgraph_urls().items()
            }
            gateway = Gateway(supergraph, clients, options or GatewayOptions())
            yield Federation({s.name: s for s in subgraphs}, sdl, gateway)
        finally:
            await session.close()


@dataclass
class RunningGateway:
    """The real gateway server (uvicorn, ASGI app, lifespan) on an ephemeral port."""

    url: str  # http://127.0.0.1:<port>
    app: Any  # the GatewayApp, to look at its runtime
    server: Any  # the GatewayServer
    task: Any

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/graphql"

    async def stop(self) -> None:
        """Shut down as on SIGTERM."""
        self.server.should_exit = True
        await self.task


@contextlib.asynccontextmanager
async def running_gateway(supergraph_path: str, **settings: Any) -> AsyncIterator[RunningGateway]:
    import asyncio

    from supergraph.server import create_app
    from supergraph.server.serving import GatewayServer, uvicorn_config
    from supergraph.server.settings import GatewaySettings

    gateway_settings = GatewaySettings(supergraph=supergraph_path, host="127.0.0.1", port=free_port(), **settings)
    app = create_app(gateway_settings)
    server = GatewayServer(uvicorn_config(app, gateway_settings), app)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    running = RunningGateway(f"http://127.0.0.1:{gateway_settings.port}", app, server, task)
    try:
        yield running
    finally:
        if not task.done():
            await running.stop()


@contextlib.asynccontextmanager
async def gateway_server(supergraph_path: str, **settings: Any) -> AsyncIterator[str]:
    """The real gateway server on an ephemeral port; its base URL."""
    async with running_gateway(supergraph_path, **settings) as running:
        yield running.url


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
