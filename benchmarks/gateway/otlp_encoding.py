"""What writing finished spans as an OTLP request costs: the SDK's encoder against `telemetry.otlp.encode`.

`.venv/bin/python -m benchmarks.gateway.otlp_encoding [SPANS]`: records SPANS spans shaped like the gateway's (a
request span with its operation's attributes, a fetch span with the subgraph's), then encodes them in batches of
512 (the batch processor's default) both ways, alternating, five times; prints the median microseconds per span
and checks that both give the same request.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind

from telemetry.otlp import encode

BATCH = 512


class _Keep(SpanExporter):
    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def export(self, spans):  # type: ignore[no-untyped-def]
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


def recorded(count: int) -> list[ReadableSpan]:
    kept = _Keep()
    provider = TracerProvider(resource=Resource.create({"service.name": "gateway", "service.instance.id": "h:1"}))
    provider.add_span_processor(SimpleSpanProcessor(kept))
    tracer = provider.get_tracer("aurontek")
    for _ in range(count // 2):
        with tracer.start_as_current_span("POST /graphql", kind=SpanKind.SERVER,
                                          attributes={"http.route": "/graphql"}) as request:
            request.set_attributes({"graphql.operation.type": "query", "graphql.operation.name": "TicketQueue"})
            with tracer.start_as_current_span("fetch tickets", kind=SpanKind.CLIENT, attributes={
                    "aurontek.subgraph": "tickets", "aurontek.fetch.kind": "entities",
                    "graphql.operation.type": "query", "aurontek.fetch.entities": 25}):
                pass
    return kept.spans


def _per_span(spans: list[ReadableSpan], write) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for at in range(0, len(spans), BATCH):
        write(spans[at:at + BATCH])
    return (time.perf_counter() - started) / len(spans) * 1e6


def main() -> int:
    spans = recorded(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
    assert ExportTraceServiceRequest.FromString(encode(spans[:BATCH])) == encode_spans(spans[:BATCH])
    gc.disable()  # the spans are kept alive anyway: collections would only add noise to both sides
    sdk, ours = [], []
    for _ in range(5):
        sdk.append(_per_span(spans, lambda batch: encode_spans(batch).SerializePartialToString()))
        ours.append(_per_span(spans, encode))
    sdk_median, ours_median = statistics.median(sdk), statistics.median(ours)
    print(f"{len(spans):,} spans, batches of {BATCH}, median of 5 alternating runs")
    print(f"the SDK's encoder:      {sdk_median:6.1f} µs per span")
    print(f"telemetry.otlp.encode:  {ours_median:6.1f} µs per span ({sdk_median / ours_median:.1f}x faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
