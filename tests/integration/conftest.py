"""End-to-end fixtures: real subgraphs behind the real gateway, composed from their live SDL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn

from supergraph.server import create_app
from supergraph.server.settings import GatewaySettings
from tests.harness import free_port
from tests.integration.live_stack import LiveStack, live_stack
from tests.subgraphs.users.conftest import anonymous, factory, root, tenant, users_service  # noqa: F401


@contextlib.asynccontextmanager
async def gateway(subgraphs: dict[str, str], **settings: Any) -> AsyncIterator[str]:
    """A gateway composing `subgraphs` (name -> base URL) at start (on `port`, or a free one); yields its URL once
    it has a supergraph (or after 30 s without one, for tests of a gateway that cannot compose)."""
    port = settings.pop("port", None) or free_port()
    events = settings.pop("events", None)  # a bus's `live`: security events close ended sessions' sockets
    listing = ",".join(f"{name}={url}/graphql" for name, url in subgraphs.items())
    app = create_app(GatewaySettings(subgraphs=listing, port=port, **settings), events=events)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_level="warning",
                                           proxy_headers=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            raise RuntimeError("the gateway failed to start")
        await asyncio.sleep(0.01)
    if events is not None:
        await app.runtime.watching.wait()  # sockets opened from now on are closed when their session ends
    for _ in range(1500):  # composed from the subgraphs' SDL after the server starts; a slow machine takes a while
        if app.runtime.gateway is not None:
            break
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="module")
async def stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    """The distributed stack with one chat instance, for a module's tests; a module needing another shape (two chat
    instances, a broker behind a forwarder) defines its own `stack`."""
    async with live_stack(amqp_url, mongo_url, http, chats=1) as running:
        yield running
