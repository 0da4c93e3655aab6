"""Tracing is off unless an OTLP endpoint is set, costs nothing visible then, and follows the standard variables when
on (sampling ratio, disabling). Processes with tracing on are real child processes exporting to a real receiver."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from subgraphs.kernel.events.envelope import Event
from telemetry import tracing
from tests.fixtures.otlp import otlp_receiver
from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import compose_subgraphs, free_port
from tests.supergraph.tiny_subgraph import serve_subgraphs

ROOT = Path(__file__).resolve().parents[2]

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}


@pytest.mark.parametrize(("environ", "wanted"), [
    ({}, False),
    (ENDPOINT, True),
    ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
    ({**ENDPOINT, "OTEL_SDK_DISABLED": "true"}, False),
    ({**ENDPOINT, "OTEL_TRACES_EXPORTER": "none"}, False),
    ({"OTEL_TRACES_SAMPLER": "always_on"}, False),  # a sampler alone exports nowhere
])
def test_tracing_is_on_only_with_an_endpoint_and_not_disabled(environ: dict[str, str], wanted: bool) -> None:
    assert tracing._wanted(environ) is wanted


def test_while_off_nothing_is_recorded_or_sent_on() -> None:
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in os.environ and not tracing.enabled()
    with tracing.span("gateway", "anything") as span:
        assert span is None
        assert tracing.traceparent() is None and tracing.log_ids() is None
        headers: dict[str, str] = {}
        tracing.inject(headers)
        assert headers == {}
        assert Event(type="ticket.created", data={}).traceparent is None
    assert tracing.extract({"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}) is None


SPANS = textwrap.dedent("""
    from telemetry import tracing
    tracing.configure("tickets")
    tracing.current_service.set("tickets")
    for number in range(200):
        with tracing.span("tickets", f"work {number}"):
            with tracing.span(None, "inner"):
                pass
    tracing.shutdown()
""")


async def _exported(environ: dict[str, str]) -> tuple[int, set[str]]:
    async with otlp_receiver() as receiver:
        env = {**os.environ, "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "50", **environ}
        child = await asyncio.create_subprocess_exec(sys.executable, "-c", SPANS, env=env)
        assert await asyncio.wait_for(child.wait(), 60) == 0
        await asyncio.sleep(0.2)
        roots = [span for span in receiver.spans if span.name.startswith("work")]
        inner = [span for span in receiver.spans if span.name == "inner"]
        # a kept trace is kept whole: every inner span's parent was kept too
        assert {span.parent_id for span in inner} <= {span.span_id for span in roots}
        assert len(inner) == len(roots)
        return len(roots), {span.service for span in receiver.spans}


async def test_the_sampling_ratio_is_the_standard_variables() -> None:
    every, services = await _exported({"OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
                                        "OTEL_TRACES_SAMPLER_ARG": "1.0"})
    assert every == 200 and services == {"tickets"}
    tenth, _ = await _exported({"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"})
    assert 5 <= tenth <= 45  # 20 expected; ids are random
    none, _ = await _exported({"OTEL_TRACES_SAMPLER": "always_off"})
    assert none == 0
    disabled, _ = await _exported({"OTEL_SDK_DISABLED": "true"})
    assert disabled == 0


MASKED = textwrap.dedent("""
    import json
    from graphql import GraphQLError
    from subgraphs.kernel.graphql.errors import classify
    from subgraphs.kernel.logging import configure_logging
    from telemetry import tracing
    configure_logging("chat", fmt="json")
    tracing.configure("chat")
    with tracing.span("chat", "graphql SendMessage"):
        error = GraphQLError("boom", original_error=RuntimeError("the database said no"))
        classify(error)
    print(json.dumps({"message": error.message, "extensions": error.extensions}))
    tracing.shutdown()
""")


async def test_an_error_hidden_from_the_client_gives_it_the_trace_id_of_its_one_log_line() -> None:
    async with otlp_receiver() as receiver:
        env = {**os.environ, "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "50"}
        child = await asyncio.create_subprocess_exec(sys.executable, "-c", MASKED, env=env,
                                                     stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(child.communicate(), 60)
        assert child.returncode == 0, err.decode()
        await receiver.wait_for(lambda: any(s.name == "graphql SendMessage" for s in receiver.spans))
    shown = json.loads(out)
    assert shown["message"] == "Internal server error" and shown["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    trace_id = shown["extensions"]["traceId"]
    lines = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    logged = [line for line in lines if line.get("traceId") == trace_id]
    assert len(logged) == 1 and "the database said no" in logged[0]["exception"]
    assert "the database said no" not in out.decode()
    assert [s.trace_id for s in receiver.spans if s.name == "graphql SendMessage"] == [trace_id]


LEFT_OUT = textwrap.dedent("""
    import json
    from telemetry import tracing
    tracing.configure("gateway")
    seen = []
    for request in range(2):
        with tracing.span("gateway", "POST /graphql") as span:
            assert span is None
            with tracing.span(None, "graphql parse") as inner:
                assert inner is None  # part of the left-out trace: not a new trace of its own
            headers = {}
            tracing.inject(headers)
            seen.append([headers["traceparent"], tracing.traceparent(), tracing.log_ids()])
            kept = tracing.context_of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            with tracing.span(None, "consume", parent=kept) as continued:
                assert continued is not None and tracing.recording()  # a kept parent is followed
                with tracing.span(None, "consume step") as step:
                    assert step is not None  # inside a kept span, nothing is left out
                    downstream = {}
                    tracing.inject(downstream)
                    step_id = format(step.get_span_context().span_id, "016x")
                    assert downstream["traceparent"] == f"00-0af7651916cd43dd8448eb211c80319c-{step_id}-01"
            assert tracing.traceparent() == headers["traceparent"]  # back in the left-out trace
    assert tracing.traceparent() is None and tracing.log_ids() is None
    print(json.dumps(seen))
    tracing.shutdown()
