"""The README's reconnect recipe, run by the protocol's reference client (npm `graphql-ws`): when the token
expires while connected the gateway closes 4419, graphql-ws retries, asks the app for a fresh token and
resubscribes, and the next event arrives; a 4403 (session ended, or a token refused) is not retried."""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, new_ticket
from tests.supergraph.npm_packages import install_npm_packages
from tests.supergraph.server.test_gateway_graphql_ws_client import PACKAGES

SCRIPT = Path(__file__).parent / "reference" / "reconnecting_client.cjs"


@pytest.fixture(scope="module")
def modules() -> Path:
    return install_npm_packages("npm-graphql-ws", PACKAGES, "the graphql-ws reference client")


class Recipe:
    """The recipe's client in a child process: JSON lines both ways."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, modules: Path, **arguments: Any) -> Recipe:
        process = await asyncio.create_subprocess_exec(
            "node", str(SCRIPT), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env={**os.environ, "GRAPHQL_WS_MODULES": str(modules)})
        recipe = cls(process)
        recipe.send(arguments)
        return recipe

    def send(self, value: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(value) + "\n").encode())

    async def line(self, timeout: float = 10.0) -> dict[str, Any]:
        assert self.process.stdout is not None and self.process.stderr is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not raw:
            raise AssertionError(f"the client ended early: {(await self.process.stderr.read()).decode()}")
        return json.loads(raw)

    async def give_token(self, token: str) -> None:
        assert await self.line() == {"wantToken": True}
        self.send({"token": token})


async def test_an_expired_token_is_refreshed_and_the_subscription_resumes(modules: Path, live: LiveFederation
                                                                          ) -> None:
    ticket = new_ticket()
    expires = math.ceil(time.time()) + 2
    async with live.gateway(auth_leeway=0) as gateway:
        client = await Recipe.start(modules, url=gateway.ws_url, subscription=MESSAGE_ADDED,
                                    variables={"t": ticket}, events=2)
        await client.give_token(live.issuer.token(exp=expires))
        assert await client.line() == {"connected": True}
        await live.chat.wait_active(ticket, 1, timeout=10)
        live.chat.publish(ticket, "before", author="u1")
        first = await client.line()
        assert await client.line() == {"closed": 4419}  # the token ran out while connected
        await client.give_token(live.issuer.token())  # the app refreshes it
        assert await client.line() == {"connected": True}
        await live.chat.wait_active(ticket, 1, timeout=10)  # graphql-ws resubscribed by itself
        live.chat.publish(ticket, "after", author="u1")
        second = await client.line()
        assert await asyncio.wait_for(client.process.wait(), 10) == 0
    assert first["next"]["data"]["messageAdded"]["text"] == "before"
    assert second["next"]["data"]["messageAdded"]["text"] == "after"


async def test_a_4403_is_not_retried(modules: Path, live: LiveFederation) -> None:
    async with live.gateway() as gateway:
        client = await Recipe.start(modules, url=gateway.ws_url, subscription=MESSAGE_ADDED,
                                    variables={"t": new_ticket()}, events=1)
        await client.give_token(live.issuer.token(typ="refresh"))  # genuine, but refused for a socket: 4403
        assert await client.line() == {"closed": 4403}
        ended = await client.line()
        assert await asyncio.wait_for(client.process.wait(), 10) == 0
    assert ended["error"]["code"] == 4403  # given up: no second token was asked for
