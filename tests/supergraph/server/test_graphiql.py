"""GraphiQL over HTTP: a browser's GET /graphql gets the page and its files from the gateway itself; every
other GET keeps the CSRF rule; without the files the gateway still serves the API and says what is missing."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from graphql import build_schema, parse, validate

from supergraph.server.graphiql import ASSETS, DEFAULT_ASSETS_DIR, PAGE
from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import compose_subgraphs, gateway_server
from tests.supergraph.npm_packages import unavailable
from tests.supergraph.tiny_subgraph import serve_subgraphs

ROOT = Path(__file__).resolve().parents[3]
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
async def supergraph_file(tmp_path: Path) -> AsyncIterator[str]:
    async with serve_subgraphs(entities.subgraphs()) as running:
        path = tmp_path / "supergraph.graphql"
        path.write_text(compose_subgraphs(running))
        yield str(path)


@pytest.fixture
def assets() -> Path:
    """The files ./scripts/install puts in place (fails under CI=true when they are missing)."""
    missing = [path for path, _ in ASSETS.values() if not (DEFAULT_ASSETS_DIR / path).is_file()]
    if missing:
        unavailable("GraphiQL's browser files", f"run ./scripts/install; missing {missing}")
    return DEFAULT_ASSETS_DIR


async def test_a_browser_gets_the_page_and_every_file_from_the_gateway(supergraph_file: str, assets: Path) -> None:
    async with gateway_server(supergraph_file) as base, httpx.AsyncClient() as client:
        page = await client.get(f"{base}/graphql", headers=BROWSER)
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        files = {source: await client.get(f"{base}/{source}") for source in sources}
        unknown = await client.get(f"{base}/graphiql/package.json")
        escape = await client.get(f"{base}/graphiql/..%2Fgraphiql.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert sorted(sources) == sorted(f"graphiql/{name}" for name in ASSETS)  # relative: nothing from elsewhere
    for source, response in files.items():
        name = source.removeprefix("graphiql/")
        assert response.status_code == 200, source
        assert response.content == (assets / ASSETS[name][0]).read_bytes()
        assert response.headers["content-type"] == ASSETS[name][1]
    assert unknown.status_code == 404 and escape.status_code == 404


async def test_every_other_get_keeps_the_csrf_rule(supergraph_file: str, assets: Path) -> None:
    async with gateway_server(supergraph_file) as base, httpx.AsyncClient() as client:
        with_query = await client.get(f"{base}/graphql", params={"query": "{ me { name } }"}, headers=BROWSER)
        not_html = await client.get(f"{base}/graphql", headers={"accept": "application/json"})
        post = await client.post(f"{base}/graphql", json={"query": "{ me { name } }"}, headers=BROWSER)
    assert with_query.status_code == 400 and with_query.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"
    assert not_html.status_code == 400 and not_html.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"
    assert post.json() == {"data": {"me": {"name": "Ada"}}}


async def test_without_the_files_the_api_works_and_the_page_says_why(supergraph_file: str, tmp_path: Path) -> None:
    empty = tmp_path / "no-assets"
    empty.mkdir()
    async with gateway_server(supergraph_file, graphiql_assets=str(empty)) as base, httpx.AsyncClient() as client:
        health = await client.get(f"{base}/health")
        answer = await client.post(f"{base}/graphql", json={"query": "{ me { name } }"})
        page = await client.get(f"{base}/graphql", headers=BROWSER)
        asset = await client.get(f"{base}/graphiql/graphiql.min.js")
    assert health.json() == {"status": "ok", "supergraph": True}
    assert answer.json() == {"data": {"me": {"name": "Ada"}}}
    assert page.status_code == 503 and "./scripts/install" in page.text and str(empty) in page.text
    assert asset.status_code == 404


async def test_graphiql_can_be_switched_off(supergraph_file: str) -> None:
    async with gateway_server(supergraph_file, graphiql=False) as base, httpx.AsyncClient() as client:
        page = await client.get(f"{base}/graphql", headers=BROWSER)
        asset = await client.get(f"{base}/graphiql/graphiql.min.js")
    assert page.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"
    assert asset.status_code == 404


def test_the_pages_starting_operations_validate_against_the_api() -> None:
    block = PAGE.read_text().split("var DEFAULT_QUERY = [")[1].split("].join")[0]
    text = "\n".join(json.loads(line.strip().rstrip(",")) for line in block.strip().splitlines())
    errors = validate(build_schema((ROOT / "schema" / "api.graphql").read_text()), parse(text))
    assert not errors, [e.message for e in errors]
