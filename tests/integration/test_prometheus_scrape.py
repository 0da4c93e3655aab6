"""Debian's Prometheus scrapes a running deployment (every service its own `aurontek serve` process on RabbitMQ) and
answers, through its own HTTP API, what an operator's dashboard asks after real traffic: the gateway's requests by
operation, a subgraph fetch's latency histogram, and each outbox's backlog, which drains back to zero."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.processes import answered, deployed, own_vhost, ticket_on
from tests.supergraph.gateway_harness import free_port

pytestmark = pytest.mark.amqp

PROMETHEUS = "/usr/bin/prometheus"
SEND = "mutation SendMessage($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
READ = "query TicketPage($id: ID!) { ticket(id: $id) { title messages(first: 5) { edges { node { text } } } } }"
FAST_SAMPLES = {"METRICS_SAMPLE_SECONDS": "0.5"}


def _prometheus() -> str:
    if os.path.exists(PROMETHEUS):
        return PROMETHEUS
    if os.environ.get("CI") == "true":
        pytest.fail("Debian's prometheus is not installed: ./scripts/install installs it")
    pytest.skip("Debian's prometheus is not installed (./scripts/install installs it)")


async def _query(http: httpx.AsyncClient, prometheus: str, expression: str) -> list[dict[str, Any]]:
    answer = (await http.get(f"{prometheus}/api/v1/query", params={"query": expression})).json()
    assert answer["status"] == "success", answer
    return answer["data"]["result"]


async def _eventually(http: httpx.AsyncClient, prometheus: str, expression: str, *, timeout: float = 30.0
                      ) -> list[dict[str, Any]]:
    """The first non-empty answer to `expression` (a filter such as `metric > 0` is empty until it holds)."""
    deadline = time.monotonic() + timeout
    while not (result := await _query(http, prometheus, expression)):
        assert time.monotonic() < deadline, f"Prometheus never answered {expression}"
        await asyncio.sleep(0.5)
    return result


async def test_prometheus_reads_the_gateway_a_fetch_histogram_and_the_outbox_backlog(
        amqp_url: str, mongo_url: str, http: httpx.AsyncClient, tmp_path: Path) -> None:
    binary = _prometheus()
    services = ("users", "tickets", "chat", "notifications", "gateway")
    async with own_vhost(amqp_url) as vhost, deployed(vhost, mongo_url, http, tmp_path,
                                                      env={name: FAST_SAMPLES for name in services}) as deployment:
        jobs = "\n".join(f"  - job_name: {name}\n    static_configs: [{{targets: ['127.0.0.1:{process.port}']}}]"
                         for name, process in deployment.services.items())
        config = tmp_path / "prometheus.yml"
        config.write_text(f"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n{jobs}\n")
        port = free_port()
        prometheus = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                                   f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                  stderr=(tmp_path / "prometheus.log").open("wb"))
        try:
            ticket = await ticket_on(deployment, http)
            gateway, token = deployment.gateway.url, ticket.customer.client.token or ""
            for number in range(3):
                await answered(http, gateway, token, SEND, {"t": ticket.id, "x": f"Step {number}"})
            await answered(http, gateway, token, READ, {"id": ticket.id})

            await _eventually(http, prometheus, f"count(up == 1) == {len(services)}")  # every process scraped
            assert {series["metric"]["job"] for series in await _query(http, prometheus, "up == 1")} == set(services)
            sent = await _eventually(http, prometheus,
                                     'aurontek_gateway_requests_total{operation="SendMessage",code="OK"} >= 3')
            assert sent[0]["metric"]["type"] == "mutation" and sent[0]["metric"]["job"] == "gateway"
            fetches = await _eventually(http, prometheus, 'sum by (subgraph, kind) '
                                        '(aurontek_gateway_subgraph_fetch_duration_seconds_count) > 0')
            kinds = {(s["metric"]["subgraph"], s["metric"]["kind"]) for s in fetches}
            assert ("chat", "root") in kinds and ("tickets", "root") in kinds
            buckets = await _eventually(http, prometheus, 'aurontek_gateway_subgraph_fetch_duration_seconds_bucket'
                                        '{subgraph="chat",kind="root",le="+Inf"} > 0')
            assert float(buckets[0]["value"][1]) >= 3
            p99 = await _query(http, prometheus, 'histogram_quantile(0.99, sum by (le) ('
                               'aurontek_gateway_subgraph_fetch_duration_seconds_bucket{subgraph="chat"}))')
            assert p99 and 0 < float(p99[0]["value"][1]) <= 10  # seconds: a real latency, read from the buckets
            # the outbox backlog of every service that writes events, down to zero once the relay caught up
            backlog = await _eventually(http, prometheus, "aurontek_outbox_pending == 0")
            assert {"users", "tickets", "chat", "notifications"} <= {s["metric"]["service"] for s in backlog}
            published = await _eventually(http, prometheus,
                                          'aurontek_events_published_total{type="chat.message_added"} >= 3')
            assert published[0]["metric"]["service"] == "chat"
            await _eventually(http, prometheus,
                              'aurontek_events_consumed_total{service="notifications"} > 0')
            await _eventually(http, prometheus, 'aurontek_db_command_duration_seconds_count{service="chat",'
                              'command="insert"} > 0')
        finally:
            server.terminate()
            server.wait(10)
    assert shutil.which(binary)
