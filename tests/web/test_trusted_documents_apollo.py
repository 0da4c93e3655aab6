"""Apollo Client (the web app's package) with its persisted-queries link against a gateway that runs only the app's
trusted documents: the app's query is served by its hash alone, a hand-written one is refused."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.desk import Services, users_and_tickets
from tests.supergraph.npm_packages import unavailable

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "schema" / "persisted-documents.json"
SCRIPT = Path(__file__).parent / "reference" / "apollo_persisted.cjs"
MODULES = ROOT / "web" / "node_modules"


@pytest.fixture(scope="module")
async def services(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                   ) -> AsyncIterator[Services]:
    async with users_and_tickets(mongo_url, http, tmp_path_factory.mktemp("trusted")) as running:
        yield running


async def _apollo(url: str, token: str) -> list[dict]:
    if shutil.which("node") is None or not (MODULES / "@apollo" / "client").is_dir():
        unavailable("Apollo Client", "node or the web app's packages (./scripts/install) are missing")
    child = await asyncio.create_subprocess_exec(
        "node", str(SCRIPT), f"{url}/graphql", str(MANIFEST), token, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, "NODE_PATH": str(MODULES)})
    out, err = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines()]


async def test_require_mode_serves_the_apps_documents_by_hash_and_refuses_others(services: Services) -> None:
    async with services.gateway(persisted_documents=str(MANIFEST), persisted_documents_mode="require") as url:
        app, hand_written = await _apollo(url, services.root.client.token or "")
    assert app["data"]["me"]["email"] == services.root.email
    assert len(app["sent"]) == 1 and "query" not in app["sent"][0]  # the hash alone crossed the wire
    assert app["sent"][0]["extensions"]["persistedQuery"]["sha256Hash"] in json.loads(MANIFEST.read_text())
    assert hand_written["errors"][0]["code"] == "PERSISTED_QUERY_REQUIRED"
    # Apollo's link asked by hash, heard "not found", then sent the text, which the gateway refused
    assert [("query" in body) for body in hand_written["sent"]] == [False, True]
    assert "data" not in hand_written


async def test_allow_mode_serves_both(services: Services) -> None:
    async with services.gateway(persisted_documents=str(MANIFEST)) as url:
        app, hand_written = await _apollo(url, services.root.client.token or "")
    assert app["data"]["me"]["email"] == services.root.email and "query" not in app["sent"][0]
    assert hand_written["data"]["me"]["email"] == services.root.email
