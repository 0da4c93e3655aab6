"""Tickets-subgraph fixtures: the users and tickets services on one event bus, and teams of people.

People are created through the users service, as an operator would; its events reach the tickets
service's read model over the shared in-process bus, exactly as they would over RabbitMQ.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fixtures.desk import users_and_tickets
from tests.integration.conftest import gateway
from tests.subgraphs.tickets.harness import Desk


@pytest.fixture(scope="session")
async def desk(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
               ) -> AsyncIterator[Desk]:
    async with users_and_tickets(mongo_url, http, tmp_path_factory.mktemp("tickets")) as services:
        yield Desk(services.users, services.tickets, services.bus, services.root)


@pytest.fixture(scope="session")
async def gateway_url(desk: Desk) -> AsyncIterator[str]:
    """The real gateway in front of the desk's users and tickets services, as the app reaches them."""
    async with gateway({"users": desk.users.url, "tickets": desk.tickets.url},
                       jwks_url=f"{desk.users.url}/.well-known/jwks.json") as url:
        yield url