""")


async def test_a_left_out_trace_says_so_downstream_under_one_id_per_request() -> None:
    async with otlp_receiver() as receiver:
        env = {**os.environ, "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "50",
               "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0"}
        child = await asyncio.create_subprocess_exec(sys.executable, "-c", LEFT_OUT, env=env,
                                                     stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(child.communicate(), 60)
        assert child.returncode == 0, err.decode()
        await receiver.wait_for(lambda: len(receiver.spans) >= 4)
    seen = json.loads(out)
    for injected, current, (trace_id, span_id) in seen:
        assert injected == current == f"00-{trace_id}-{span_id}-00"  # "not sampled", and the same id wherever asked
    assert seen[0][0] != seen[1][0]  # each request its own trace id, for its log lines
    assert sorted(span.name for span in receiver.spans) == ["consume", "consume", "consume step", "consume step"]
    consumed = {span.span_id for span in receiver.spans if span.name == "consume"}
    assert all(span.parent_id in consumed for span in receiver.spans if span.name == "consume step")
    assert {span.trace_id for span in receiver.spans} == {"0af7651916cd43dd8448eb211c80319c"}


FAILING = textwrap.dedent("""
    import asyncio
    from telemetry import tracing
    tracing.configure("tickets")

    async def main():
        try:
            with tracing.span("tickets", "fails"):
                raise LookupError("no such ticket")
        except LookupError:
            pass
        async def waits():
            with tracing.span("tickets", "cancelled"):
                await asyncio.sleep(10)
        task = asyncio.ensure_future(waits())
        await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        with tracing.span("tickets", "succeeds"):
            pass

    asyncio.run(main())
    tracing.shutdown()
""")


async def test_an_exception_leaving_a_span_is_recorded_on_it_and_a_cancellation_is_not_an_error() -> None:
    async with otlp_receiver() as receiver:
        env = {**os.environ, "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "50"}
        child = await asyncio.create_subprocess_exec(sys.executable, "-c", FAILING, env=env,
                                                     stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(child.communicate(), 60)
        assert child.returncode == 0, err.decode()
        await receiver.wait_for(lambda: len(receiver.spans) >= 3)
    spans = {span.name: span for span in receiver.spans}
    assert spans["fails"].status == "ERROR" and spans["fails"].status_message == "LookupError: no such ticket"
    assert spans["fails"].events == ("exception",)
    assert spans["cancelled"].status == "UNSET" and spans["cancelled"].events == ()
    assert spans["succeeds"].status == "UNSET" and spans["succeeds"].events == ()


THREE_SUBGRAPHS = "{ products { reviews { author { name } } } }"


async def test_the_gateway_tells_every_fetch_of_a_left_out_request_one_not_sampled_traceparent(tmp_path: Path) -> None:
    """A gateway process keeping no trace: each fetch of one request (three subgraphs here) carries that request's
    one `traceparent`, marked "not sampled", so no subgraph starts a trace of its own; each request its own; nothing
    is exported."""
    async with serve_subgraphs(entities.subgraphs()) as subgraphs, otlp_receiver() as receiver:
        supergraph = tmp_path / "supergraph.graphql"
        supergraph.write_text(compose_subgraphs(subgraphs))
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
               "OTEL_BSP_SCHEDULE_DELAY": "50", "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
               "OTEL_TRACES_SAMPLER_ARG": "0"}
        gateway = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "aurontek", "serve", "gateway", "--supergraph", str(supergraph), "--port", str(port),
            cwd=ROOT, env=env)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(100):
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get("/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                for request in ("first", "second"):
                    answered = await client.post("/graphql", json={"query": THREE_SUBGRAPHS},
                                                 headers={"x-request-id": request})
                    assert "errors" not in answered.json()
        finally:
            gateway.terminate()
            await gateway.wait()
    sent: dict[str, set[str]] = {}
    for subgraph in subgraphs:
        for received in subgraph.requests:
            sent.setdefault(received["headers"]["x-request-id"], set()).add(received["headers"]["traceparent"])
    assert {request: len(parents) for request, parents in sent.items()} == {"first": 1, "second": 1}
    assert sum(len(subgraph.requests) for subgraph in subgraphs) == 6  # three fetches a request
    (first,), (second,) = sent["first"], sent["second"]
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00", first) and first != second
    assert receiver.spans == []
