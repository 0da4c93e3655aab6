"""Trusted documents and automatic persisted queries, as clients send them: by `documentId`, by Apollo's
`extensions.persistedQuery`, over HTTP (POST and GET) and graphql-transport-ws, in `allow` and `require` modes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from supergraph.server.documents import Documents, introspection_only, load_manifest
from supergraph.server.settings import GatewaySettings
from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import compose_subgraphs, running_gateway
from tests.supergraph.identity import TokenIssuer, serve_jwks
from tests.supergraph.tiny_subgraph import TinySubgraph, serve_subgraphs
from tests.supergraph.ws_client import connect

ME = "query Me {\n  me {\n    name\n  }\n}"
OTHER = "{ me { name } }"  # the same fields, not the app's document
INTROSPECTION = "query Schema { __schema { queryType { name } } }"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _persisted(text: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": _hash(text)}}


@pytest.fixture
async def subgraphs() -> AsyncIterator[list[TinySubgraph]]:
    async with serve_subgraphs(entities.subgraphs()) as running:
        yield running


@pytest.fixture
def supergraph_file(subgraphs: list[TinySubgraph], tmp_path: Path) -> str:
    path = tmp_path / "supergraph.graphql"
    path.write_text(compose_subgraphs(subgraphs))
    return str(path)


@pytest.fixture
def manifest(tmp_path: Path) -> str:
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({_hash(ME): ME}))
    return str(path)


async def _post(base: str, body: dict) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{base}/graphql", json=body)


def _code(response: httpx.Response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


async def test_require_serves_the_manifest_by_id_and_refuses_any_other_text(supergraph_file: str,
                                                                            manifest: str) -> None:
    async with running_gateway(supergraph_file, persisted_documents=manifest,
                               persisted_documents_mode="require") as gateway:
        by_id = await _post(gateway.url, {"documentId": _hash(ME)})
        prefixed = await _post(gateway.url, {"documentId": f"sha256:{_hash(ME)}"})
        apollo = await _post(gateway.url, {"extensions": _persisted(ME), "operationName": "Me"})
        the_text = await _post(gateway.url, {"query": ME})  # a client's retry with the manifest's own text
        other = await _post(gateway.url, {"query": OTHER})
        unknown = await _post(gateway.url, {"documentId": _hash(OTHER)})
        unknown_with_text = await _post(gateway.url, {"query": OTHER, "extensions": _persisted(OTHER)})
        introspection = await _post(gateway.url, {"query": INTROSPECTION})
        async with httpx.AsyncClient() as client:
            get = await client.get(f"{gateway.url}/graphql", params={"documentId": _hash(ME)},
                                   headers={"apollo-require-preflight": "1"})
    for served in (by_id, prefixed, apollo, the_text, get):
        assert served.status_code == 200 and served.json() == {"data": {"me": {"name": "Ada"}}}
    assert other.status_code == 400 and _code(other) == "PERSISTED_QUERY_REQUIRED"
    assert unknown.status_code == 200 and _code(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"  # what Apollo's link looks for
    assert _code(unknown_with_text) == "PERSISTED_QUERY_REQUIRED"
    assert _code(introspection) == "PERSISTED_QUERY_REQUIRED"  # GraphiQL's schema only when set


async def test_require_can_let_introspection_through_and_nothing_else(supergraph_file: str, manifest: str) -> None:
    async with running_gateway(supergraph_file, persisted_documents=manifest, persisted_documents_mode="require",
                               persisted_documents_allow_introspection=True) as gateway:
        introspection = await _post(gateway.url, {"query": INTROSPECTION})
        mixed = await _post(gateway.url, {"query": "{ __typename me { name } }"})
    assert introspection.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert _code(mixed) == "PERSISTED_QUERY_REQUIRED"


async def test_allow_serves_ids_and_any_text(supergraph_file: str, manifest: str) -> None:
    async with running_gateway(supergraph_file, persisted_documents=manifest) as gateway:
        by_id = await _post(gateway.url, {"documentId": _hash(ME)})
        text = await _post(gateway.url, {"query": OTHER})
        unknown_with_text = await _post(gateway.url, {"query": OTHER, "extensions": _persisted(OTHER)})
        unknown = await _post(gateway.url, {"extensions": _persisted(OTHER)})
    for served in (by_id, text, unknown_with_text):
        assert served.json() == {"data": {"me": {"name": "Ada"}}}
    assert _code(unknown) == "PERSISTED_QUERY_NOT_FOUND"


async def test_automatic_persisted_queries_register_on_the_second_try(supergraph_file: str) -> None:
    async with running_gateway(supergraph_file, apq=True, apq_size=2) as gateway:
        miss = await _post(gateway.url, {"extensions": _persisted(OTHER)})
        wrong = await _post(gateway.url, {"query": "{ me { id } }", "extensions": _persisted(OTHER)})
        still_missing = await _post(gateway.url, {"extensions": _persisted(OTHER)})  # a mismatch registers nothing
        registered = await _post(gateway.url, {"query": OTHER, "extensions": _persisted(OTHER)})
        hit = await _post(gateway.url, {"extensions": _persisted(OTHER)})
        for number in range(2):  # two more texts push the first out of a cache of two
            text = f"query Q{number} {{ me {{ name }} }}"
            await _post(gateway.url, {"query": text, "extensions": _persisted(text)})
        evicted = await _post(gateway.url, {"extensions": _persisted(OTHER)})
    assert miss.status_code == 200 and _code(miss) == "PERSISTED_QUERY_NOT_FOUND"
    assert _code(wrong) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert _code(still_missing) == "PERSISTED_QUERY_NOT_FOUND"
    assert registered.json() == hit.json() == {"data": {"me": {"name": "Ada"}}}
    assert _code(evicted) == "PERSISTED_QUERY_NOT_FOUND"


async def test_without_either_a_hash_alone_is_not_supported_and_text_still_runs(supergraph_file: str) -> None:
    async with running_gateway(supergraph_file) as gateway:
        alone = await _post(gateway.url, {"extensions": _persisted(OTHER)})
        with_text = await _post(gateway.url, {"query": OTHER, "extensions": _persisted(OTHER)})
        malformed = await _post(gateway.url, {"documentId": 42})
        long_id = await _post(gateway.url, {"documentId": "x" * 300})
    assert _code(alone) == "PERSISTED_QUERY_NOT_SUPPORTED"  # Apollo's link then stops sending hashes
    assert with_text.json() == {"data": {"me": {"name": "Ada"}}}
    assert malformed.status_code == 400 and _code(malformed) == "BAD_REQUEST"
    assert long_id.status_code == 400 and _code(long_id) == "BAD_REQUEST"


async def test_graphql_ws_names_documents_the_same_way(supergraph_file: str, manifest: str) -> None:
    issuer = TokenIssuer()
    async with serve_jwks(issuer) as jwks, running_gateway(
            supergraph_file, persisted_documents=manifest, persisted_documents_mode="require",
            auth_jwks_url=jwks.url) as gateway, connect(gateway.ws_url) as client:
        assert (await client.init(f"Bearer {issuer.token()}"))["type"] == "connection_ack"
        await client.send({"id": "1", "type": "subscribe", "payload": {"documentId": _hash(ME)}})
        by_id = await client.receive()
        await client.receive()  # complete
        await client.send({"id": "2", "type": "subscribe",
                           "payload": {"query": ME, "extensions": _persisted(ME)}})  # as Apollo's socket link sends
        by_extension = await client.receive()
        await client.receive()
        await client.subscribe("3", OTHER)
        refused = await client.receive()
        await client.send({"id": "4", "type": "subscribe", "payload": {"documentId": _hash(OTHER)}})
        unknown = await client.receive()
    assert by_id == {"id": "1", "type": "next", "payload": {"data": {"me": {"name": "Ada"}}}}
    assert by_extension["payload"] == {"data": {"me": {"name": "Ada"}}}
    assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    assert unknown["type"] == "error" and unknown["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_a_manifest_that_does_not_hash_to_its_keys_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({_hash(ME): OTHER}))
    with pytest.raises(ValueError, match="hashes to"):
        load_manifest(path)
    path.write_text(json.dumps(["not", "a", "map"]))
    with pytest.raises(ValueError, match="JSON object"):
        load_manifest(path)
    with pytest.raises(ValueError, match="cannot read"):
        load_manifest(tmp_path / "missing.json")
    assert load_manifest(_write(tmp_path, {"custom-id": ME})) == {"custom-id": ME}  # ids of other schemes: kept


def _write(tmp_path: Path, manifest: dict) -> Path:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(manifest))
    return path


def test_contradictory_settings_stop_the_start(manifest: str) -> None:
    with pytest.raises(ValueError, match="needs GATEWAY_PERSISTED_DOCUMENTS"):
        Documents.from_settings(GatewaySettings(persisted_documents_mode="require"))
    with pytest.raises(ValueError, match="cannot be on"):
        Documents.from_settings(GatewaySettings(persisted_documents=manifest, persisted_documents_mode="require",
                                                apq=True))


@pytest.mark.parametrize(("text", "only"), [
    (INTROSPECTION, True),
    ("{ __type(name: \"Query\") { name } ... on Query { __typename } }", True),
    ("{ __schema { types { name } } me { name } }", False),
    ("query A { __typename } query B { me { name } }", False),
    ("{ ...F } fragment F on Query { __schema { types { name } } }", False),  # spreads at the root: not trusted
    ("{ __schema", False),
    ("fragment F on Query { __typename }", False),
])
def test_introspection_only(text: str, only: bool) -> None:
    assert introspection_only(text) is only
