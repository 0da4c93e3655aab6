"""Shared test harness: real servers on real sockets, started and stopped by fixtures."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import os
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from pymongo import monitoring

from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.embedded_mongo import free_port
from subgraphs.kernel.events.bus import EventBus
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.http import SERVER_OPTIONS, create_app
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.runtime import Runtime
from subgraphs.kernel.settings import load_settings

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


T = TypeVar("T")


async def in_unit(db: Database, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run a consumer's handler (or any `work`) in a transaction as a service does, through `Outbox.transaction`:
    the writes it defers are sent at its end, and the events it emits are stored in `db`'s outbox (not relayed)."""
    return await Outbox(db, InProcessBus()).transaction(work)


class InTransactions(monitoring.CommandListener):
    """The names of the commands a client sent inside transactions."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if "txnNumber" in event.command and "autocommit" in event.command:
            self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def cpu_seconds(pid: int) -> float:
    """The processor time a process has used so far, all its threads, user and system (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reachable(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


class GraphQLError(AssertionError):
    pass


@dataclass
class Result:
    data: dict[str, Any] | None
    errors: list[dict[str, Any]]
    status: int

    def ok(self) -> dict[str, Any]:
        if self.errors:
            raise GraphQLError(f"unexpected errors: {self.errors}")
        assert self.data is not None
        return self.data

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def code(self) -> str:
        assert self.errors, f"expected an error, got data {self.data}"
        return self.codes[0]


_sources = itertools.count(1)


def new_source_ip() -> str:
    """A distinct client address, sent as X-Forwarded-For (the services trust loopback as a proxy),
    so per-source limits such as the login lockout see each test client as its own machine."""
    n = next(_sources)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


class Client:
    """A GraphQL-over-HTTP client bound to one service URL and, optionally, one token.

    Each new client (not its `as_` copies) comes from its own source address.
    """

    def __init__(self, http: httpx.AsyncClient, url: str, token: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.http = http
        self.url = url
        self.token = token
        self.headers = headers if headers is not None else {"x-forwarded-for": new_source_ip()}

    def as_(self, token: str | None, **headers: str) -> Client:
        return Client(self.http, self.url, token, {**self.headers, **headers})

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Result:
        sent = {**self.headers, **headers}
        if self.token:
            sent["authorization"] = f"Bearer {self.token}"
        response = await self.http.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}},
                                        headers=sent)
        body = response.json()
        return Result(body.get("data"), body.get("errors") or [], response.status_code)


@dataclass
class RunningService:
    runtime: Runtime
    url: str
    server: uvicorn.Server
    task: asyncio.Task[None]
    client: Client

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


async def start_service(definition: SubgraphDefinition, *, mongo_url: str, http: httpx.AsyncClient,
                        bus: EventBus | None = None, port: int | None = None, **overrides: Any) -> RunningService:
    """Run `definition` on a free port in this event loop, against `mongo_url`."""
    overrides.setdefault("mongodb_database_prefix", f"t{new_id()[-8:]}_")
    overrides.setdefault("environment", "test")
    settings = load_settings(definition.settings_class, mongodb_url=mongo_url, **overrides)
    port = port or free_port()
    runtime = Runtime(definition, settings, host="127.0.0.1", port=port, bus=bus)
    config = uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, **SERVER_OPTIONS)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            raise RuntimeError("the service failed to start; see the log above")
        await asyncio.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    return RunningService(runtime, url, server, task, Client(http, url))


Check = Callable[[], Awaitable[object] | object]


async def eventually(check: Check, *, timeout: float = 10.0, what: str = "condition", interval: float = 0.02
                     ) -> None:
    """Poll `check` (plain or async) every `interval` seconds until it holds (its result is true); fail naming
    `what` once `timeout` seconds have passed, cutting short a check still running then. An error a check raises
    (its own TimeoutError too) goes to the caller as it is."""
    deadline = asyncio.get_running_loop().time() + timeout
    limit = asyncio.timeout_at(deadline)
    try:
        async with limit:
            while True:
                result = check()
                if inspect.isawaitable(result):
                    result = await result
                if result:
                    return
                await asyncio.sleep(interval)
    except TimeoutError:
        if not limit.expired():
            raise
        raise AssertionError(f"{what} not met within {timeout}s") from None


async def settle(bus: InProcessBus, services: Iterable[RunningService], *,
                 also: Callable[[], Awaitable[bool]] | None = None, timeout: float = 10.0,
                 what: str = "every event relayed and handled") -> None:
    """Wait until every event `services` wrote so far is relayed to `bus` and handled there: no outbox row of theirs
    pending, the bus drained, and still none pending after the drain (a handler may write events of its own).
    `also`, checked after the drain, is any further work that must be done (work the events queued); events it
    wrote must be relayed and handled as well."""
    services = list(services)

    async def pending() -> int:
        return sum([await service.runtime.outbox.pending() for service in services])

    async def quiet() -> bool:
        if await pending():
            return False
        await bus.drain()
        if also is not None and not await also():
            return False
        # Work `also` waited for may have written events and had them relayed since the drain: they are not pending
        # any more, but on the bus, and must be handled too.
        return await pending() == 0 and not any(bus.backlog().values())

    await eventually(quiet, timeout=timeout, what=what, interval=0.01)
