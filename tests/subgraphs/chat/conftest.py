"""Chat fixtures: the users, tickets and chat services on one in-process bus, and a desk of people."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from subgraphs.chat.service import DEFINITION as CHAT
from subgraphs.kernel import clock
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, sign_in
from tests.harness import start_service
from tests.subgraphs.chat.harness import ChatDesk
from tests.subgraphs.tickets.harness import Team

FAST = {"event_retry_delay_ms": 20}


@pytest.fixture(scope="session")
async def chat_desk(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                    ) -> AsyncIterator[ChatDesk]:
    bus = InProcessBus()
    await bus.start()
    users = await start_service(USERS, mongo_url=mongo_url, http=http, bus=bus, admin_email=ROOT_EMAIL,
                                admin_password=ROOT_PASSWORD, access_token_ttl=3600, **FAST_HASH, **FAST)
    jwks = f"{users.url}/.well-known/jwks.json"
    tickets = await start_service(TICKETS, mongo_url=mongo_url, http=http, bus=bus, auth_jwks_url=jwks,
                                  data_dir=tmp_path_factory.mktemp("tickets"), sla_scan_interval_seconds=3600, **FAST)
    chat = await start_service(CHAT, mongo_url=mongo_url, http=http, bus=bus, auth_jwks_url=jwks,
                               data_dir=tmp_path_factory.mktemp("chat"), **FAST)
    root = await sign_in(users.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
    yield ChatDesk(users, tickets, chat, bus, root)
    for service in (chat, tickets, users):
        await service.stop()
    await bus.close()


@pytest.fixture(scope="module")
async def team(chat_desk: ChatDesk) -> Team:
    """One company's desk, shared by a module's tests (each test opens its own tickets)."""
    return await chat_desk.team()


@pytest.fixture
def frozen() -> Iterator[None]:
    """Stop the services' clock where the test puts it (`clock.freeze`); run it again afterwards."""
    try:
        yield
    finally:
        clock.reset()
