"""Who is calling, cheaply and still at once: two replicas of a service share one durable queue, so only one of them
gets each security event from it; both keep the callers' revocation bounds in memory (no database read per
request) and both refuse a signed-out session and a deactivated person within a second, because every replica
follows the security events on the live feed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, Factory, Person
from tests.harness import RunningService, eventually
from tests.integration.live_stack import LiveStack, live_stack

pytestmark = pytest.mark.amqp

SIGNED_IN = "{ chatPolicy { __typename } }"
WITHIN = 1.0  # seconds from the change's answer to refusal at every replica


@pytest.fixture(scope="module")
async def stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    async with live_stack(amqp_url, mongo_url, http, chats=2) as running:
        yield running


def _reads(service: RunningService) -> int:
    """Database reads a replica made to learn who is calling: revocation bounds, or (users) principals."""
    if service.runtime.revocations is not None:
        return service.runtime.revocations.reads
    return int(service.runtime.state["principals"].misses)


async def _warm(replicas: list[RunningService], query: str, *people: Person) -> None:
    """The people are let in at every replica, again and again, for one database read each at most: what a
    replica read stays good for longer than a second (the bound a live feed makes safe)."""
    for replica in replicas:
        for person in people:
            assert (await replica.client.as_(person.client.token)(query)).ok()
    reads = [_reads(replica) for replica in replicas]
    await asyncio.sleep(1.2)
    for replica in replicas:
        for person in people:
            for _ in range(10):
                assert (await replica.client.as_(person.client.token)(query)).ok()
    assert [_reads(replica) for replica in replicas] == reads, "a known caller cost a database read"


async def _refused_everywhere(replicas: list[RunningService], query: str, token: str) -> float:
    """Seconds until every replica refuses `token`."""
    started = time.monotonic()
    pending = list(replicas)
    while pending:
        answers = [await replica.client.as_(token)(query) for replica in pending]
        pending = [r for r, answer in zip(pending, answers, strict=True) if "UNAUTHENTICATED" not in answer.codes]
        if time.monotonic() - started > 5:
            break
    assert not pending, "a replica still lets the caller in"
    return time.monotonic() - started


@pytest.fixture(scope="module")
async def users_replicas(stack: LiveStack) -> list[RunningService]:
    """The stack's users service and a second replica on the same database and broker."""
    second = await stack.start(USERS, admin_email=ROOT_EMAIL, admin_password=ROOT_PASSWORD, access_token_ttl=3600,
                               **FAST_HASH)
    return [stack.users, second]


@pytest.mark.parametrize("service", ["chat", "users"])
async def test_a_signed_out_session_and_a_deactivated_person_are_refused_by_every_replica_at_once(
    stack: LiveStack, users_replicas: list[RunningService], service: str
) -> None:
    replicas, query = (stack.chats, SIGNED_IN) if service == "chat" else (users_replicas, "{ me { id } }")
    factory = Factory(stack.root)
    tenant = await factory.tenant()
    leaving, deactivated = await factory.person(tenant, "customer"), await factory.person(tenant, "agent")
    await _warm(replicas, query, leaving, deactivated)

    assert (await leaving.client("mutation { logout }")).ok() == {"logout": True}
    signed_out = await _refused_everywhere(replicas, query, str(leaving.client.token))

    admin = tenant.admin.client
    assert (await admin("mutation($u: ID!) { deactivateUser(id: $u) { id } }", {"u": deactivated.id})).ok()
    gone = await _refused_everywhere(replicas, query, str(deactivated.client.token))

    assert signed_out < WITHIN and gone < WITHIN, (signed_out, gone)


async def test_a_renamed_person_reads_renamed_at_every_users_replica_within_a_second(
    stack: LiveStack, users_replicas: list[RunningService]
) -> None:
    """Entity fetches of a person (what a chat screen asks users for each subscriber) come from each replica's
    memory, and a change made through one replica reaches the other's within a second."""
    factory = Factory(stack.root)
    tenant = await factory.tenant()
    person = await factory.person(tenant, "customer")
    admin = str(tenant.admin.client.token)
    entity = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on User { firstName } } }",
              {"r": [{"__typename": "User", "id": person.id}]})

    async def published() -> bool:  # the events of the person's making and sign-in are on their way, not later
        return await users_replicas[0].runtime.outbox.pending() == 0

    await eventually(published, what="the users' outbox relayed")
    for replica in users_replicas:
        docs = replica.runtime.state["users"].user_docs
        assert (await replica.client.as_(admin)(*entity)).ok()["_entities"][0]["firstName"] != "Renata"
        before = docs.misses
        for _ in range(10):
            await replica.client.as_(admin)(*entity)
        # from memory: at most one read again, should the person's own sign-in event pass meanwhile
        assert docs.misses - before <= 1, docs.misses - before

    renamed = await users_replicas[0].client.as_(admin)(
        "mutation($u: ID!) { updateUser(id: $u, input: {firstName: \"Renata\"}) { firstName } }", {"u": person.id})
    assert renamed.ok() == {"updateUser": {"firstName": "Renata"}}
    started = time.monotonic()
    while (await users_replicas[1].client.as_(admin)(*entity)).ok() != {"_entities": [{"firstName": "Renata"}]}:
        assert time.monotonic() - started < WITHIN, "the other replica still shows the old name"
