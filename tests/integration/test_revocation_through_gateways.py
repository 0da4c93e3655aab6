"""Refused everywhere within a second, through the gateways: two gateways, each over its own users and chat instance
(four replicas behind them), and two people holding a live chat subscription on each gateway. One signs out of
their session, the other is deactivated by their admin: within a second of the mutation's answer, every socket
either of them holds on either gateway is closed 4403 (the gateways follow the security events), and every
request either makes through either gateway, to a field of users and to a field of chat, is refused
UNAUTHENTICATED (each replica follows them too); a subscription they ask for afterwards fails. The admin, who
made the change, keeps both sockets and is answered everywhere."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial

import httpx
import pytest
from websockets.exceptions import ConnectionClosedError

from subgraphs.kernel.events.broadcast import LiveFeed
from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD
from tests.harness import Client, RunningService
from tests.integration.live_stack import Desk, LiveStack, eventually, live_stack
from tests.subgraphs.tickets.harness import Member
from tests.supergraph.gateway_harness import RunningGateway
from tests.supergraph.ws_client import ProtocolClient, connect

pytestmark = pytest.mark.amqp

WITHIN = 1.0  # seconds from the mutation's answer to the last refusal, on every gateway and replica
MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
FIELDS = {"users": "{ me { id } }", "chat": "{ chatPolicy { __typename } }"}  # one field of each subgraph


@pytest.fixture(scope="module")
async def stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    async with live_stack(amqp_url, mongo_url, http, chats=2) as running:
        yield running


@dataclass
class Held:
    """A person's socket on one gateway, with a subscription to the ticket's chat."""

    gateway: str
    client: ProtocolClient


@dataclass
class Refusal:
    what: str
    after: float  # seconds from the mutation's answer (0 when it came first)
    detail: str


@contextlib.asynccontextmanager
async def holding(gateways: list[RunningGateway], member: Member, ticket: str) -> AsyncIterator[list[Held]]:
    """`member` subscribed to the ticket's chat through each gateway."""
    async with contextlib.AsyncExitStack() as sockets:
        held = []
        for gateway in gateways:
            client = await sockets.enter_async_context(connect(gateway.ws_url))
            assert (await client.init(f"Bearer {member.person.client.token}"))["type"] == "connection_ack"
            await client.subscribe("chat", MESSAGE_ADDED, {"t": ticket})
            held.append(Held(gateway.url, client))
        yield held


def through(stack: LiveStack, gateway: RunningGateway, member: Member) -> Client:
    return Client(stack.http, gateway.url, member.person.client.token, member.person.client.headers)


async def answered_everywhere(stack: LiveStack, gateways: list[RunningGateway], member: Member) -> None:
    for gateway in gateways:
        for query in FIELDS.values():
            assert (await through(stack, gateway, member)(query)).ok()


async def closed(held: Held, since: list[float]) -> Refusal:
    try:
        code, reason = await held.client.closed(timeout=5)
    except TimeoutError:
        raise AssertionError(f"the socket on {held.gateway} is still open 5 s later") from None
    after = max(0.0, time.monotonic() - since[0]) if since[0] else 0.0  # closed before the answer came
    assert code == 4403, (held.gateway, code, reason)
    return Refusal(f"socket on {held.gateway}", after, str(reason))


async def refused(stack: LiveStack, gateway: RunningGateway, member: Member, field: str, since: float) -> Refusal:
    """Ask until the gateway's answer is UNAUTHENTICATED (a request on its way as the change commits may still
    pass); how long after `since` the first refusal came."""
    client = through(stack, gateway, member)
    while "UNAUTHENTICATED" not in (answer := await client(FIELDS[field])).codes:
        assert answer.data, answer.errors  # let in, until refused
        assert time.monotonic() - since < 5, f"{field} through {gateway.url} still answers"
    return Refusal(f"{field} through {gateway.url}", time.monotonic() - since, answer.errors[0]["message"])


