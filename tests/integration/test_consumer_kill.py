"""A consumer killed while it catches up after a broker outage loses nothing and doubles nothing.

Distributed, on a RabbitMQ virtual host of its own reached through a TCP forwarder: the broker is cut while an agent
writes twenty replies (they wait in the tickets service's outbox), let back, and while notifications and chat work
through the backlog both are killed (`kill -9`, likely in the middle of a transaction, which the database keeps
open for its lifetime) and started again. After that the customer has exactly one in-app notification and one
mail (one Message-ID) per reply, chat's read model has every reply's ticket change, and no dead-letter queue holds
anything: a conflict with a dead process's transaction is retried until that transaction is gone, never
dead-lettered as if the event were poison.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest
from pymongo import AsyncMongoClient

from subgraphs.kernel.events.topology import whole_topology
from subgraphs.kernel.ids import new_id
from subgraphs.notifications import store as notifications_store
from tests.fixtures.forwarder import Forwarder
from tests.integration.processes import Deployment, answered, deployed, own_vhost, ticket_on

pytestmark = pytest.mark.amqp

REPLY = """mutation($t: ID!, $b: String!, $k: String) {
  addTicketComment(ticketId: $t, input: {body: $b}, idempotencyKey: $k) { comment { id } } }"""
REPLIES = 20


@pytest.fixture
async def cut_deployment(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path
                         ) -> AsyncIterator[tuple[Deployment, Forwarder, str]]:
    async with own_vhost(amqp_url) as vhost:
        forwarder, through = Forwarder.to_url(vhost)
        await forwarder.start()
        try:
            async with deployed(vhost, mongo_url, http, tmp_path, broker_url=through) as running:
                yield running, forwarder, vhost
        finally:
            await forwarder.stop()


async def test_a_consumer_killed_while_it_catches_up_loses_and_doubles_nothing(
        cut_deployment: tuple[Deployment, Forwarder, str], http: httpx.AsyncClient, mongo_url: str) -> None:
    deployment, forwarder, vhost = cut_deployment
    gateway = deployment.gateway.url
    desk = await ticket_on(deployment, http)
    ticket, customer, agent_token = {"id": desk.id}, desk.customer, desk.agent.client.token or ""

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    notices = client[f"{deployment.database_prefix}notifications"][notifications_store.NOTIFICATIONS]
    commented = {"recipientId": customer.id, "kind": "ticket_commented"}
    try:
        await forwarder.cut()
        run = new_id()
        replies = [f"reply [{n}]" for n in range(REPLIES)]
        try:
            for n, body in enumerate(replies):  # through the gateway: the tickets service stores them meanwhile
                await answered(http, gateway, agent_token, REPLY, {"t": ticket["id"], "b": body, "k": f"{run}-{n}"})
        finally:
            await forwarder.restore()
        began = time.monotonic()
        while await notices.count_documents(commented) < 3:  # the consumers are catching up now
            assert time.monotonic() - began < 60, "notifications never started catching up"
            await asyncio.sleep(0.02)
        for name in ("notifications", "chat"):
            deployment.services[name].kill()
        for name in ("notifications", "chat"):
            deployment.services[name].start()
        for name in ("notifications", "chat"):
            await deployment.services[name].ready(http)

        deadline = time.monotonic() + 150  # past the 60 s a killed process's transaction stays open
        while await notices.count_documents(commented) < REPLIES or \
                len(_message_ids(deployment, customer.email)) < REPLIES:
            assert time.monotonic() < deadline, (await notices.count_documents(commented),
                                                 len(_message_ids(deployment, customer.email)))
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # anything doubled would show now
        per_reply = await (await notices.aggregate([
            {"$match": commented}, {"$group": {"_id": "$sourceId", "n": {"$sum": 1}}}])).to_list(None)
    finally:
        await client.close()
    assert len(per_reply) == REPLIES and all(row["n"] == 1 for row in per_reply), per_reply
    assert len(_message_ids(deployment, customer.email)) == REPLIES
    assert await _dead_letters(vhost) == {}


def _message_ids(deployment: Deployment, address: str) -> set[str]:
    return {str(m.message["Message-ID"]) for m in deployment.mail.mailbox.to(address, "ticket_commented")}


async def _dead_letters(amqp_url: str) -> dict[str, int]:
    """Every dead-letter queue of the topology that holds a message, with how many."""
    connection = await aio_pika.connect(amqp_url)
    found: dict[str, int] = {}
    async with connection:
        channel = await connection.channel()
        for durable in whole_topology():
            try:
                queue = await channel.declare_queue(f"{durable.queue}.dead", passive=True)
            except aio_pika.exceptions.ChannelClosed:
                channel = await connection.channel()  # never declared: nothing died there
                continue
            if queue.declaration_result.message_count:
                found[queue.name] = queue.declaration_result.message_count
    return found
