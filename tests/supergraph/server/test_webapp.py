"""The web app served by the gateway: its page for every path the app routes in a browser (deep links from the
product's e-mails included), its hashed files with a long cache, nothing outside the build, and the API and
GraphiQL untouched beside it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.supergraph.gateway_harness import gateway_server
from tests.supergraph.server.test_graphiql import BROWSER, supergraph_file  # noqa: F401 (a fixture)

PAGE = b'<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head></html>'
SCRIPT = b"console.log('AURONTEK');"


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A build as `vite build` lays it out."""
    directory = tmp_path / "dist"
    (directory / "assets").mkdir(parents=True)
    (directory / "index.html").write_bytes(PAGE)
    (directory / "assets" / "index-abc123.js").write_bytes(SCRIPT)
    (tmp_path / "secret.txt").write_text("outside the build")
    return directory


async def test_every_page_path_of_the_app_gets_its_page_and_its_files_are_cached_for_good(
        supergraph_file: str, build: Path) -> None:  # noqa: F811
    async with gateway_server(supergraph_file, web_dir=str(build)) as base, httpx.AsyncClient() as client:
        pages = [await client.get(f"{base}{path}", headers=BROWSER)
                 for path in ("/", "/login", "/tickets/t1", "/reset-password?token=abc", "/set-password?token=x")]
        script = await client.get(f"{base}/assets/index-abc123.js")
        graphiql = await client.get(f"{base}/graphql", headers=BROWSER)
        api = await client.post(f"{base}/graphql", json={"query": "{ me { name } }"})
    for page in pages:
        assert page.status_code == 200 and page.content == PAGE
        assert page.headers["cache-control"] == "no-cache"  # a new build shows at the next visit
        assert "connect-src 'self' ws: wss:" in page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert script.content == SCRIPT and script.headers["content-type"].startswith("text/javascript")
    assert "immutable" in script.headers["cache-control"]
    assert "GraphiQL" in graphiql.text  # /graphql stays GraphiQL's
    assert api.json() == {"data": {"me": {"name": "Ada"}}}


async def test_nothing_outside_the_build_and_no_page_for_what_is_not_a_browser(
        supergraph_file: str, build: Path) -> None:  # noqa: F811
    async with gateway_server(supergraph_file, web_dir=str(build)) as base, httpx.AsyncClient() as client:
        escapes = [await client.get(f"{base}{path}") for path in (
            "/assets/..%2F..%2Fsecret.txt", "/assets/../../secret.txt", "/assets/%2e%2e/index.html",
            "/assets/", "/assets/missing.js")]
        json_client = await client.get(f"{base}/tickets/t1", headers={"accept": "application/json"})
        post = await client.post(f"{base}/tickets/t1", headers=BROWSER)
    assert [r.status_code for r in escapes] == [404] * len(escapes)
    assert all(b"outside the build" not in r.content for r in escapes)
    assert json_client.status_code == 404 and post.status_code == 404


async def test_without_a_build_the_page_says_how_to_make_one_and_the_api_works(
        supergraph_file: str, tmp_path: Path) -> None:  # noqa: F811
    async with gateway_server(supergraph_file, web_dir=str(tmp_path / "none")) as base, \
            httpx.AsyncClient() as client:
        page = await client.get(f"{base}/", headers=BROWSER)
        api = await client.post(f"{base}/graphql", json={"query": "{ me { name } }"})
    assert page.status_code == 503 and b"./scripts/install" in page.content
    assert api.json() == {"data": {"me": {"name": "Ada"}}}


async def test_the_app_can_be_switched_off(supergraph_file: str, build: Path) -> None:  # noqa: F811
    async with gateway_server(supergraph_file, web=False, web_dir=str(build)) as base, httpx.AsyncClient() as client:
        page = await client.get(f"{base}/", headers=BROWSER)
    assert page.status_code == 404
