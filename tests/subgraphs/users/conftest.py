"""Users-subgraph fixtures: a running service, the platform root, and factories for tenants and people.

The helpers themselves live in tests/fixtures/users.py, shared with other subgraphs' tests; they
are re-exported here for the users tests that import them from this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta

import httpx
import pytest

from subgraphs.kernel import clock
from subgraphs.users.service import DEFINITION
from tests.fixtures.users import (
    CREATE_COMPANY,
    CREATE_USER,
    FAST_HASH,
    LOGIN,
    PASSWORD,
    ROOT_EMAIL,
    ROOT_PASSWORD,
    Factory,
    Person,
    Tenant,
    last_event,
    sign_in,
    unique,
)
from tests.harness import Client, RunningService, start_service

__all__ = ["CREATE_COMPANY", "CREATE_USER", "LOGIN", "PASSWORD", "Factory", "Person", "Tenant", "last_event",
           "sign_in", "unique"]


@pytest.fixture(scope="session")
async def users_service(mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[RunningService]:
    service = await start_service(DEFINITION, mongo_url=mongo_url, http=http, admin_email=ROOT_EMAIL,
                                  admin_password=ROOT_PASSWORD,
                                  password_hash_memory_kib=FAST_HASH["password_hash_memory_kib"],
                                  password_hash_time_cost=FAST_HASH["password_hash_time_cost"])
    yield service
    await service.stop()


@pytest.fixture(scope="session")
async def anonymous(users_service: RunningService) -> Client:
    return users_service.client


@pytest.fixture(scope="session")
async def root(users_service: RunningService) -> Person:
    return await sign_in(users_service.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)


@pytest.fixture(scope="session")
async def factory(root: Person) -> Factory:
    return Factory(root)


@pytest.fixture
async def tenant(factory: Factory) -> Tenant:
    return await factory.tenant()


@pytest.fixture
def travel() -> Iterator[Callable[[timedelta], None]]:
    """Move the services' clock forward (they run in this process); put it back afterwards."""
    try:
        yield clock.advance
    finally:
        clock.reset()
