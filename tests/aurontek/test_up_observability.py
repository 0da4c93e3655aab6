"""`aurontek up` with tracing on: one process holds every service, yet each span names its own service, and a
ticket's trace goes from the gateway through the in-process bus to every consumer; `/metrics` on the gateway's port
has every service's metrics, each under its `service` label."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx

from subgraphs.kernel.embedded_mongo import free_ports
from tests.fixtures.otlp import ReceivedSpan, otlp_receiver

ROOT = Path(__file__).resolve().parents[2]
LOGIN = """mutation($c: String) { login(input: {accessCode: $c, email: "carla@demo.aurontek.local",
    password: "Demo-Passw0rd-2026"}) { accessToken } }"""
CREATE = "mutation RaiseTicket($i: CreateTicketInput!) { createTicket(input: $i) { id } }"


async def _started(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while not any("Ctrl-C stops everything" in line for line in lines):
        line = await asyncio.to_thread(process.stdout.readline)
        assert line or process.poll() is None, "".join(lines)
        lines.append(line)
        assert time.monotonic() < deadline, "".join(lines)
    return lines


async def test_up_traces_each_service_as_itself_and_serves_every_services_metrics(tmp_path: Path) -> None:
    async with otlp_receiver() as receiver, httpx.AsyncClient(timeout=30) as http:
        env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URL", "AMQP_URL", "AURONTEK_ADMIN_PASSWORD",
                                                                "AURONTEK_ADMIN_EMAIL", "PUBLIC_URL")}
        port, *ports = free_ports(6)  # chosen together: one at a time, two could be the same
        names = ("USERS", "TICKETS", "CHAT", "NOTIFICATIONS", "IA")
        env.update({f"{name}_PORT": str(p) for name, p in zip(names, ports, strict=True)})
        env.update({"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "100",
                    "METRICS_SAMPLE_SECONDS": "0.5"})
        process = subprocess.Popen([sys.executable, "-m", "aurontek", "up", "--data-dir", str(tmp_path),
                                    "--port", str(port), "--demo"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        try:
            lines = await _started(process)
            code = next(line.split("access code ")[1].split()[0] for line in lines if "demo company admin" in line)
            gateway = f"http://127.0.0.1:{port}"
            login = (await http.post(f"{gateway}/graphql", json={"query": LOGIN, "variables": {"c": code}})).json()
            headers = {"authorization": f"Bearer {login['data']['login']['accessToken']}"}
            items = (await http.post(f"{gateway}/graphql", headers=headers,
                                     json={"query": "{ serviceItems { id name } }"})).json()["data"]["serviceItems"]
            item = next(i for i in items if i["name"] == "Network or VPN down")
            trace_id = secrets.token_hex(16)
            created = (await http.post(f"{gateway}/graphql", headers={
                **headers, "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}, json={
                "query": CREATE, "operationName": "RaiseTicket", "variables": {"i": {
                    "itemId": item["id"], "title": "Wifi keeps dropping", "description": "Every few minutes.",
                    "answers": [{"key": "where", "value": "Office, second floor"}]}}})).json()
            assert created.get("data"), created

            def handled() -> set[str]:
                return {s.service for s in receiver.trace(trace_id) if s.kind == "CONSUMER"}
            await receiver.wait_for(lambda: {"chat", "notifications", "ia"} <= handled(), timeout=30,
                                    what="each consumer's handling of the new ticket")
            spans = receiver.trace(trace_id)
            metrics = (await http.get(f"{gateway}/metrics")).text
        finally:
            process.send_signal(2)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    def one(**match: str) -> ReceivedSpan:
        found = [s for s in spans if all(getattr(s, key) == value for key, value in match.items())]
        assert len(found) == 1, (match, [(s.service, s.name) for s in spans])
        return found[0]
    by_id = {s.span_id: s for s in spans}
    request = one(service="gateway", kind="SERVER")
    mutation = one(service="tickets", kind="SERVER")
    assert request.name == "mutation RaiseTicket" and by_id[mutation.parent_id].parent_id == request.span_id
    publish = one(service="tickets", name="ticket.created publish")
    assert publish.attributes["messaging.system"] == "in-process"
    assert by_id[by_id[publish.parent_id].parent_id] is mutation  # through the outbox relay
    for span in (s for s in spans if s.kind == "CONSUMER" and s.attributes.get("aurontek.event.type") ==
                 "ticket.created"):
        assert span.parent_id == publish.span_id, span
    assert len({s.instance for s in spans}) == 1  # one process, many services

    for service in ("users", "tickets", "chat", "notifications", "ia"):
        assert f'aurontek_outbox_pending{{service="{service}"}}' in metrics, service
    assert 'aurontek_gateway_requests_total{code="OK",operation="RaiseTicket",type="mutation"} 1.0' in metrics
    assert 'aurontek_events_published_total{service="tickets",type="ticket.created"}' in metrics
