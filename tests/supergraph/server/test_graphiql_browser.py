"""GraphiQL in Debian's headless Chromium against `aurontek up --demo`: the page loads with nothing from
outside, a federated query over users, tickets and notifications answers, and a subscription event arrives."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aurontek.demo import DEMO_PASSWORD
from supergraph.server.graphiql import ASSETS, DEFAULT_ASSETS_DIR
from tests.fixtures.demo import playwright_modules, running_demo
from tests.supergraph.npm_packages import unavailable

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).parent / "browser" / "graphiql.cjs"
CHROMIUM = Path("/usr/bin/chromium")
OVERVIEW = """query Overview {
  me { name company { name } unreadNotificationCount }
  tickets(first: 10) { totalCount edges { node { reference title creator { name } } } }
}"""
SUBSCRIPTION = "subscription Notifications { notificationAdded { kind title } }"


@pytest.fixture(scope="module")
def playwright() -> Path:
    if not CHROMIUM.exists():
        unavailable("Debian's chromium", "run ./scripts/install (apt-get install chromium)")
    if any(not (DEFAULT_ASSETS_DIR / path).is_file() for path, _ in ASSETS.values()):
        unavailable("GraphiQL's browser files", "run ./scripts/install")
    return playwright_modules()


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`aurontek up --demo` on free ports: (GraphiQL URL, the demo company's access code)."""
    with running_demo(tmp_path_factory.mktemp("up")) as (origin, code):
        yield f"{origin}/graphql", code


def _login(url: str, code: str, email: str) -> str:
    answer = httpx.post(url, json={"query": "mutation($c: String, $e: String!, $p: String!) { login(input: "
                                            "{accessCode: $c, email: $e, password: $p}) { accessToken } }",
                                   "variables": {"c": code, "e": email, "p": DEMO_PASSWORD}}).json()
    return str(answer["data"]["login"]["accessToken"])


def _item_without_required_fields(url: str, token: str) -> str:
    answer = httpx.post(url, json={"query": "{ serviceItems { id form { required } } }"},
                        headers={"authorization": f"Bearer {token}"}).json()
    return next(i["id"] for i in answer["data"]["serviceItems"] if not any(f["required"] for f in i["form"]))


def test_graphiql_queries_and_subscribes_in_a_headless_browser(playwright: Path, product: tuple[str, str],
                                                               tmp_path: Path) -> None:
    url, code = product
    token = _login(url, code, "carla@demo.aurontek.local")
    task = {"url": url, "token": token, "itemId": _item_without_required_fields(url, token), "query": OVERVIEW,
            "subscription": SUBSCRIPTION, "userDataDir": str(tmp_path / "profile"),
            "screenshot": str(tmp_path / "graphiql.png")}
    done = subprocess.run(["node", str(SCRIPT)], input=json.dumps(task), capture_output=True, text=True,
                          timeout=240, env={**os.environ, "PLAYWRIGHT_MODULES": str(playwright)}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    origin = url.removesuffix("/graphql")
    assert report["title"].startswith("AURONTEK API")
    assert all(u.startswith(origin + "/") for u in report["requests"]), report["requests"]  # nothing from a CDN
    assert not report["consoleErrors"], report["consoleErrors"]
    assert report["sockets"] and all(u == url.replace("http://", "ws://") for u in report["sockets"])
    query = report["query"]
    assert "errors" not in query, query
    me, tickets = query["data"]["me"], query["data"]["tickets"]
    assert me["name"] == "Carla Customer" and me["company"] == {"name": "Demo Helpdesk"}  # users
    assert tickets["totalCount"] == 2  # tickets: the demo's two raised by Carla, their creator from users
    assert {edge["node"]["creator"]["name"] for edge in tickets["edges"]} == {"Carla Customer"}
    assert me["unreadNotificationCount"] >= 2  # notifications: one per ticket she raised
    assert report["event"]["data"]["notificationAdded"]["kind"] == "TICKET_CREATED", report
    assert any(ref in report["event"]["data"]["notificationAdded"]["title"] for ref in report["raised"])