async def refused_everywhere(stack: LiveStack, gateways: list[RunningGateway], member: Member, held: list[Held],
                             change: Member, mutation: str, variables: dict[str, str]) -> list[Refusal]:
    """`change` runs `mutation`; every socket `member` holds is closed and every request they make through either
    gateway refused. The refusals, each timed from the mutation's answer."""
    since = [0.0]  # set at the answer; a socket may close before it arrives (its wait starts first)
    sockets = [asyncio.create_task(closed(h, since)) for h in held]
    await asyncio.sleep(0)  # each waits on its socket now
    assert (await change.ok(mutation, variables))
    since[0] = time.monotonic()
    requests = [refused(stack, gateway, member, field, since[0]) for gateway in gateways for field in FIELDS]
    refusals = await asyncio.gather(*sockets, *requests)
    for gateway in gateways:  # and it stays so
        for query in FIELDS.values():
            assert (await through(stack, gateway, member)(query)).codes == ["UNAUTHENTICATED"]
    return list(refusals)


@pytest.fixture(scope="module")
async def second_users(stack: LiveStack) -> RunningService:
    """A second users replica on the stack's database and broker."""
    return await stack.start(USERS, admin_email=ROOT_EMAIL, admin_password=ROOT_PASSWORD, access_token_ttl=3600,
                             **FAST_HASH)


async def test_a_signed_out_session_and_a_deactivated_person_are_refused_through_every_gateway_within_a_second(
    stack: LiveStack, second_users: RunningService
) -> None:
    chat_a, chat_b = stack.chats
    async with stack.gateway(chat_a, users=stack.users) as gateway_a, \
            stack.gateway(chat_b, users=second_users) as gateway_b:
        gateways = [gateway_a, gateway_b]
        desk: Desk = await stack.desk(gateway_a.url)
        ticket = desk.ticket["id"]
        leaving, deactivated, admin = desk.agent, desk.customer, desk.admin
        async with holding(gateways, leaving, ticket) as leaving_held, \
                holding(gateways, deactivated, ticket) as deactivated_held, holding(gateways, admin, ticket) as kept:
            for chat in stack.chats:  # three subscriptions on each chat instance, one per person
                feed: LiveFeed = chat.runtime.state["chat"].live
                await eventually(partial(_listening, feed, ticket, 3), what="the subscriptions on chat")
            for member in (leaving, deactivated, admin):
                await answered_everywhere(stack, gateways, member)  # and known to every replica meanwhile

            signed_out = await refused_everywhere(stack, gateways, leaving, leaving_held, leaving,
                                                  "mutation { logout }", {})
            await answered_everywhere(stack, gateways, deactivated)  # another person's session is not touched
            gone = await refused_everywhere(stack, gateways, deactivated, deactivated_held, admin,
                                            "mutation($u: ID!) { deactivateUser(id: $u) { id } }",
                                            {"u": deactivated.id})

            for member, why in ((leaving, "user.signed_out"), (deactivated, "user.deactivated")):
                for gateway in gateways:  # a socket opened afterwards is refused at its connection_init
                    async with connect(gateway.ws_url) as late:
                        with pytest.raises(ConnectionClosedError) as refused:
                            await late.init(f"Bearer {member.person.client.token}")
                            await late.subscribe("late", MESSAGE_ADDED, {"t": ticket})
                            await late.receive(timeout=10)
                        assert refused.value.rcvd is not None and refused.value.rcvd.code == 4403
                        assert why in refused.value.rcvd.reason

            await answered_everywhere(stack, gateways, admin)
            await stack.member(gateway_b.url, admin.person, "company_admin").ok(SEND, {"t": ticket, "x": "Still here"})
            for held in kept:  # the admin's sockets still deliver, on both gateways
                while (message := await held.client.receive(timeout=10))["payload"]["data"]["messageAdded"][
                        "text"] != "Still here":
                    pass
                assert message["id"] == "chat"

    for refusal in (*signed_out, *gone):
        print(f"{refusal.after * 1000:7.1f} ms  {refusal.what}: {refusal.detail}")
    assert len(signed_out) == len(gone) == 2 + 2 * len(FIELDS)
    assert all("user.signed_out" in r.detail for r in signed_out[:2]), signed_out
    assert all("user.deactivated" in r.detail for r in gone[:2]), gone
    slowest = max(r.after for r in (*signed_out, *gone))
    assert slowest < WITHIN, f"refused everywhere only after {slowest:.3f}s"


def _listening(feed: LiveFeed, ticket: str, count: int) -> bool:
    return feed.listeners(ticket) == count
