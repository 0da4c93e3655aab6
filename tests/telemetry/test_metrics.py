"""The metrics' label sets stay bounded whatever clients send, and `/metrics` is where the settings put it: on the
service's own port, on a separate listener (`METRICS_LISTEN`), or nowhere (`METRICS_ENABLED=false`). The gateway and a
subgraph are real `aurontek serve` processes, asked over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from telemetry import metrics
from tests.supergraph.gateway_harness import free_port

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"


def test_operation_names_beyond_the_limit_count_as_other() -> None:
    names = metrics.BoundedNames(limit=3)
    assert [names(n) for n in ("A", "B", None, "", "A", "C")] == ["A", "B", "anonymous", "anonymous", "A", "C"]
    assert names("D") == metrics.OTHER_OPERATION and names("E") == metrics.OTHER_OPERATION
    assert names("B") == "B"  # a name kept stays kept


@pytest.mark.parametrize(("code", "label"), [
    ("BAD_USER_INPUT", "BAD_USER_INPUT"), ("FORBIDDEN", "FORBIDDEN"), ("bad", "OTHER"), (None, "OTHER"), (7, "OTHER"),
    ("A" * 65, "OTHER"), ("DROP TABLE", "OTHER"), ("X\nY", "OTHER"),
])
def test_error_codes_are_labels_only_when_they_are_codes(code: object, label: str) -> None:
    assert metrics.code_label(code) == label


def test_the_outcome_is_ok_or_the_first_errors_code() -> None:
    assert metrics.first_code(None) == "OK" and metrics.first_code([]) == "OK"
    errors = [{"message": "no", "extensions": {"code": "FORBIDDEN"}}, {"extensions": {"code": "NOT_FOUND"}}]
    assert metrics.first_code(errors) == "FORBIDDEN"
    assert metrics.first_code([{"message": "no code"}]) == "OTHER"


def test_a_consumers_queue_names_its_service() -> None:
    assert metrics.service_of_queue("aurontek.notifications.notify") == "notifications"
    assert metrics.service_of_queue("test.faults.abc.tickets.chat") == "tickets"


@contextlib.asynccontextmanager
async def serving(name: str, arguments: list[str], environ: dict[str, str], *, port: int, probe: str,
                  timeout: float) -> AsyncIterator[str]:
    """`aurontek serve <name> ...` as a real process, yielded once `probe` says it is ready; stopped after."""
    process = subprocess.Popen([sys.executable, "-m", "aurontek", "serve", name, *arguments, "--port", str(port)],
                               cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as http:
            while True:
                assert process.poll() is None, f"{name} exited"
                with contextlib.suppress(httpx.TransportError, ValueError):
                    answer = await http.get(url + probe)
                    if answer.status_code == 200 and answer.json().get("supergraph", True):
                        break
                assert time.monotonic() < deadline, f"{name} did not start"
                await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@contextlib.asynccontextmanager
async def gateway(**env: str) -> AsyncIterator[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("METRICS_", "GATEWAY_"))}
    async with serving("gateway", ["--supergraph", str(SUPERGRAPH)], {**environ, **env}, port=free_port(),
                       probe="/health", timeout=30) as url:
        yield url


async def test_the_gateway_serves_its_metrics_on_its_own_port_by_default() -> None:
    async with gateway() as url, httpx.AsyncClient() as http:
        await http.post(f"{url}/graphql", json={"query": "query Ping { __typename }"})
        await http.post(f"{url}/graphql", json={"query": "query Broken { nope }"})
        answer = await http.get(f"{url}/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert 'aurontek_gateway_requests_total{code="OK",operation="Ping",type="query"} 1.0' in text
    # refused before it was read: named as the request names it (no operationName here), of no known type
    assert 'aurontek_gateway_requests_total{code="GRAPHQL_VALIDATION_FAILED",operation="anonymous",type="unknown"} ' \
        '1.0' in text
    assert 'aurontek_gateway_http_responses_total{status="2xx"} 1.0' in text
    assert 'aurontek_gateway_http_responses_total{status="4xx"} 1.0' in text
    assert 'aurontek_gateway_plan_cache_total{result="miss"}' in text
    assert "aurontek_gateway_websockets_open 0.0" in text
    assert "{ nope }" not in text and "__typename" not in text  # never an operation's text


async def test_metrics_move_to_their_own_listener_and_leave_the_public_port() -> None:
    port = free_port()
    async with gateway(METRICS_LISTEN=f"127.0.0.1:{port}") as url, httpx.AsyncClient() as http:
        await http.post(f"{url}/graphql", json={"query": "query Ping { __typename }"})
        public = await http.get(f"{url}/metrics")
        private = await http.get(f"http://127.0.0.1:{port}/metrics")
    assert public.status_code == 404
    assert private.status_code == 200 and 'operation="Ping"' in private.text


async def test_metrics_can_be_turned_off() -> None:
    async with gateway(METRICS_ENABLED="false") as url, httpx.AsyncClient() as http:
        assert (await http.get(f"{url}/metrics")).status_code == 404


@contextlib.asynccontextmanager
async def subgraph(mongo_url: str, data_dir: Path, **env: str) -> AsyncIterator[str]:
    """A real `aurontek serve users` process (its events on the in-process bus), ready to answer."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("METRICS_", "MONGODB_", "AMQP_"))}
    environ.update({"MONGODB_URL": mongo_url, "MONGODB_DATABASE_PREFIX": f"metrics{port}_", "AURONTEK_ENV": "test",
                    "AURONTEK_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING", **env})
    async with serving("users", [], environ, port=port, probe="/ready", timeout=60) as url:
        yield url


async def test_a_subgraph_serves_its_metrics_where_the_settings_put_them(mongo_url: str, tmp_path: Path) -> None:
    query = {"query": "query Probe { __typename }", "operationName": "Probe"}
    async with subgraph(mongo_url, tmp_path / "own", METRICS_SAMPLE_SECONDS="0.2") as url, \
            httpx.AsyncClient() as http:
        await http.post(f"{url}/graphql", json=query)
        deadline = time.monotonic() + 10
        while 'aurontek_outbox_pending{service="users"}' not in (text := (await http.get(f"{url}/metrics")).text):
            assert time.monotonic() < deadline, "the outbox backlog was never sampled"
            await asyncio.sleep(0.1)
    assert 'aurontek_subgraph_requests_total{code="OK",operation="Probe",service="users"} 1.0' in text
    assert 'aurontek_db_command_duration_seconds_count{command="' in text and 'service="users"' in text
    assert "__typename" not in text

    port = free_port()
    async with subgraph(mongo_url, tmp_path / "moved", METRICS_LISTEN=f"127.0.0.1:{port}") as url, \
            httpx.AsyncClient() as http:
        await http.post(f"{url}/graphql", json=query)
        public = await http.get(f"{url}/metrics")
        private = await http.get(f"http://127.0.0.1:{port}/metrics")
    assert public.status_code == 404
    assert private.status_code == 200 and 'operation="Probe",service="users"' in private.text

    async with subgraph(mongo_url, tmp_path / "off", METRICS_ENABLED="false") as url, httpx.AsyncClient() as http:
        assert (await http.get(f"{url}/metrics")).status_code == 404
