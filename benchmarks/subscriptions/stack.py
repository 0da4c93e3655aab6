"""The benchmark's services, each in its own process: SecantusDB, users, tickets, chat and the gateway (and on
request notifications and the IA), on the machine's RabbitMQ, in a virtual host of the run's own (made and removed
with `rabbitmqctl`), so nothing else using the broker can touch its queues, nor it theirs.

`embedded=True` runs the product as `aurontek up` does instead: a SecantusDB for each service, and one process with
every service, the gateway and the in-process bus. Distributed, the services share one SecantusDB unless
`per_service_databases` gives each its own, as the embedded mode does. `launcher` is the module the services are
run with (`aurontek`, or the workload benchmark's instrumented wrapper of it, which writes each process's database
commands to `status-<name>.json`)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from subgraphs.kernel.embedded_mongo import EmbeddedMongo, database_dir, free_port, free_ports
from subgraphs.kernel.ids import new_id
from tests.harness import cpu_seconds

ROOT = Path(__file__).resolve().parents[2]
ROOT_EMAIL, ROOT_PASSWORD = "root@bench.test", "Bench-Platform-Passw0rd"
RETRY = {"EVENT_MAX_ATTEMPTS": "3", "EVENT_RETRY_DELAY_MS": "200"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVICES = ("users", "tickets", "chat", "notifications", "ia")


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    url: str

    def rss_mib(self) -> float:
        """Resident memory now, from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_seconds(self) -> float:
        """User plus system CPU time used so far."""
        return cpu_seconds(self.process.pid)


def rabbitmqctl(*arguments: str) -> None:
    subprocess.run(["rabbitmqctl", *arguments], check=True, capture_output=True, timeout=60)


def in_vhost(url: str, vhost: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))


