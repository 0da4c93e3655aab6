"""A consumer killed while it catches up after a broker outage loses nothing and doubles nothing.

Distributed, on a RabbitMQ virtual host of its own reached through a TCP forwarder: the broker is cut while an agent
writes five replies and moves the ticket on five times (they wait in the tickets service's outbox), let back, and
while notifications and chat work through the backlog both are killed (`kill -9`) in the middle of a transaction,
its writes made and its commit not yet sent (a failpoint holds each there, so the kill lands inside it every run),
and started again. The database keeps a dead process's transaction open for its lifetime (60 s) unless a live
instance ends it (the restarted one does, within seconds: subgraphs/kernel/orphans.py), so every retry of the held
event, and in chat of each later event of the same ticket, meets a write conflict until then. After that
the customer has exactly one in-app notification and one mail (one Message-ID) per reply, chat has folded every
move into its read model and written one system message for each (a reply leaves chat's view as it was: chat
declines it), and no dead-letter queue holds anything: a conflict with a dead process's transaction is retried
until that transaction is gone, never dead-lettered as if the event were poison.
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

from subgraphs.kernel.events.topology import namespace_of, whole_topology
from subgraphs.kernel.ids import new_id
from subgraphs.notifications import store as notifications_store
from tests.fixtures.forwarder import Forwarder
from tests.integration.processes import Deployment, answered, deployed, own_vhost, ticket_on

pytestmark = pytest.mark.amqp

REPLY = """mutation($t: ID!, $b: String!, $k: String) {
  addTicketComment(ticketId: $t, input: {body: $b}, idempotencyKey: $k) { comment { id } } }"""
REPLIES = 5
MOVE = "mutation($t: ID!, $s: TicketStatus!, $r: String) { changeTicketStatus(id: $t, status: $s, reason: $r) { id } }"
MOVES = ("IN_PROGRESS", "ON_HOLD", "IN_PROGRESS", "ON_HOLD", "IN_PROGRESS")
# The killed consumers' retry budget: three attempts a second apart. Spent, before the rule that a passing failure
# outlasts its attempts, well inside the 60 s the dead transaction blocks the ticket's events: they were
# dead-lettered then (this test failed so), and are retried until they pass now.
BUDGET = {"EVENT_MAX_ATTEMPTS": "3", "EVENT_RETRY_DELAY_MS": "1000"}


KILLED = ("notifications", "chat")


@pytest.fixture
async def cut_deployment(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path
                         ) -> AsyncIterator[tuple[Deployment, Forwarder, str]]:
    holds = {name: {"AURONTEK_FAILPOINT_FILE": str(tmp_path / f"{name}.failpoint"), **BUDGET} for name in KILLED}
    async with own_vhost(amqp_url) as vhost:
        forwarder, through = Forwarder.to_url(vhost)
        await forwarder.start()
        try:
            async with deployed(vhost, mongo_url, http, tmp_path, broker_url=through, env=holds) as running:
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
    failpoints = {name: Path(deployment.services[name].env["AURONTEK_FAILPOINT_FILE"]) for name in KILLED}
    try:
        for name in KILLED:  # the desk's own events are behind them: the backlog is the replies
            await _folded(client[f"{deployment.database_prefix}{name}"], "ticket.assigned", 1)
        await forwarder.cut()
        run = new_id()
        replies = [f"reply [{n}]" for n in range(REPLIES)]
        try:
            for n, body in enumerate(replies):  # through the gateway: the tickets service stores them meanwhile
                await answered(http, gateway, agent_token, REPLY, {"t": ticket["id"], "b": body, "k": f"{run}-{n}"})
            for status in MOVES:
                reason = "Waiting for the customer" if status == "ON_HOLD" else None
                await answered(http, gateway, agent_token, MOVE, {"t": ticket["id"], "s": status, "r": reason})
            for point in failpoints.values():  # the next transaction each commits is held open
                point.write_text("transaction.commit")
        finally:
            await forwarder.restore()
        began = time.monotonic()
        while not all(_reached(point).exists() for point in failpoints.values()):  # catching up now
            assert time.monotonic() - began < 60, "the consumers never started catching up"
            await asyncio.sleep(0.02)
        for name in KILLED:
            deployment.services[name].kill()
            failpoints[name].write_text("")  # the restarted process holds nothing
        for name in KILLED:
            deployment.services[name].start()
        for name in KILLED:
            await deployment.services[name].ready(http)

        deadline = time.monotonic() + 45  # well short of the 60 s the database alone keeps it open
        while await notices.count_documents(commented) < REPLIES or \
                len(_message_ids(deployment, customer.email)) < REPLIES:
            assert time.monotonic() < deadline, (await notices.count_documents(commented),
                                                 len(_message_ids(deployment, customer.email)))
            assert await _dead_letters(vhost, deployment.exchange) == {}  # no waiting for what can no longer come
            await asyncio.sleep(0.5)
        await asyncio.sleep(1.0)  # anything doubled would show now
        per_reply = await (await notices.aggregate([
            {"$match": commented}, {"$group": {"_id": "$sourceId", "n": {"$sum": 1}}}])).to_list(None)
        # chat meets the same dead transaction as notifications, and its five moves of one ticket go one at a
        # time: it has what is left of the same bound, not a fresh 30 s behind notifications
        chat = client[f"{deployment.database_prefix}chat"]
        await _folded(chat, "ticket.status_changed", len(MOVES), within=max(30.0, deadline - time.monotonic()))
        folded = await chat["processed_events"].count_documents({"type": "ticket.status_changed"})
        told = await chat["messages"].count_documents({"ticketId": ticket["id"], "kind": "system",
                                                       "system.action": "status_changed"})
    finally:
        await client.close()
    assert len(per_reply) == REPLIES and all(row["n"] == 1 for row in per_reply), per_reply
    assert len(_message_ids(deployment, customer.email)) == REPLIES
    assert folded == len(MOVES)
    assert told == len(MOVES)  # one system message per move, none twice
    assert await _dead_letters(vhost, deployment.exchange) == {}


async def _folded(db: Any, event_type: str, count: int, *, within: float = 30.0) -> None:
    """Wait until the service of `db` has handled `count` events of `event_type`."""
    deadline = time.monotonic() + within
    while await db["processed_events"].count_documents({"type": event_type}) < count:
        assert time.monotonic() < deadline, f"{db.name} handled fewer than {count} {event_type}"
        await asyncio.sleep(0.05)


def _reached(failpoint: Path) -> Path:
    return failpoint.with_name(failpoint.name + ".reached")


def _message_ids(deployment: Deployment, address: str) -> set[str]:
    return {str(m.message["Message-ID"]) for m in deployment.mail.mailbox.to(address, "ticket_commented")}


async def _dead_letters(amqp_url: str, exchange: str) -> dict[str, int]:
    """Every dead-letter queue of the deployment's topology that holds a message, with how many."""
    connection = await aio_pika.connect(amqp_url)
    found: dict[str, int] = {}
    async with connection:
        channel = await connection.channel()
        for durable in whole_topology(namespace_of(exchange)):
            try:
                queue = await channel.declare_queue(f"{durable.queue}.dead", passive=True)
            except aio_pika.exceptions.ChannelClosed:
                channel = await connection.channel()  # never declared: nothing died there
                continue
            if queue.declaration_result.message_count:
                found[queue.name] = queue.declaration_result.message_count
    return found
