"""A distributed deployment for fault tests: every service its own `aurontek serve` process (users, tickets, chat,
notifications, the IA when asked for, and the gateway), on one database and one RabbitMQ, mail to a local SMTP
server; each process can be killed outright (`kill -9`) and started again on its port. With `replicas=2` every
service runs twice: instance `i` of each subgraph, and gateway `i` composing exactly those (one URL per subgraph).
`own_vhost` gives a deployment a RabbitMQ virtual host of its own, so its queues meet no other test's."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika
import httpx

from subgraphs.kernel.ids import new_id
from tests.fixtures.topology import delete_topology, topology_queues
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, Factory, Person, sign_in
from tests.harness import Client, free_port
from tests.subgraphs.notifications.mailserver import MailServer
from tests.subgraphs.tickets.harness import ASSIGN, CREATE_ITEM, CREATE_TICKET, item_input

ROOT = Path(__file__).resolve().parents[2]
RETRY_DELAY_MS = 100
MAX_ATTEMPTS = 8
PERMANENT = {"BAD_USER_INPUT", "FORBIDDEN", "UNAUTHENTICATED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"}
SERVICES = ("users", "tickets", "chat", "notifications", "gateway")
# Every test deployment's IA: no background training (a test that wants a classifier asks for it)
IA_ENV = {"IA_TRAIN_DEBOUNCE_SECONDS": "3600"}


EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")


def service_port() -> int:
    """A free port below the ephemeral range (where `free_port`'s come from, and every outgoing connection's): a
    service binds its port only once started (the IA loads its model first), and an outgoing connection on this
    machine may take an ephemeral port meanwhile."""
    low = int(EPHEMERAL.read_text().split()[0]) if EPHEMERAL.exists() else 32768
    for _ in range(100):
        port = random.randrange(max(1024, low - 10_000), low)
        if port in _HANDED_OUT:  # free now, but another service of this run may not have bound it yet
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            _HANDED_OUT.add(port)
            return port
    return free_port()


_HANDED_OUT: set[int] = set()  # every port `service_port` gave in this test run


@dataclass
class Process:
    """One service run as `aurontek serve`, its output in a log file; killed outright or stopped."""

    name: str
    port: int
    env: dict[str, str] = field(repr=False)
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "aurontek", "serve", self.name, "--port",
                                             str(self.port)], cwd=ROOT, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT)

    async def ready(self, http: httpx.AsyncClient, *, timeout: float = 60.0) -> None:
        path = "/health" if self.name == "gateway" else "/ready"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()[-3000:]
            with contextlib.suppress(httpx.TransportError):
                answer = await http.get(self.url + path)
                if answer.status_code == 200 and answer.json().get("supergraph", True):
                    return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} not ready in {timeout}s: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()


def stop_all(processes: list[Process], *, grace: float = 20.0) -> None:
    """Ask every process to stop at once (SIGINT), wait for them together, and kill those still running after
    `grace` seconds."""
    running = [p.process for p in processes if p.process is not None and p.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + grace
    for process in running:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Deployment:
    services: dict[str, Process]  # instance 0 of each service
    database_prefix: str
    mail: MailServer
    exchange: str
    instances: list[dict[str, Process]] = field(default_factory=list)  # [i]: instance i of each, gateway i too

    @property
    def gateway(self) -> Process:
        return self.services["gateway"]

    async def restart(self, name: str, http: httpx.AsyncClient) -> None:
        """`kill -9`, then start again on the same port."""
        service = self.services[name]
        service.kill()
        service.start()
        await service.ready(http)


@contextlib.asynccontextmanager
async def deployed(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path, *,
                   broker_url: str | None = None, env: dict[str, dict[str, str]] | None = None, replicas: int = 1,
                   ia: bool = False) -> AsyncIterator[Deployment]:
    """The services on `amqp_url` (through `broker_url`, a forwarder to it, when given), started in order and
    stopped afterwards; their queues go with the virtual host (`own_vhost`). `env` adds variables by service. With
    `replicas` > 1 each service runs that many times on the one database and exchange: instance `i` of every
    service checks tokens with users instance `i`'s key set (the instances share one key ring), and gateway `i`
    composes the subgraphs' instances `i`. `ia` adds the IA service (its sentence model loads at start)."""
    exchange, prefix = f"test.faults.{new_id()}", f"faults{new_id()[-8:]}_"
    reach = broker_url or amqp_url
    mail = MailServer().start()
    names = ("users", "tickets", "chat", "notifications", *(("ia",) if ia else ()), "gateway")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "MONGODB_", "AMQP_"))}
    common = {**inherited, "MONGODB_URL": mongo_url, "MONGODB_DATABASE_PREFIX": prefix, "AMQP_URL": reach,
              "EVENTS_EXCHANGE": exchange, "EVENT_RETRY_DELAY_MS": str(RETRY_DELAY_MS),
              "EVENT_MAX_ATTEMPTS": str(MAX_ATTEMPTS), "LOG_FORMAT": "console", "LOG_LEVEL": "WARNING",
              "AURONTEK_ENV": "test"}
    extra = env or {}
    instances: list[dict[str, Process]] = []
    for index in range(replicas):
        ports = {name: service_port() for name in names}
        jwks = f"http://127.0.0.1:{ports['users']}/.well-known/jwks.json"
        own = {
            "users": {"AURONTEK_ADMIN_EMAIL": ROOT_EMAIL, "AURONTEK_ADMIN_PASSWORD": ROOT_PASSWORD,
                      "ACCESS_TOKEN_TTL_SECONDS": "3600", **{k.upper(): str(v) for k, v in FAST_HASH.items()}},
            "tickets": {"SLA_SCAN_INTERVAL_SECONDS": "3600"},
            "chat": {"CHAT_RATE_LIMIT_MESSAGES": "10000"},
            "notifications": {"SMTP_URL": mail.url, "MAIL_RETRY_DELAY_MS": "100", "MAIL_POLL_INTERVAL_MS": "100"},
            "ia": IA_ENV,
            "gateway": {"GATEWAY_SUBGRAPHS": ",".join(f"{n}=http://127.0.0.1:{p}/graphql" for n, p in ports.items()
                                                      if n != "gateway"),
                        "GATEWAY_AMQP_URL": reach, "GATEWAY_EVENTS_EXCHANGE": exchange},
        }
        suffix = f".{index}" if index else ""
        instances.append({name: Process(name, port, {**common, "AUTH_JWKS_URL": jwks,
                                                     "AURONTEK_DATA_DIR": str(tmp_path / f"{name}{suffix}"),
                                                     **own[name], **extra.get(name, {})},
                                         tmp_path / f"{name}{suffix}.log")
                          for name, port in ports.items()})
    everything = [process for instance in instances for process in instance.values()]
    try:
        # users instance 0 before the other users instances: it makes the platform's company, administrator and
        # signing keys; the other subgraphs need none of that to start
        first = instances[0]["users"]
        subgraphs = [p for p in everything if p is not first and p.name != "gateway"]
        for process in [first, *(p for p in subgraphs if p.name != "users")]:
            process.start()
        await first.ready(http)
        for process in subgraphs:
            if process.name == "users":
                process.start()
        for process in subgraphs:
            await process.ready(http, timeout=120 if ia else 60)
        gateways = [p for p in everything if p.name == "gateway"]
        for process in gateways:
            process.start()
        for process in gateways:
            await process.ready(http)
        yield Deployment(instances[0], prefix, mail, exchange, instances)
    finally:
        stop_all(everything)
        mail.stop()
        await delete_topology(amqp_url, exchange, max_attempts=MAX_ATTEMPTS, retry_delay_ms=RETRY_DELAY_MS)


