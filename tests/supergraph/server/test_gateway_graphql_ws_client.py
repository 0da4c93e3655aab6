"""The protocol's reference client (npm `graphql-ws` over `ws`) subscribes through the gateway
and receives federated events, runs a query on the same socket, and hears a refusal as 4401."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, new_ticket
from tests.supergraph.npm_packages import install_npm_packages

SCRIPT = Path(__file__).parent / "reference" / "graphql_ws_client.cjs"
PACKAGES = {"graphql-ws": "6.4.2", "ws": "8.23.0", "graphql": "16.15.0"}


@pytest.fixture(scope="module")
def modules() -> Path:
    return install_npm_packages("npm-graphql-ws", PACKAGES, "the graphql-ws reference client")


class NodeClient:
    """The reference client in a child process, read line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def line(self, timeout: float = 10.0) -> dict[str, Any]:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not raw:
            assert self.process.stderr is not None
            problem = (await self.process.stderr.read()).decode()
            raise AssertionError(f"the reference client ended early: {problem}")
        return json.loads(raw)


async def _start(modules: Path, **arguments: Any) -> NodeClient:
    process = await asyncio.create_subprocess_exec(
        "node", str(SCRIPT),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "GRAPHQL_WS_MODULES": str(modules)},
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps(arguments).encode())
    process.stdin.close()
    return NodeClient(process)


async def test_the_reference_client_receives_federated_events(modules: Path, live: LiveFederation) -> None:
    ticket = new_ticket()
    async with live.gateway() as gateway:
        client = await _start(
            modules,
            url=gateway.ws_url,
            authorization=live.issuer.bearer(),
            subscription=MESSAGE_ADDED,
            variables={"t": ticket},
            events=2,
            query="{ me { name } }",
        )
        assert await client.line() == {"connected": True}
        await live.chat.wait_active(ticket, 1, timeout=10)
        live.chat.publish(ticket, "first", author="u1")
        first, query = await client.line(), await client.line()
        live.chat.publish(ticket, "second", author="u2")
        second = await client.line()
        assert await asyncio.wait_for(client.process.wait(), 10) == 0
    assert first == {"next": {"data": {"messageAdded": {"text": "first", "author": {"name": "Ada"},
                                                        "ticket": {"title": "Untitled"}}}}}
    assert second["next"]["data"]["messageAdded"]["author"] == {"name": "Grace"}
    assert query == {"query": {"data": {"me": {"name": "Ada"}}}}  # on the same socket
    await live.chat.wait_active(ticket, 0)


async def test_the_reference_client_hears_4401(modules: Path, live: LiveFederation) -> None:
    async with live.gateway() as gateway:
        client = await _start(
            modules,
            url=gateway.ws_url,
            authorization=live.issuer.bearer(ttl=-60),
            subscription=MESSAGE_ADDED,
            variables={"t": new_ticket()},
            events=1,
            query="{ me { name } }",
        )
        closed, error = await client.line(), await client.line()
        assert await asyncio.wait_for(client.process.wait(), 10) == 0
    assert closed == {"closed": 4401, "reason": "Unauthorized: the access token has expired"}
    assert error == {"error": {"code": 4401, "reason": "Unauthorized: the access token has expired"}}
