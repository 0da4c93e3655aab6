"""The kernel's HTTP shell: health, readiness, error codes, body limit, client address."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from subgraphs.kernel.http import client_ip
from tests.harness import RunningService, start_service
from tests.subgraphs.kernel.probe import DEFINITION


@pytest.fixture(scope="module")
async def probe(mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[RunningService]:
    service = await start_service(DEFINITION, mongo_url=mongo_url, http=http, max_body_bytes=2048,
                                  max_upload_bytes=8192)
    yield service
    await service.stop()


async def test_health_and_readiness(probe: RunningService, http: httpx.AsyncClient) -> None:
    assert (await http.get(f"{probe.url}/health")).json() == {"status": "ok", "service": "probe"}
    ready = await http.get(f"{probe.url}/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": True, "events": True}


@pytest.mark.parametrize(("query", "code"), [
    ("{ echo(count: 1 ", "GRAPHQL_PARSE_FAILED"),
    ("{ nosuchfield }", "GRAPHQL_VALIDATION_FAILED"),
    ("{ clash }", "CONFLICT"),
    ("{ whoami { userId } }", "UNAUTHENTICATED"),
])
async def test_every_error_has_a_code(probe: RunningService, query: str, code: str) -> None:
    result = await probe.client(query)
    assert result.codes == [code]


async def test_bad_variables_are_bad_user_input(probe: RunningService) -> None:
    result = await probe.client("query($n: Int!) { echo(count: $n) }", {"n": "many"})
    assert result.codes == ["BAD_USER_INPUT"]
    missing = await probe.client("query($n: Int!) { echo(count: $n) }", {})
    assert missing.codes == ["BAD_USER_INPUT"]


async def test_unexpected_errors_are_masked(probe: RunningService) -> None:
    result = await probe.client("{ boom }")
    assert result.codes == ["INTERNAL_SERVER_ERROR"]
    assert "hunter2" not in str(result.errors) and result.errors[0]["message"] == "Internal server error"


async def test_app_errors_carry_their_extensions(probe: RunningService) -> None:
    result = await probe.client("{ clash }")
    assert result.errors[0]["extensions"] == {"code": "CONFLICT", "field": "name"}


async def test_oversized_bodies_are_refused(probe: RunningService, http: httpx.AsyncClient) -> None:
    big = {"query": "{ echo(count: 1) }", "variables": {"pad": "x" * 4096}}
    response = await http.post(f"{probe.url}/graphql", json=big)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(3):
            yield b" " * 1024

    streamed = await http.post(f"{probe.url}/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


async def test_a_multipart_form_has_its_own_larger_limit(probe: RunningService, http: httpx.AsyncClient) -> None:
    """Files sent as files (past MAX_BODY_BYTES, within MAX_UPLOAD_BYTES) reach the GraphQL layer; past the upload
    limit the form is refused like any body."""
    operations = '{"query": "{ echo(count: 1) }"}'
    within = await http.post(f"{probe.url}/graphql", data={"operations": operations, "map": "{}"},
                             files={"pad": ("pad.txt", b"x" * 4096, "text/plain")},
                             headers={"apollo-require-preflight": "true"})
    assert within.status_code == 200 and "errors" not in within.json(), within.text
    over = await http.post(f"{probe.url}/graphql", data={"operations": operations, "map": "{}"},
                           files={"pad": ("pad.txt", b"x" * 9000, "text/plain")},
                           headers={"apollo-require-preflight": "true"})
    assert over.status_code == 413 and over.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_client_address_trusts_only_configured_proxies(probe: RunningService) -> None:
    via_proxy = await probe.client("{ clientIp }", **{"x-forwarded-for": "198.51.100.4, 127.0.0.1"})
    assert via_proxy.ok()["clientIp"] == "198.51.100.4"


def test_client_ip_rules() -> None:
    trusted = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip("203.0.113.9", "1.2.3.4", trusted) == "203.0.113.9"  # untrusted peer: header ignored
    assert client_ip("10.1.1.1", "1.2.3.4, 10.2.2.2", trusted) == "1.2.3.4"  # walk past our own proxies
    assert client_ip("127.0.0.1", "evil, 5.6.7.8", trusted) == "5.6.7.8"  # the rightmost untrusted hop wins
    assert client_ip("127.0.0.1", None, trusted) == "127.0.0.1"