@contextlib.asynccontextmanager
async def own_vhost(amqp_url: str) -> AsyncIterator[str]:
    """`amqp_url` on a RabbitMQ virtual host made for the block (with rabbitmqctl) and deleted after it. Without
    rabbitmqctl (a broker in a CI service container) the block shares the broker's virtual host: a deployment's
    exchange of its own names its queues apart (`namespace_of`), and `deployed` deletes them afterwards."""
    if shutil.which("rabbitmqctl") is None or urlsplit(amqp_url).hostname not in ("127.0.0.1", "localhost"):
        yield amqp_url
        return
    name = f"aurontek-test-{new_id()}"
    user = urlsplit(amqp_url).username or "guest"
    await _rabbitmqctl("add_vhost", name)
    try:
        await _rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        yield urlunsplit(urlsplit(amqp_url)._replace(path="/" + quote(name, safe="")))
    finally:
        await _rabbitmqctl("delete_vhost", name)


async def queued(amqp_url: str, exchange: str) -> dict[str, int]:
    """Every queue of the deployment's topology (consumers, their retry and dead queues) that holds a message ready
    for delivery, with how many."""
    connection = await aio_pika.connect(amqp_url)
    found: dict[str, int] = {}
    async with connection:
        channel = await connection.channel()
        for name in topology_queues(exchange, max_attempts=MAX_ATTEMPTS, retry_delay_ms=RETRY_DELAY_MS):
            try:
                queue = await channel.declare_queue(name, passive=True)
            except aio_pika.exceptions.ChannelClosed:
                channel = await connection.channel()  # never declared: nothing waits there
                continue
            if queue.declaration_result.message_count:
                found[name] = queue.declaration_result.message_count
    return found


