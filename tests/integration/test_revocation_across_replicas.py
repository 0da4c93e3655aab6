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

from subgraphs.kernel.auth.revocations import Revocations
from tests.fixtures.users import Factory, Person
from tests.harness import RunningService
from tests.integration.live_stack import LiveStack, live_stack

pytestmark = pytest.mark.amqp

SIGNED_IN = "{ chatPolicy { __typename } }"
WITHIN = 1.0  # seconds from the change's answer to refusal at every replica


@pytest.fixture(scope="module")
async def stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    async with live_stack(amqp_url, mongo_url, http, chats=2) as running:
        yield running


def _revocations(service: RunningService) -> Revocations:
    assert service.runtime.revocations is not None
    return service.runtime.revocations


async def _warm(stack: LiveStack, *people: Person) -> None:
    """The people are let in at both replicas, again and again, for one database read each at most: what a
    replica read stays good for longer than a second (the bound a live feed makes safe)."""
    for chat in stack.chats:
        for person in people:
            assert (await chat.client.as_(person.client.token)(SIGNED_IN)).ok()
    reads = [_revocations(chat).reads for chat in stack.chats]
    await asyncio.sleep(1.2)
    for chat in stack.chats:
        for person in people:
            for _ in range(10):
                assert (await chat.client.as_(person.client.token)(SIGNED_IN)).ok()
    assert [_revocations(chat).reads for chat in stack.chats] == reads, "a known caller cost a database read"


async def _refused_everywhere(stack: LiveStack, token: str) -> float:
    """Seconds until every replica refuses `token`."""
    started = time.monotonic()
    pending = list(stack.chats)
    while pending:
        answers = [await chat.client.as_(token)(SIGNED_IN) for chat in pending]
        pending = [chat for chat, answer in zip(pending, answers, strict=True) if "UNAUTHENTICATED" not in answer.codes]
        if time.monotonic() - started > 5:
            break
    assert not pending, "a replica still lets the caller in"
    return time.monotonic() - started


async def test_a_signed_out_session_and_a_deactivated_person_are_refused_by_every_replica_at_once(
    stack: LiveStack
) -> None:
    factory = Factory(stack.root)
    tenant = await factory.tenant()
    leaving, deactivated = await factory.person(tenant, "customer"), await factory.person(tenant, "agent")
    await _warm(stack, leaving, deactivated)

    assert (await leaving.client("mutation { logout }")).ok() == {"logout": True}
    signed_out = await _refused_everywhere(stack, str(leaving.client.token))

    admin = tenant.admin.client
    assert (await admin("mutation($u: ID!) { deactivateUser(id: $u) { id } }", {"u": deactivated.id})).ok()
    gone = await _refused_everywhere(stack, str(deactivated.client.token))

    assert signed_out < WITHIN and gone < WITHIN, (signed_out, gone)
