"""Chat fixtures: the users, tickets and chat services on one in-process bus, and a desk of people."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from subgraphs.chat.service import DEFINITION as CHAT
from tests.fixtures.desk import users_and_tickets
from tests.subgraphs.chat.harness import ChatDesk
from tests.subgraphs.tickets.harness import Team


@pytest.fixture(scope="session")
async def chat_desk(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                    ) -> AsyncIterator[ChatDesk]:
    async with users_and_tickets(mongo_url, http, tmp_path_factory.mktemp("tickets")) as services:
        chat = await services.start(CHAT, tmp_path_factory.mktemp("chat"))
        yield ChatDesk(services.users, services.tickets, chat, services.bus, services.root, services.gateway)


@pytest.fixture(scope="session")
async def gateway_url(chat_desk: ChatDesk) -> AsyncIterator[str]:
    """The gateway over users, tickets and chat, on the origin their file links name."""
    assert chat_desk.open_gateway is not None
    async with chat_desk.open_gateway() as url:
        yield url


@pytest.fixture(scope="module")
async def team(chat_desk: ChatDesk) -> Team:
    """One company's desk, shared by a module's tests (each test opens its own tickets)."""
    return await chat_desk.team()

