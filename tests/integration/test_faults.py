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
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from subgraphs.kernel.ids import new_id
from tests.integration.processes import Deployment, answered, deployed, own_vhost, ticket_on
from tests.supergraph.ws_client import connect, listening

pytestmark = pytest.mark.amqp

MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
SEND = """mutation($t: ID!, $x: String!, $k: String) {
  sendChatMessage(ticketId: $t, text: $x, idempotencyKey: $k) { id } }"""
REPLY = """mutation($t: ID!, $b: String!, $k: String) {
  addTicketComment(ticketId: $t, input: {body: $b}, idempotencyKey: $k) { comment { id } } }"""
TABS = 8


@pytest.fixture
async def deployment(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path
                     ) -> AsyncIterator[Deployment]:
    async with own_vhost(amqp_url) as vhost, deployed(vhost, mongo_url, http, tmp_path) as running:
        yield running


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
    desk = await ticket_on(deployment, http)
    ticket, customer = {"id": desk.id}, desk.customer
    agent_token, customer_token = desk.agent.client.token or "", desk.customer.client.token or ""
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
