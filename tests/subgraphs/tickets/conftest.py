"""Tickets-subgraph fixtures: the users and tickets services on one event bus, and teams of people.

People are created through the users service, as an operator would; its events reach the tickets
service's read model over the shared in-process bus, exactly as they would over RabbitMQ.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from subgraphs.kernel import clock
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, sign_in
from tests.harness import start_service
from tests.subgraphs.tickets.harness import Desk


@pytest.fixture(scope="session")
async def desk(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
               ) -> AsyncIterator[Desk]:
    bus = InProcessBus()
    await bus.start()
    fast = {"event_retry_delay_ms": 20}
    users = await start_service(USERS, mongo_url=mongo_url, http=http, bus=bus, admin_email=ROOT_EMAIL,
                                admin_password=ROOT_PASSWORD, access_token_ttl=3600, **FAST_HASH, **fast)
    tickets = await start_service(TICKETS, mongo_url=mongo_url, http=http, bus=bus,
                                  auth_jwks_url=f"{users.url}/.well-known/jwks.json",
                                  data_dir=tmp_path_factory.mktemp("tickets"), sla_scan_interval_seconds=3600,
                                  **fast)
    root = await sign_in(users.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
    yield Desk(users, tickets, bus, root)
    await tickets.stop()
    await users.stop()
    await bus.close()


@pytest.fixture
def frozen() -> Iterator[None]:
    """Stop the services' clock where the test puts it (`clock.freeze`); run it again afterwards."""
    try:
        yield
    finally:
        clock.reset()
