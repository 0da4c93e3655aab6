"""Fixtures shared by every test: the database server, the broker, an HTTP client."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from subgraphs.kernel import clock
from subgraphs.kernel.embedded_mongo import EmbeddedMongo
from subgraphs.kernel.mongo import Database, connect
from tests.harness import AMQP_URL, reachable

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
async def mongo_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """MONGODB_URL when set, else a SecantusDB server the fixture starts on a temporary directory."""
    if os.environ.get("MONGODB_URL"):
        yield os.environ["MONGODB_URL"]
        return
    server = EmbeddedMongo(Path(tmp_path_factory.mktemp("mongodb")), die_with_parent=True)
    url = await server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """RabbitMQ at AMQP_URL; a missing broker fails under CI=true and skips elsewhere."""
    parsed = httpx.URL(AMQP_URL.replace("amqp://", "http://", 1))
    if not reachable(parsed.host, parsed.port or 5672):
        message = f"RabbitMQ is not reachable at {parsed.host}:{parsed.port or 5672}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return AMQP_URL


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    # uvicorn closes an idle keep-alive connection after 5 s; a client reusing one at that moment reads a reset
    # (httpx.ReadError). Let the client drop idle connections first.
    limits = httpx.Limits(keepalive_expiry=2.0)
    async with httpx.AsyncClient(timeout=30.0, limits=limits) as client:
        yield client


@pytest.fixture
async def scratch_db(mongo_url: str, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """A database of the test's own on the suite's server, dropped afterwards."""
    client = connect(mongo_url, app_name=f"aurontek-tests-{request.module.__name__.rpartition('.')[2]}")
    database = Database(client, f"scratch_{uuid.uuid4().hex[:12]}")
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.fixture
def frozen() -> Iterator[None]:
    """Stop the services' clock where the test puts it (`clock.freeze`); run it again afterwards."""
    try:
        yield
    finally:
        clock.reset()
