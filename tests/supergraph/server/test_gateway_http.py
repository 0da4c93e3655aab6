"""The HTTP server: GET/POST, CSRF, body limit, limits, introspection, headers, health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import compose_subgraphs, gateway_server
from tests.supergraph.tiny_subgraph import TinySubgraph, serve_subgraphs

JSON = {"content-type": "application/json"}


@pytest.fixture
async def subgraphs() -> AsyncIterator[list[TinySubgraph]]:
    async with serve_subgraphs(entities.subgraphs()) as running:
        yield running


@pytest.fixture
def supergraph_file(subgraphs: list[TinySubgraph], tmp_path: Path) -> str:
    path = tmp_path / "supergraph.graphql"
    path.write_text(compose_subgraphs(subgraphs))
    return str(path)


async def _post(base: str, body: dict, headers: dict | None = None) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{base}/graphql", json=body, headers=headers)


async def test_health_and_post(supergraph_file: str) -> None:
    async with gateway_server(supergraph_file) as base, httpx.AsyncClient() as client:
        health = await client.get(f"{base}/health")
        response = await client.post(f"{base}/graphql", json={"query": "{ me { name } }"})
    assert health.json() == {"status": "ok", "supergraph": True}
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"name": "Ada"}}}
    assert len(response.headers["x-request-id"]) == 32


async def test_get_needs_a_preflight_header(supergraph_file: str) -> None:
    params = {"query": "{ me { name } }"}
    async with gateway_server(supergraph_file) as base, httpx.AsyncClient() as client:
        refused = await client.get(f"{base}/graphql", params=params)
        allowed = await client.get(f"{base}/graphql", params=params, headers={"apollo-require-preflight": "1"})
        mutation = await client.get(
            f"{base}/graphql", params={"query": "mutation { x }"}, headers={"graphql-require-preflight": "1"}
        )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"
    assert allowed.json() == {"data": {"me": {"name": "Ada"}}}
    assert mutation.status_code == 400  # no Mutation type in this supergraph: invalid


async def test_non_json_post_is_refused_without_preflight(supergraph_file: str) -> None:
    async with gateway_server(supergraph_file) as base, httpx.AsyncClient() as client:
        form = await client.post(
            f"{base}/graphql", content=b'{"query":"{ me { name } }"}', headers={"content-type": "text/plain"}
        )
    assert form.status_code == 400
    assert form.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"


async def test_body_limit(supergraph_file: str) -> None:
    async with gateway_server(supergraph_file, max_body_bytes=200) as base:
        response = await _post(base, {"query": "{ me { name } }" + " " * 300})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    ("setting", "query", "code"),
    [
        ({"max_depth": 2}, "{ products { reviews { author { name } } } }", "MAX_DEPTH_EXCEEDED"),
        ({"max_aliases": 1}, "{ a: me { name } b: me { n: name } }", "MAX_ALIASES_EXCEEDED"),
        ({"max_root_fields": 1}, "{ me { name } products { name } }", "MAX_ROOT_FIELDS_EXCEEDED"),
        ({"max_cost": 50}, "{ products { reviews { author { name } } } }", "MAX_COST_EXCEEDED"),
    ],
)
async def test_limits_reject_with_stable_codes(supergraph_file: str, setting: dict, query: str, code: str) -> None:
    async with gateway_server(supergraph_file, **setting) as base:
        response = await _post(base, {"query": query})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert "maximum" in error["message"]


async def test_introspection_switch(supergraph_file: str) -> None:
    query = {"query": "{ __schema { types { name } } }"}
    async with gateway_server(supergraph_file) as base:
        on = await _post(base, query)
    async with gateway_server(supergraph_file, introspection=False) as base:
        off = await _post(base, query)
    names = {t["name"] for t in on.json()["data"]["__schema"]["types"]}
    assert {"Product", "Review", "User"} <= names
    assert not any(name.startswith(("join__", "link__")) for name in names)
    assert off.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


async def test_authorization_and_request_id_reach_subgraphs(
    supergraph_file: str, subgraphs: list[TinySubgraph]
) -> None:
    headers = {"authorization": "Bearer t0k3n", "x-request-id": "req-42", "cookie": "secret=1"}
    async with gateway_server(supergraph_file) as base:
        await _post(base, {"query": "{ products { reviews { author { name } } } }"}, headers)
        await _post(base, {"query": "{ me { name } }"})
    for subgraph in subgraphs:
        first = subgraph.requests[0]["headers"]
        assert first["authorization"] == "Bearer t0k3n"
        assert first["x-request-id"] == "req-42"
        assert first["x-forwarded-for"] == "127.0.0.1"  # the address the gateway saw
        assert "cookie" not in first
    generated = subgraphs[0].requests[-1]["headers"]
    assert len(generated["x-request-id"]) == 32 and "authorization" not in generated


async def test_bad_requests(supergraph_file: str) -> None:
    async with gateway_server(supergraph_file) as base, httpx.AsyncClient() as client:
        not_json = await client.post(f"{base}/graphql", content=b"{nope", headers=JSON)
        syntax = await client.post(f"{base}/graphql", json={"query": "{ me { "})
        unknown = await client.post(f"{base}/graphql", json={"query": "{ nope }"})
        variables = await client.post(
            f"{base}/graphql", json={"query": "query($u: ID!) { product(upc: $u) { name } }", "variables": {}}
        )
        missing = await client.get(f"{base}/nowhere")
    assert not_json.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert syntax.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert unknown.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert variables.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert missing.status_code == 404


async def test_the_client_address_is_forwarded_through_trusted_proxies_only(
    supergraph_file: str, subgraphs: list[TinySubgraph]
) -> None:
    via_proxy = {"x-forwarded-for": "203.0.113.5", "user-agent": "helpdesk-app/1.0"}
    async with gateway_server(supergraph_file) as base:  # the test client is on loopback: a trusted proxy
        await _post(base, {"query": "{ me { name } }"}, via_proxy)
    seen = subgraphs[0].requests[-1]["headers"]
    assert seen["x-forwarded-for"] == "203.0.113.5, 127.0.0.1"
    assert seen["user-agent"] == "helpdesk-app/1.0"


def test_a_spoofed_chain_from_an_untrusted_peer_is_dropped() -> None:
    from supergraph.server.http import forwarded_headers

    headers = {"x-forwarded-for": "10.0.0.1"}
    untrusted = forwarded_headers(headers, "r", peer="198.51.100.7", trusted_proxies=("127.0.0.1",))
    assert untrusted["x-forwarded-for"] == "198.51.100.7"
    trusted = forwarded_headers(headers, "r", peer="127.0.0.1", trusted_proxies=("127.0.0.1",))
    assert trusted["x-forwarded-for"] == "10.0.0.1, 127.0.0.1"
