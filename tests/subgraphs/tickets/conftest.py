"""Tickets-subgraph fixtures: the users and tickets services on one event bus, and teams of people.

People are created through the users service, as an operator would; its events reach the tickets
service's read model over the shared in-process bus, exactly as they would over RabbitMQ.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fixtures.desk import users_and_tickets
from tests.subgraphs.tickets.harness import Desk


@pytest.fixture(scope="session")
async def desk(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
               ) -> AsyncIterator[Desk]:
    async with users_and_tickets(mongo_url, http, tmp_path_factory.mktemp("tickets")) as services:
        yield Desk(services.users, services.tickets, services.bus, services.root, services.gateway)


@pytest.fixture(scope="session")
async def gateway_url(desk: Desk) -> AsyncIterator[str]:
    """The gateway over users and tickets, on the origin the tickets service's file links name."""
    assert desk.open_gateway is not None
    async with desk.open_gateway() as url:
        yield url
