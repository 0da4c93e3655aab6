"""A first deployment on RabbitMQ where the IA starts last: the catalogue tickets published at its own start
waits in the IA's queue (declared with the whole topology before anyone published), so the first ticket raised
through the gateway once the IA is up is classified."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

from subgraphs.ia import store as ia_store
from subgraphs.ia.service import DEFINITION as IA
from subgraphs.tickets import store as tickets_store
from tests.integration.live_stack import LiveStack, eventually
from tests.subgraphs.ia.conftest import IA_SETTINGS
from tests.subgraphs.tickets.harness import CREATE_TICKET

pytestmark = pytest.mark.amqp
ROOT = Path(__file__).resolve().parents[2]

CLASSIFIED = "query($t: ID!) { ticket(id: $t) { classification { model category { value } } } }"


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



async def test_a_wiped_ia_catalogue_is_told_again_by_tickets(stack: LiveStack,
                                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    """The IA restarted on an emptied read model asks tickets (`resync.catalogue`) and learns every item again,
    though no catalogue event is published anew."""
    seeded = await stack.tickets.runtime.db[tickets_store.SERVICE_ITEMS].count_documents({})
    first = next((s for s in stack.late if s.runtime.name == "ia"), None) or \
        await stack.start(IA, data_dir=tmp_path_factory.mktemp("ia"), **IA_SETTINGS)
    await first.runtime.db[ia_store.CATALOGUE].delete_many({})  # wiped, while no catalogue event is on its way
    await first.stop()
    stack.late.remove(first)
    ia = await stack.start(IA, data_dir=tmp_path_factory.mktemp("ia-again"), **IA_SETTINGS)

    async def learnt() -> bool:
        return await ia.runtime.db[ia_store.CATALOGUE].count_documents({}) == seeded

    await eventually(learnt, timeout=30, what="the IA learnt the whole catalogue again")


async def test_an_operator_asks_for_the_catalogue_again(stack: LiveStack, tmp_path_factory: pytest.TempPathFactory
                                                        ) -> None:
    """`aurontek resync catalogue` repairs a read model that is wrong rather than empty."""
    ia = next((s for s in stack.late if s.runtime.name == "ia"), None) or \
        await stack.start(IA, data_dir=tmp_path_factory.mktemp("ia"), **IA_SETTINGS)
    seeded = await stack.tickets.runtime.db[tickets_store.SERVICE_ITEMS].count_documents({})
    await ia.runtime.db[ia_store.CATALOGUE].delete_one({"_id": "item_printer"})
    common = stack.settings["common"]
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "aurontek", "resync", "catalogue", cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "AMQP_URL": common["amqp_url"], "EVENTS_EXCHANGE": common["events_exchange"]})
    output, _ = await command.communicate()
    assert command.returncode == 0 and b"resync.catalogue published" in output

    async def repaired() -> bool:
        return await ia.runtime.db[ia_store.CATALOGUE].count_documents({}) == seeded

    await eventually(repaired, timeout=30, what="the IA's catalogue repaired")
