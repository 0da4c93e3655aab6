"""A first deployment on RabbitMQ where the IA starts last: the catalogue tickets published at its own start
waits in the IA's queue (declared with the whole topology before anyone published), so the first ticket raised
through the gateway once the IA is up is classified."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from subgraphs.ia import store as ia_store
from subgraphs.ia.service import DEFINITION as IA
from subgraphs.tickets import store as tickets_store
from tests.integration.live_stack import LiveStack, eventually, live_stack
from tests.subgraphs.ia.conftest import IA_SETTINGS
from tests.subgraphs.tickets.harness import CREATE_TICKET

pytestmark = pytest.mark.amqp

CLASSIFIED = "query($t: ID!) { ticket(id: $t) { classification { model category { value } } } }"


@pytest.fixture(scope="module")
async def stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    async with live_stack(amqp_url, mongo_url, http, chats=1) as running:
        yield running


async def test_the_ia_started_last_classifies_the_first_ticket(stack: LiveStack,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    seeded = await stack.tickets.runtime.db[tickets_store.SERVICE_ITEMS].count_documents({})
    assert seeded > 0  # the platform catalogue, published before the IA existed
    ia = await stack.start(IA, data_dir=tmp_path_factory.mktemp("ia"), **IA_SETTINGS)

    async def learnt() -> bool:
        return await ia.runtime.db[ia_store.CATALOGUE].count_documents({}) == seeded

    await eventually(learnt, timeout=30, what="the IA learnt the whole catalogue")
    [chat] = stack.chats
    async with stack.gateway(chat) as gateway:
        desk = await stack.desk(gateway.url)
        items = (await desk.customer.ok("{ serviceItems { id name } }"))["serviceItems"]
        printer = next(i for i in items if i["name"] == "Printer problem")
        ticket = (await desk.customer.ok(CREATE_TICKET, {"i": {
            "itemId": printer["id"], "title": "The printer jams on every page",
            "description": "Paper jam in tray 2 on the second floor printer.",
            "answers": [{"key": "printer", "value": "Second floor"}]}}))["createTicket"]
        started = time.monotonic()
        while (found := (await desk.agent.ok(CLASSIFIED, {"t": ticket["id"]}))["ticket"])["classification"] is None:
            assert time.monotonic() - started < 30, "no classification within 30 s"
            await asyncio.sleep(0.2)
    assert found["classification"]["model"] == "catalogue"

