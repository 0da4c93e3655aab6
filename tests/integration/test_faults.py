"""Faults as a deployment meets them: each service its own process on RabbitMQ, chat and then the gateway killed
(`kill -9`) and started again while people send and listen.

Senders retry every chat message and reply with its idempotency key until it is answered (a transport error,
or chat away, is retried); tabs resubscribe when their subscription fails and reconnect when their socket drops,
and act on the pong that says the new subscription listens. After each fault every tab hears the next message;
at the end each message and reply is stored once, and each reply's mail reached the customer under one
Message-ID, however often it was sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aio_pika
import httpx
import pytest
from pymongo import AsyncMongoClient
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from subgraphs.kernel.events.amqp import retry_queues
from subgraphs.kernel.events.topology import whole_topology
from subgraphs.kernel.ids import new_id
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, Factory, sign_in
from tests.harness import Client, free_port
from tests.subgraphs.notifications.mailserver import MailServer
from tests.subgraphs.tickets.harness import ASSIGN, CREATE_ITEM, CREATE_TICKET, item_input
from tests.supergraph.ws_client import connect, listening

pytestmark = pytest.mark.amqp
ROOT = Path(__file__).resolve().parents[2]

MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
SEND = """mutation($t: ID!, $x: String!, $k: String) {
  sendChatMessage(ticketId: $t, text: $x, idempotencyKey: $k) { id } }"""
REPLY = """mutation($t: ID!, $b: String!, $k: String) {
  addTicketComment(ticketId: $t, input: {body: $b}, idempotencyKey: $k) { comment { id } } }"""
TABS = 8
RETRY_DELAY_MS = 100
MAX_ATTEMPTS = 8
PERMANENT = {"BAD_USER_INPUT", "FORBIDDEN", "UNAUTHENTICATED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"}


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


@dataclass
class Deployment:
    services: dict[str, Process]
    database_prefix: str
    mail: MailServer

    @property
    def gateway(self) -> Process:
        return self.services["gateway"]

    async def restart(self, name: str, http: httpx.AsyncClient) -> None:
        """`kill -9`, then start again on the same port."""
        service = self.services[name]
        service.kill()
        service.start()
        await service.ready(http)


@pytest.fixture
async def deployment(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path
                     ) -> AsyncIterator[Deployment]:
    exchange, prefix = f"test.faults.{new_id()}", f"faults{new_id()[-8:]}_"
    mail = MailServer().start()
    ports = {name: free_port() for name in ("users", "tickets", "chat", "notifications", "gateway")}
    jwks = f"http://127.0.0.1:{ports['users']}/.well-known/jwks.json"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "MONGODB_", "AMQP_"))}
    common = {**inherited, "MONGODB_URL": mongo_url, "MONGODB_DATABASE_PREFIX": prefix, "AMQP_URL": amqp_url,
              "EVENTS_EXCHANGE": exchange, "EVENT_RETRY_DELAY_MS": str(RETRY_DELAY_MS),
              "EVENT_MAX_ATTEMPTS": str(MAX_ATTEMPTS), "AUTH_JWKS_URL": jwks, "LOG_FORMAT": "console",
              "LOG_LEVEL": "WARNING", "AURONTEK_ENV": "test"}
    own = {
        "users": {"AURONTEK_ADMIN_EMAIL": ROOT_EMAIL, "AURONTEK_ADMIN_PASSWORD": ROOT_PASSWORD,
                  "ACCESS_TOKEN_TTL_SECONDS": "3600", **{k.upper(): str(v) for k, v in FAST_HASH.items()}},
        "tickets": {"SLA_SCAN_INTERVAL_SECONDS": "3600"},
        "chat": {"CHAT_RATE_LIMIT_MESSAGES": "10000"},
        "notifications": {"SMTP_URL": mail.url, "MAIL_RETRY_DELAY_MS": "100", "MAIL_POLL_INTERVAL_MS": "100"},
        "gateway": {"GATEWAY_SUBGRAPHS": ",".join(f"{n}=http://127.0.0.1:{p}/graphql" for n, p in ports.items()
                                                  if n != "gateway"),
                    "GATEWAY_JWKS_URL": jwks, "GATEWAY_AMQP_URL": amqp_url, "GATEWAY_EVENTS_EXCHANGE": exchange},
    }
    services = {name: Process(name, port, {**common, "AURONTEK_DATA_DIR": str(tmp_path / name), **own[name]},
                              tmp_path / f"{name}.log") for name, port in ports.items()}
    try:
        services["users"].start()
        await services["users"].ready(http)
        for name in ("tickets", "chat", "notifications"):
            services[name].start()
        for name in ("tickets", "chat", "notifications"):
            await services[name].ready(http)
        services["gateway"].start()
        await services["gateway"].ready(http)
        yield Deployment(services, prefix, mail)
    finally:
        for service in reversed(services.values()):
            service.stop()
        mail.stop()
        await _delete_queues(amqp_url, exchange)


async def _delete_queues(amqp_url: str, exchange: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        for durable in whole_topology():
            spec = SimpleNamespace(queue=durable.queue, retry_delay_ms=RETRY_DELAY_MS, max_attempts=MAX_ATTEMPTS)
            for name in (durable.queue, f"{durable.queue}.dead", *retry_queues(spec).values()):  # type: ignore[arg-type]
                await channel.queue_delete(name)
        await channel.exchange_delete(exchange)
    finally:
        await connection.close()


async def answered(http: httpx.AsyncClient, url: str, token: str, query: str, variables: dict[str, Any], *,
                   within: float = 30.0) -> dict[str, Any]:
    """The operation's data, sent again (same variables, so the same idempotency key) until it is answered
    without error: while the gateway or a service is away, or a read model has not caught up."""
    deadline = time.monotonic() + within
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = await http.post(f"{url}/graphql", json={"query": query, "variables": variables},
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
class Tab:
    """A browser tab on the ticket's chat: resubscribes when its subscription fails, reconnects when its socket
    drops; `generation` counts the times it was told its subscription listens."""

    url: str
    token: str
    ticket: str
    heard: list[str] = field(default_factory=list)
    generation: int = 0

    async def run(self) -> None:
        while True:
            with contextlib.suppress(ConnectionClosed, InvalidHandshake, OSError, TimeoutError):
                async with connect(self.url) as socket:
                    if (await socket.init(f"Bearer {self.token}"))["type"] != "connection_ack":
                        continue
                    while True:
                        [operation] = await listening(socket, (MESSAGE_ADDED, {"t": self.ticket}))
                        self.generation += 1
                        while (message := await socket.receive(timeout=3600)).get("id") != operation or \
                                message["type"] == "next":
                            if message.get("id") == operation:
                                self.heard.append(message["payload"]["data"]["messageAdded"]["text"])
            await asyncio.sleep(0.2)


async def all_hear(tabs: list[Tab], text: str, *, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not all(text in tab.heard for tab in tabs):
        deaf = [n for n, tab in enumerate(tabs) if text not in tab.heard]
        assert time.monotonic() < deadline, f"tabs {deaf} of {len(tabs)} never heard {text!r}"
        await asyncio.sleep(0.05)


async def all_listen_again(tabs: list[Tab], before: list[int], *, within: float = 40.0) -> None:
    deadline = time.monotonic() + within
    while any(tab.generation <= seen for tab, seen in zip(tabs, before, strict=True)):
        assert time.monotonic() < deadline, "some tabs never subscribed again"
        await asyncio.sleep(0.05)


async def test_killing_chat_then_the_gateway_loses_and_doubles_nothing(deployment: Deployment,
                                                                       http: httpx.AsyncClient,
                                                                       mongo_url: str) -> None:
    began = time.monotonic()
    gateway = deployment.gateway.url
    root = await sign_in(Client(http, deployment.services["users"].url), email=ROOT_EMAIL, password=ROOT_PASSWORD,
                         access_code=None)
    factory = Factory(root)
    tenant = await factory.tenant()
    agent = await factory.person(tenant, "agent", careGroups=["Network"])
    customer = await factory.person(tenant, "customer")
    admin_token, agent_token, customer_token = (p.client.token or "" for p in (tenant.admin, agent, customer))
    item = (await answered(http, gateway, admin_token, CREATE_ITEM, {"i": item_input()}))["createServiceItem"]
    ticket = (await answered(http, gateway, customer_token, CREATE_TICKET, {"i": {
        "itemId": item["id"], "title": "The VPN drops every hour", "description": "Since Monday."}}))["createTicket"]
    await answered(http, gateway, admin_token, ASSIGN, {"id": ticket["id"], "a": agent.id})
    tokens = (customer_token, agent_token)
    run = new_id()  # idempotency keys are this run's (16 to 128 characters)

    tabs = [Tab(gateway.replace("http", "ws", 1) + "/graphql", tokens[n % 2], ticket["id"]) for n in range(TABS)]
    running = [asyncio.create_task(tab.run()) for tab in tabs]
    sent: list[str] = []
    replies: list[str] = []
    stop = asyncio.Event()

    async def customer_sends() -> None:
        for n in itertools.count():
            if stop.is_set():
                return
            text = f"customer message [{n}]"
            variables = {"t": ticket["id"], "x": text, "k": f"{run}-customer-{n}"}
            await answered(http, gateway, customer_token, SEND, variables, within=60)
            sent.append(text)
            await asyncio.sleep(0.05)

    async def agent_replies() -> None:
        for n in itertools.count():
            if stop.is_set():
                return
            body = f"agent reply [{n}]"
            await answered(http, gateway, agent_token, REPLY, {"t": ticket["id"], "b": body, "k": f"{run}-agent-{n}"},
                           within=60)
            replies.append(body)
            await asyncio.sleep(0.2)

    async def probe(name: str) -> None:
        await answered(http, gateway, agent_token, SEND, {"t": ticket["id"], "x": name, "k": f"{run}-{name}"})
        sent.append(name)
        await all_hear(tabs, name)

    senders = [asyncio.create_task(customer_sends()), asyncio.create_task(agent_replies())]
    try:
        await all_listen_again(tabs, [0] * TABS)
        await probe("probe before any fault")

        faults_began = time.monotonic()
        before = [tab.generation for tab in tabs]
        await deployment.restart("chat", http)
        await all_listen_again(tabs, before)
        await probe("probe after chat restarted")

        before = [tab.generation for tab in tabs]
        await deployment.restart("gateway", http)
        await all_listen_again(tabs, before)
        await probe("probe after the gateway restarted")
        faults_took = time.monotonic() - faults_began
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*senders), 90)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        chat = client[f"{deployment.database_prefix}chat"]
        stored = [m["text"] async for m in chat["messages"].find({"ticketId": ticket["id"], "kind": "text"})]
        comments = [c["body"] async for c in client[f"{deployment.database_prefix}tickets"]["comments"].find(
            {"ticketId": ticket["id"]})]
    finally:
        await client.close()
    assert sorted(stored) == sorted(sent), "every message sent stored, and each once"
    assert sorted(comments) == sorted(replies), "every reply stored, and each once"

    # each reply's mail to the customer: there (notifications may still be sending), under a single Message-ID
    deadline = time.monotonic() + 30
    while True:
        mails = deployment.mail.mailbox.to(customer.email, "ticket_commented")
        ids: dict[str, set[str]] = {reply: set() for reply in replies}
        for mail in mails:
            text = mail.part("plain")
            for reply in replies:
                if reply in text:
                    ids[reply].add(str(mail.message["Message-ID"]))
        if all(ids.values()) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert all(len(found) == 1 for found in ids.values()), {r: f for r, f in ids.items() if len(f) != 1}
    assert len(sent) > 3 and len(replies) > 3
    assert faults_took < 60, f"two restarts and every tab back took {faults_took:.1f}s"
    assert time.monotonic() - began < 150
