"""A chat instance killed inside a message's transaction does not silence that ticket's chat for the database's
transaction lifetime (60 s).

Distributed, each service its own process on RabbitMQ. A failpoint holds chat with a message's writes made and its
commit not yet sent, chat is killed there (`kill -9`) and started again. The dead process's transaction still holds
the ticket's ordering document, so the next message of that ticket conflicts with it; the new chat instance sees the
dead one's register stand still, ends its sessions, and the ticket takes messages again within seconds. Meanwhile
the sender is told to try again (`SERVICE_UNAVAILABLE`), never an internal error, and the held message never lands.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from subgraphs.kernel.ids import new_id
from subgraphs.kernel.orphans import COLLECTION
from tests.integration.processes import Deployment, answered, deployed, own_vhost, ticket_on

pytestmark = pytest.mark.amqp

SEND = """mutation($t: ID!, $x: String!, $k: String) {
  sendChatMessage(ticketId: $t, text: $x, idempotencyKey: $k) { id } }"""


@pytest.fixture
async def deployment(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path
                     ) -> AsyncIterator[Deployment]:
    held = {"chat": {"AURONTEK_FAILPOINT_FILE": str(tmp_path / "chat.failpoint")}}
    async with own_vhost(amqp_url) as vhost, deployed(vhost, mongo_url, http, tmp_path, env=held) as running:
        yield running


async def test_a_ticket_takes_messages_again_within_seconds_after_chat_dies_inside_a_transaction(
        deployment: Deployment, http: httpx.AsyncClient, mongo_url: str) -> None:
    gateway = deployment.gateway.url
    desk = await ticket_on(deployment, http)
    token = desk.customer.client.token or ""
    run = new_id()
    await answered(http, gateway, token, SEND, {"t": desk.id, "x": "before", "k": f"{run}-before"})  # chat knows it

    chat = deployment.services["chat"]
    point = Path(chat.env["AURONTEK_FAILPOINT_FILE"])
    _arm(point, "transaction.commit")
    held = asyncio.create_task(http.post(f"{gateway}/graphql", json={
        "query": SEND, "variables": {"t": desk.id, "x": "held", "k": f"{run}-held"}},
        headers={"authorization": f"Bearer {token}"}, timeout=60))
    reached = point.with_name(point.name + ".reached")
    began = time.monotonic()
    while not reached.exists():
        assert time.monotonic() - began < 30, "chat never reached the held commit"
        await asyncio.sleep(0.02)
    chat.kill()
    killed = time.monotonic()
    _arm(point, "")  # the restarted process holds nothing
    with contextlib.suppress(httpx.HTTPError):
        await held  # its answer died with chat
    chat.start()
    await chat.ready(http)

    codes: list[str] = []
    while True:  # the next message of the same ticket, sent as a client retries it
        response = await http.post(f"{gateway}/graphql", json={
            "query": SEND, "variables": {"t": desk.id, "x": "after", "k": f"{run}-after"}},
            headers={"authorization": f"Bearer {token}"}, timeout=30)
        body = response.json()
        if body.get("data") and not body.get("errors"):
            break
        codes += [e["extensions"]["code"] for e in body["errors"]]
        assert time.monotonic() - killed < 40, codes  # the database alone would hold the ticket for 60 s
        await asyncio.sleep(0.2)
    recovered = time.monotonic() - killed
    print(f"the ticket took messages again {recovered:.1f} s after the kill; refusals meanwhile: {codes}")
    assert set(codes) <= {"SERVICE_UNAVAILABLE"}, codes  # "try again", not an internal error

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        chat_db = client[f"{deployment.database_prefix}chat"]
        texts = [m["text"] for m in await chat_db["messages"].find(
            {"ticketId": desk.id, "kind": {"$ne": "system"}}).sort("seq", 1).to_list(None)]
        registers = await chat_db[COLLECTION].count_documents({})
    finally:
        await client.close()
    assert texts == ["before", "after"]  # the held message died with its transaction; the next one is stored once
    assert registers == 1  # the dead instance's register went with its sessions


def _arm(failpoint: Path, point: str) -> None:
    failpoint.write_text(point)