async def _rabbitmqctl(*arguments: str) -> None:
    process = await asyncio.create_subprocess_exec("rabbitmqctl", *arguments, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    if process.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(arguments)}: {output.decode(errors='replace')}")


async def answered(http: httpx.AsyncClient, url: str | Sequence[str], token: str, query: str,
                   variables: dict[str, Any], *, within: float = 30.0, tried: list[str] | None = None
                   ) -> dict[str, Any]:
    """The operation's data, sent again (same variables, so the same idempotency key) until it is answered
    without error: while the gateway or a service is away, or a read model has not caught up. Given several
    gateways, each attempt goes to the next one in turn, as a load balancer retries (the first to the first);
    `tried` collects the gateway of each attempt, the last one the gateway that answered."""
    urls = [url] if isinstance(url, str) else list(url)
    deadline = time.monotonic() + within
    last: object = None
    attempt = 0
    while time.monotonic() < deadline:
        target = urls[attempt % len(urls)]
        attempt += 1
        if tried is not None:
            tried.append(target)
        try:
            response = await http.post(f"{target}/graphql", json={"query": query, "variables": variables},
                                       headers={"authorization": f"Bearer {token}"}, timeout=10)
            body = response.json()
            if body.get("data") and not body.get("errors"):
                return body["data"]
            codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
            assert not codes & PERMANENT, body  # a refusal a retry cannot change
            last = body
        except (httpx.TransportError, ValueError) as error:
            last = error
        await asyncio.sleep(0.1)
    raise AssertionError(f"not answered within {within}s: {last}")


@dataclass
class Ticket:
    """A company's customer, agent and administrator (signed in), and a ticket of the customer's assigned to the
    agent, made through the deployment's gateway."""

    id: str
    customer: Person
    agent: Person
    admin: Person


async def ticket_on(deployment: Deployment, http: httpx.AsyncClient) -> Ticket:
    gateway = deployment.gateway.url
    root = await sign_in(Client(http, deployment.services["users"].url), email=ROOT_EMAIL, password=ROOT_PASSWORD,
                         access_code=None)
    factory = Factory(root)
    tenant = await factory.tenant()
    agent = await factory.person(tenant, "agent", careGroups=["Network"])
    customer = await factory.person(tenant, "customer")
    admin_token, customer_token = tenant.admin.client.token or "", customer.client.token or ""
    item = (await answered(http, gateway, admin_token, CREATE_ITEM, {"i": item_input()}))["createServiceItem"]
    ticket = (await answered(http, gateway, customer_token, CREATE_TICKET, {"i": {
        "itemId": item["id"], "title": "The VPN drops every hour", "description": "Since Monday."}}))["createTicket"]
    await answered(http, gateway, admin_token, ASSIGN, {"id": ticket["id"], "a": agent.id})
    return Ticket(ticket["id"], customer, agent, tenant.admin)
