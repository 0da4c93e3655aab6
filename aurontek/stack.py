"""The whole product in one process: embedded database, in-process bus, every built subgraph on
its own port, and the gateway in front. The gateway calls the subgraphs' apps directly for queries and mutations;
subscriptions, uploads and files go over WebSocket/HTTP to their ports as in the distributed mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from aurontek.commands.serve import SUBGRAPHS
from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.embedded_mongo import EmbeddedMongo, database_dir, free_ports
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.http import SERVER_OPTIONS, create_app
from subgraphs.kernel.runner import load_definition
from subgraphs.kernel.runtime import Runtime
from subgraphs.kernel.settings import DEFAULT_PORTS, ServiceSettings, load_settings

log = logging.getLogger("aurontek.up")
Progress = Callable[[str], None]
# the web app's trusted documents (./scripts/codegen), served by hash when the repository is at hand
MANIFEST = Path(__file__).resolve().parents[1] / "schema" / "persisted-documents.json"
# What makes a service slow to start, told before it starts (the wait is otherwise unexplained).
SLOW_STARTS = {"ia": "loading its sentence model (MiniLM, on the CPU; 5-20 s)"}
# How long the gateway may take to compose the subgraphs' schemas once it listens (it asks each for its SDL).
COMPOSE_SECONDS = 60


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to the stack, which stops every server in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def built_definitions() -> list[SubgraphDefinition]:
    definitions = []
    for name in SUBGRAPHS:
        with contextlib.suppress(SystemExit):  # not part of this build yet
            definitions.append(load_definition(name))
    return definitions


@dataclass
class Stack:
    data_dir: Path
    host: str = "127.0.0.1"
    gateway_port: int = 3000
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    progress: Progress = print
    settings_overrides: dict[str, Any] = field(default_factory=dict)
    _servers: list[tuple[str, uvicorn.Server, asyncio.Task[None]]] = field(default_factory=list)
    _databases: dict[Path, EmbeddedMongo] = field(default_factory=dict)
    _apps: dict[str, Any] = field(default_factory=dict)  # each subgraph's URL -> its ASGI app, for the gateway
    _bus: InProcessBus | None = None

    @property
    def bus(self) -> InProcessBus | None:
        """The in-process bus every service shares (None until started)."""
        return self._bus

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"

    async def start(self) -> None:
        began = time.monotonic()
        definitions = built_definitions()
        self.progress(f"starting the databases (data in {self.data_dir.resolve()}) ...")
        urls = await self._start_databases([d.name for d in definitions])
        self._bus = InProcessBus(width=load_settings(ServiceSettings).event_concurrency)
        await self._bus.start()
        for definition in definitions:
            await self._start_subgraph(definition, urls[definition.name])
        await self._start_gateway()
        self.progress(f"ready in {time.monotonic() - began:.1f}s")

    async def _start_databases(self, services: list[str]) -> dict[str, str]:
        """Each service's own embedded database (`database_dir`), started together; its URL by service."""
        places = {name: database_dir(self.data_dir, name) for name in services}
        distinct = list(dict.fromkeys(places.values()))  # one server, shared, in a data directory from before
        for place, port in zip(distinct, free_ports(len(distinct)), strict=True):  # chosen together: never one twice
            self._databases[place] = EmbeddedMongo(place, port=port)
        started = await asyncio.gather(*(database.start() for database in self._databases.values()))
        urls = dict(zip(self._databases, started, strict=True))
        return {name: urls[place] for name, place in places.items()}

    async def _start_subgraph(self, definition: SubgraphDefinition, mongo_url: str) -> None:
        began = time.monotonic()
        port = self.ports[definition.name]
        why = SLOW_STARTS.get(definition.name)
        self.progress(f"starting {definition.name} on :{port}{f', {why}' if why else ''} ...")
        # file links point at the gateway, which relays /files/<service>/ here (unless PUBLIC_URL says otherwise)
        public = {} if os.environ.get("PUBLIC_URL") else {"public_url": self.gateway_url}
        settings: ServiceSettings = load_settings(
            definition.settings_class, mongodb_url=mongo_url, data_dir=self.data_dir,
            **{**public, **self.settings_overrides},
        )
        runtime = Runtime(definition, settings, host=self.host, port=port, bus=self._bus)
        app = create_app(runtime)
        await self._serve(definition.name, app, port)
        self._apps[self._graphql_url(port)] = app
        self.progress(f"  {definition.name} ready ({time.monotonic() - began:.1f}s)")

    async def _start_gateway(self) -> None:
        from supergraph.server import create_app as create_gateway
        from supergraph.server.settings import GatewaySettings

        self.progress(f"starting the gateway on :{self.gateway_port} ...")
        listing = ",".join(
            f"{name}={self._graphql_url(port)}" for name, port in self.ports.items()
            if name in {d.name for d in built_definitions()}
        )
        documents: dict[str, Any] = {}
        if not os.environ.get("GATEWAY_PERSISTED_DOCUMENTS") and MANIFEST.is_file():
            documents["persisted_documents"] = str(MANIFEST)  # the app's trusted documents served by hash; any text too
        # the gateway calls the subgraphs' apps in this process for queries and mutations (they still listen on
        # their ports for subscriptions, uploads, files, probes and anyone else)
        app = create_gateway(GatewaySettings(subgraphs=listing, host=self.host, port=self.gateway_port, **documents),
                             events=self._bus.live if self._bus is not None else None, in_process=self._apps)
        await self._serve("gateway", app, self.gateway_port)
        # the gateway composes its supergraph in the background (its /health answers at once): the stack is ready
        # once GraphQL is served, not before (a first request would be told "no supergraph yet")
        try:
            await asyncio.wait_for(app.runtime.composed.wait(), COMPOSE_SECONDS)
        except TimeoutError:
            raise SystemExit(f"the gateway composed no supergraph within {COMPOSE_SECONDS} s; see the log above"
                             ) from None

    def _graphql_url(self, port: int) -> str:
        """A subgraph's GraphQL endpoint, as the gateway lists it and finds its app by."""
        return f"http://{self.host}:{port}/graphql"

    async def _serve(self, name: str, app: Any, port: int) -> None:
        config = uvicorn.Config(app, host=self.host, port=port, access_log=False, **SERVER_OPTIONS)
        server = _QuietServer(config)
        task = asyncio.create_task(server.serve(), name=f"serve:{name}")
        while not server.started:
            if task.done():
                with contextlib.suppress(BaseException):
                    task.result()
                raise SystemExit(f"{name} failed to start on port {port}; see the log above")
            await asyncio.sleep(0.02)
        self._servers.append((name, server, task))

    async def stop(self) -> None:
        """Stop in reverse order: gateway first, database last."""
        for name, server, task in reversed(self._servers):
            server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, timeout=15)
            log.info("%s stopped", name)
        self._servers.clear()
        self._apps.clear()
        if self._bus is not None:
            await self._bus.close()
        for database in self._databases.values():
            database.stop()
        self._databases.clear()
