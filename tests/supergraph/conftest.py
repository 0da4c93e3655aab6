"""Fixtures for gateway tests that need live subgraphs with subscriptions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.supergraph.live_federation import LiveFederation


@pytest.fixture(scope="session")
async def live(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveFederation]:
    """The chat, users and tickets subgraphs and a JWKS endpoint, shared by the session's tests
    (each test uses its own ticket ids and its own gateway)."""
    from tests.supergraph.live_federation import live_federation  # Strawberry only where needed

    async with live_federation(tmp_path_factory.mktemp("live")) as running:
        yield running