@dataclass
class Stack:
    workdir: Path
    amqp_url: str
    vhost: str = field(default_factory=lambda: f"aurontek-bench-{new_id()}")
    services: dict[str, Service] = field(default_factory=dict)
    ttl_sweep: float = 0.0  # off, as the embedded mode runs it (60 s is SecantusDB's own default)
    mongo_url: str = ""  # set: the services use this MongoDB (distributed only) instead of a SecantusDB of the stack's
    prefix: str = field(default_factory=lambda: f"bench{new_id()[-6:]}_")
    mongo_options: str = ""  # appended to the services' MONGODB_URL, e.g. "&maxPoolSize=16"
    notifications: bool = False  # the notifications service too (mail to .eml files in the work directory)
    ia: bool = False  # the IA service too (its sentence model on the CPU)
    embedded: bool = False  # everything in one `aurontek up` process, on the in-process bus
    launcher: str = "aurontek"
    ports: dict[str, int] = field(default_factory=dict)  # embedded: each subgraph's port in the one process
    per_service_databases: bool = False  # distributed: a SecantusDB for each service (embedded: always)
    database_urls: dict[str, str] = field(default_factory=dict)  # the server of each service that has its own

    def database_url(self, service: str) -> str:
        """The server holding `service`'s database."""
        return self.database_urls.get(service, self.mongo_url)

    def databases(self, **options: object) -> Databases:
        """Every service's database, for the benchmark to read (close it after)."""
        return Databases(self, options)

    def url(self, name: str) -> str:
        if name in self.ports:
            return f"http://127.0.0.1:{self.ports[name]}"
        return self.services[name].url

    def status_file(self, name: str) -> Path:
        return self.workdir / f"status-{name}.json"

    def env(self, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "CHAT_"))}
        return {**base, "PYTHONPATH": str(ROOT), "MONGODB_URL": self.mongo_url + self.mongo_options,
                "MONGODB_DATABASE_PREFIX": self.prefix,
                "AMQP_URL": in_vhost(self.amqp_url, self.vhost), "AURONTEK_DATA_DIR": str(self.workdir),
                "LOG_LEVEL": "WARNING", "AURONTEK_ENV": "test", **RETRY, **extra}

    async def start(self) -> None:
        if self.embedded:
            await self._embedded()
            return
        rabbitmqctl("add_vhost", self.vhost)
        rabbitmqctl("set_permissions", "-p", self.vhost, urlsplit(self.amqp_url).username or "guest", ".*", ".*", ".*")
        if self.per_service_databases and not self.mongo_url:
            await self._databases(self.workdir, SERVICES)
        elif not self.mongo_url:
            await self._database()
        await self._subgraph("users", AURONTEK_ADMIN_EMAIL=ROOT_EMAIL, AURONTEK_ADMIN_PASSWORD=ROOT_PASSWORD,
                             ACCESS_TOKEN_TTL_SECONDS="3600", PASSWORD_HASH_MEMORY_KIB="1024",
                             PASSWORD_HASH_TIME_COST="1")
        jwks = f"{self.url('users')}/.well-known/jwks.json"
        await self._subgraph("tickets", AUTH_JWKS_URL=jwks, SLA_SCAN_INTERVAL_SECONDS="3600")
        # Many people of a ticket write in it: the limit stays on, generous enough for the offered load.
        await self._subgraph("chat", AUTH_JWKS_URL=jwks, CHAT_RATE_LIMIT_MESSAGES="100")
        names: tuple[str, ...] = ("users", "tickets", "chat")
        if self.notifications:
            await self._subgraph("notifications", AUTH_JWKS_URL=jwks)
            names += ("notifications",)
        if self.ia:
            await self._subgraph("ia", AUTH_JWKS_URL=jwks)
            names += ("ia",)
        subgraphs = ",".join(f"{n}={self.url(n)}/graphql" for n in names)
        await self._launch("gateway", "/health", GATEWAY_SUBGRAPHS=subgraphs, AUTH_JWKS_URL=jwks,
                           GATEWAY_POLL_INTERVAL="3600")

    async def _embedded(self) -> None:
        """`aurontek up` on the database this stack starts (it uses the server it finds running in its data
        directory), with the settings the distributed stack gives each service."""
        data = self.workdir / "data"
        names = SERVICES
        await self._databases(data, names)
        *chosen, port = free_ports(len(names) + 1)  # the gateway's too, chosen together: never one port twice
        self.ports = dict(zip(names, chosen, strict=True))
        settings = {f"{name.upper()}_PORT": str(each) for name, each in self.ports.items()}
        log = open(self.workdir / "aurontek.log", "wb")  # the child writes to it for its whole life
        process = subprocess.Popen(
            [sys.executable, "-m", self.launcher, "up", "--data-dir", str(data), "--port", str(port)], cwd=ROOT,
            env=self.env(**settings, BENCH_STATUS_FILE=str(self.status_file("aurontek")),
                         AURONTEK_ADMIN_EMAIL=ROOT_EMAIL, AURONTEK_ADMIN_PASSWORD=ROOT_PASSWORD,
                         ACCESS_TOKEN_TTL_SECONDS="3600", PASSWORD_HASH_MEMORY_KIB="1024", PASSWORD_HASH_TIME_COST="1",
                         SLA_SCAN_INTERVAL_SECONDS="3600", CHAT_RATE_LIMIT_MESSAGES="100"),
            stdout=log, stderr=subprocess.STDOUT)
        self.services["aurontek"] = Service("aurontek", process, f"http://127.0.0.1:{port}")
        self.ports["gateway"] = port
        await _wait_ready(self.services["aurontek"], "/health", seconds=120)

    async def _database(self, directory: Path | None = None) -> None:
        """SecantusDB as the embedded mode runs it; its own TTL sweeper every `ttl_sweep` seconds (0: off).

        The sweeper reads every document of every TTL-indexed collection under the server's global
        lock (the outbox keeps 14 days), so each pass stalls all writes for longer as data grows; the
        services delete their expired rows by index instead (subgraphs/kernel/expiry.py).
        """
        database = EmbeddedMongo(directory or self.workdir / "db", ttl_sweep_seconds=self.ttl_sweep)
        self.mongo_url = await database.start(timeout=60)
        assert database.process is not None
        self.services["database"] = Service("database", database.process, self.mongo_url)

    async def _databases(self, data: Path, names: tuple[str, ...]) -> None:
        """A SecantusDB for each service, where `aurontek up` keeps it (`database_dir`), started together."""
        ports = free_ports(len(names))  # chosen together: never one port twice
        servers = [EmbeddedMongo(database_dir(data, n), port=p, ttl_sweep_seconds=self.ttl_sweep)
                   for n, p in zip(names, ports, strict=True)]
        urls = await asyncio.gather(*(server.start(timeout=60) for server in servers))
        for name, server, url in zip(names, servers, urls, strict=True):
            assert server.process is not None
            self.database_urls[name] = url
            self.services[f"database {name}"] = Service(f"database {name}", server.process, url)
        self.mongo_url = self.mongo_url or urls[0]

    async def _subgraph(self, name: str, **extra: str) -> None:
        if name in self.database_urls:
            extra = {"MONGODB_URL": self.database_urls[name] + self.mongo_options, **extra}
        await self._launch(name, "/ready", **extra)

    async def _launch(self, name: str, probe: str, **extra: str) -> None:
        port = free_port()
        log = open(self.workdir / f"{name}.log", "wb")  # the child writes to it for its whole life
        process = subprocess.Popen([sys.executable, "-m", self.launcher, "serve", name, "--port", str(port)], cwd=ROOT,
                                   env=self.env(**extra, BENCH_STATUS_FILE=str(self.status_file(name))),
                                   stdout=log, stderr=subprocess.STDOUT)
        service = Service(name, process, f"http://127.0.0.1:{port}")
        self.services[name] = service
        await _wait_ready(service, probe)

    async def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.process.send_signal(signal.SIGINT)
            try:
                service.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                service.process.kill()
        if not self.embedded:
            rabbitmqctl("delete_vhost", self.vhost)


class Databases:
    """Each service's database through a client of the server it is on (one client a server)."""

    def __init__(self, stack: Stack, options: dict[str, object]) -> None:
        self.stack = stack
        urls = {stack.database_url(n) for n in SERVICES}
        self.clients: dict[str, AsyncMongoClient[dict[str, object]]] = {
            url: AsyncMongoClient(url, **options) for url in urls}  # type: ignore[arg-type]

    def __getitem__(self, service: str) -> AsyncDatabase[dict[str, object]]:
        return self.clients[self.stack.database_url(service)][f"{self.stack.prefix}{service}"]

    @property
    def servers(self) -> list[AsyncMongoClient[dict[str, object]]]:
        return list(self.clients.values())

    async def close(self) -> None:
        for client in self.clients.values():
            await client.close()


async def _wait_ready(service: Service, probe: str, seconds: float = 60.0) -> None:
    async with httpx.AsyncClient(timeout=1.0) as http:
        async with asyncio.timeout(seconds):
            while True:
                if service.process.poll() is not None:
                    raise SystemExit(f"{service.name} exited at start; see its log")
                try:
                    if (await http.get(service.url + probe)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
