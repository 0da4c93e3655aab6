"""`aurontek compose` and `fetch_subgraph_sdl` against real subgraph servers on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from composition_support import FIXTURES, fed2

from aurontek.cli import main
from supergraph.composition import fetch_subgraph_sdl
from supergraph.composition.fetch import SubgraphFetchError

USERS_SDL = fed2('type User @key(fields: "id") { id: ID! name: String } type Query { me: User }')


class _SubgraphHandler(BaseHTTPRequestHandler):
    """Answers `_service { sdl }` like a federation subgraph; records what it was sent."""

    sdl = USERS_SDL
    seen: list[tuple[dict, dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.seen.append((body, dict(self.headers)))
        if self.path != "/graphql":
            self.send_response(404)
            self.end_headers()
            return
        payload = json.dumps({"data": {"_service": {"sdl": self.sdl}}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def subgraph_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SubgraphHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_fetch_posts_the_service_query(subgraph_url: str) -> None:
    sdl = await fetch_subgraph_sdl(f"{subgraph_url}/graphql", headers={"authorization": "Bearer t"})

    assert sdl == USERS_SDL
    body, headers = _SubgraphHandler.seen[-1]
    assert body == {"query": "{ _service { sdl } }"}
    assert headers["authorization"] == "Bearer t"


async def test_fetch_reports_a_failing_subgraph(subgraph_url: str) -> None:
    with pytest.raises(SubgraphFetchError, match="HTTP 404"):
        await fetch_subgraph_sdl(f"{subgraph_url}/nowhere")


def test_compose_from_a_url_and_a_file(subgraph_url: str, tmp_path: Path) -> None:
    output = tmp_path / "supergraph.graphql"
    reviews = tmp_path / "reviews.graphql"
    reviews.write_text(fed2('type User @key(fields: "id") { id: ID! reviews: [String] }'))

    code = main([
        "compose",
        "--subgraph", f"users={subgraph_url}/graphql",
        "--subgraph", f"reviews={reviews}",
        "--routing-url", "reviews=http://reviews:4002/graphql",
        "--output", str(output),
    ])  # fmt: skip

    assert code == 0
    sdl = output.read_text()
    assert f'USERS @join__graph(name: "users", url: "{subgraph_url}/graphql")' in sdl
    assert 'REVIEWS @join__graph(name: "reviews", url: "http://reviews:4002/graphql")' in sdl


def test_compose_prints_errors_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    invalid = FIXTURES / "helpdesk_invalid"

    code = main([
        "compose",
        "--subgraph", f"tickets={invalid / 'tickets.graphql'}",
        "--subgraph", f"chat={invalid / 'chat.graphql'}",
        "--output", str(tmp_path / "out.graphql"),
    ])  # fmt: skip

    assert code == 1
    assert not (tmp_path / "out.graphql").exists()
    err = capsys.readouterr().err
    assert "INVALID_FIELD_SHARING" in err and "subgraphs: chat, tickets; at: Ticket.title" in err


def test_compose_needs_a_routing_url_for_unknown_files(tmp_path: Path, capsys) -> None:
    schema = tmp_path / "x.graphql"
    schema.write_text(USERS_SDL)

    code = main(["compose", "--subgraph", f"extra={schema}", "--output", str(tmp_path / "o")])

    assert code == 1
    assert "--routing-url extra=URL" in capsys.readouterr().err


def test_compose_defaults_to_the_five_services() -> None:
    from aurontek.commands.compose import DEFAULT_SUBGRAPHS

    assert list(DEFAULT_SUBGRAPHS) == ["users", "tickets", "chat", "notifications", "ia"]
    assert DEFAULT_SUBGRAPHS["ia"] == "http://127.0.0.1:3005/graphql"
