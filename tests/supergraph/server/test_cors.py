"""Which web pages may call the API: the gateway's own, the origins in GATEWAY_CORS_ORIGINS, and no other, over HTTP
and WebSocket; tried with a client setting `Origin` as a browser would, then from real pages in Chromium."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import websockets
from pydantic import ValidationError
from websockets.exceptions import ConnectionClosed, InvalidStatus

from supergraph.server.cors import CorsPolicy
from supergraph.server.settings import GatewaySettings
from tests.fixtures.demo import playwright_modules
from tests.supergraph.gateway_harness import free_port, gateway_server
from tests.supergraph.npm_packages import unavailable

ROOT = Path(__file__).resolve().parents[3]
SUPERGRAPH = str(ROOT / "schema" / "supergraph.graphql")
SCRIPT = Path(__file__).parent / "browser" / "cors.cjs"
CHROMIUM = Path("/usr/bin/chromium")
APP = "https://help.example.com"
PREVIEWS = "https://aurontek-web-*.vercel.app"
PING = {"query": "query Ping { __typename }"}


def _scope(**headers: str) -> dict:
    return {"headers": [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]}


@pytest.mark.parametrize(("origin", "verdict"), [
    (APP, "listed"),
    ("https://HELP.example.com", "listed"),
    ("http://help.example.com", "refused"),  # another scheme is another origin
    ("https://help.example.com:8443", "refused"),
    ("https://evil.example.com", "refused"),
    ("https://aurontek-web-3f9a1c.vercel.app", "listed"),
    ("https://aurontek-web-x.evil.vercel.app", "refused"),  # `*` never spans a dot
    ("https://aurontek-web-a.vercel.app.evil.com", "refused"),
    ("https://aurontek-web-.vercel.app", "refused"),
    ("null", "refused"),  # a sandboxed frame or a file
    ("http://[", "refused"),  # not a URL: refused, not an error
])
def test_an_origin_is_listed_exactly_or_by_one_label(origin: str, verdict: str) -> None:
    policy = CorsPolicy.parse(f"{APP}, {PREVIEWS}")
    assert policy.verdict(_scope(origin=origin, host="api.example.com")) == verdict


def test_the_gateways_own_pages_and_clients_outside_a_browser_always_pass() -> None:
    policy = CorsPolicy()
    assert policy.verdict(_scope(host="127.0.0.1:3000")) == "none"
    assert policy.verdict(_scope(origin="http://127.0.0.1:3000", host="127.0.0.1:3000")) == "same"
    assert policy.verdict(_scope(origin="https://help.example.com", host="help.example.com")) == "same"
    assert policy.verdict(_scope(origin="https://help.example.com", host="help.example.com:443")) == "same"
    # behind the proxy, which names the host the browser asked for
    assert policy.verdict(_scope(origin="https://help.example.com", host="gateway:3000",
                                 x_forwarded_host="help.example.com")) == "same"
    assert policy.verdict(_scope(origin="http://127.0.0.1:5173", host="127.0.0.1:3000")) == "refused"


@pytest.mark.parametrize("value", ["*", "https://*", "https://*.com", "help.example.com", "https://a.example/x",
                                   "ftp://files.example.com"])
def test_a_setting_that_is_not_an_origin_or_lets_everyone_in_stops_the_start(value: str) -> None:
    with pytest.raises(ValidationError):
        GatewaySettings(cors_origins=value)


@contextlib.asynccontextmanager
async def _gateway(origins: str) -> AsyncIterator[str]:
    async with gateway_server(SUPERGRAPH, cors_origins=origins) as url:
        yield url


async def test_over_http_a_listed_origin_gets_cors_headers_and_any_other_a_403() -> None:
    async with _gateway(f"{APP},{PREVIEWS}") as url, httpx.AsyncClient() as http:
        plain = await http.post(f"{url}/graphql", json=PING)
        assert plain.status_code == 200 and plain.json() == {"data": {"__typename": "Query"}}
        assert "access-control-allow-origin" not in plain.headers

        own = await http.post(f"{url}/graphql", json=PING, headers={"origin": url})
        assert own.status_code == 200 and "access-control-allow-origin" not in own.headers

        preflight = await http.options(f"{url}/graphql", headers={
            "origin": APP, "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,authorization"})
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == APP
        assert "POST" in preflight.headers["access-control-allow-methods"]
        allowed = {h.strip() for h in preflight.headers["access-control-allow-headers"].split(",")}
        assert {"content-type", "authorization", "apollo-require-preflight", "traceparent"} <= allowed
        assert "access-control-allow-credentials" not in preflight.headers  # tokens, not cookies

        listed = await http.post(f"{url}/graphql", json=PING, headers={"origin": APP})
        assert listed.status_code == 200 and listed.json()["data"] == {"__typename": "Query"}
        assert listed.headers["access-control-allow-origin"] == APP and listed.headers["vary"] == "Origin"
        assert "x-request-id" in listed.headers["access-control-expose-headers"]

        preview = await http.post(f"{url}/graphql", json=PING,
                                  headers={"origin": "https://aurontek-web-git-dev-team.vercel.app"})
        assert preview.headers["access-control-allow-origin"] == "https://aurontek-web-git-dev-team.vercel.app"

        for method in ("OPTIONS", "POST", "GET"):
            refused = await http.request(method, f"{url}/graphql", json=PING if method == "POST" else None,
                                         headers={"origin": "https://evil.example.com"})
            assert refused.status_code == 403, method
            assert "access-control-allow-origin" not in refused.headers
            if method != "OPTIONS":
                assert refused.json()["errors"][0]["extensions"]["code"] == "ORIGIN_NOT_ALLOWED"


async def test_a_websocket_from_an_origin_not_listed_is_refused_before_it_opens() -> None:
    async with _gateway(APP) as url:
        socket_url = url.replace("http", "ws") + "/graphql"
        for origin in (APP, None, url):
            async with websockets.connect(socket_url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                                          origin=origin) as socket:  # type: ignore[arg-type]
                await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
                with pytest.raises(ConnectionClosed) as closed:
                    await socket.recv()
                # past the origin check, the next one: no token here
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401, origin
        with pytest.raises(InvalidStatus) as refused:
            await websockets.connect(socket_url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                                     origin="https://evil.example.com")  # type: ignore[arg-type]
        assert refused.value.response.status_code == 403


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>a page</title><p>a page of another origin</p>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@contextlib.contextmanager
def _pages() -> Iterator[tuple[str, str]]:
    """Two sites with a page each, on two ports of this host: two origins."""
    servers = [ThreadingHTTPServer(("127.0.0.1", free_port()), _Page) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield tuple(f"http://127.0.0.1:{s.server_address[1]}" for s in servers)  # type: ignore[misc]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def playwright() -> Path:
    if not CHROMIUM.exists():
        unavailable("Debian's chromium", "run ./scripts/install (apt-get install chromium)")
    return playwright_modules()


async def test_in_chromium_only_a_listed_origins_page_can_call_the_api(playwright: Path, tmp_path: Path) -> None:
    modules = playwright
    with _pages() as (listed, other):
        async with _gateway(listed) as url:
            task = {"gateway": url, "pages": [f"{listed}/", f"{other}/"], "userDataDir": str(tmp_path / "profile")}
            done = await asyncio.to_thread(
                subprocess.run, ["node", str(SCRIPT)], input=json.dumps(task), capture_output=True, text=True,
                timeout=120, env={**os.environ, "PLAYWRIGHT_MODULES": str(modules)}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    allowed, refused = report[f"{listed}/"], report[f"{other}/"]
    assert allowed["fetched"] == {"data": {"__typename": "Query"}}, allowed
    assert allowed["requestId"]  # an exposed header the app reads
    assert allowed["socketOpened"] and allowed["closeCode"] == 4401, allowed  # opened; then no token, refused
    assert allowed["fetched"] is not None and not allowed["fetchError"]
    assert refused["fetched"] is None and "Failed to fetch" in refused["fetchError"], refused
    assert not refused["socketOpened"] and refused["closeCode"] == 1006, refused  # never opened
