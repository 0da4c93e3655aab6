"""The exporter's own OTLP encoding against the SDK's: the same request, decoded by opentelemetry-proto."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags, TraceState

from telemetry import otlp


class _Keep(SpanExporter):
    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def export(self, spans):
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


def _recorded() -> list[ReadableSpan]:
    """Spans of two services and two scopes, with every kind of attribute value, events, links, a remote parent, a
    trace state, error statuses and names outside ASCII."""
    kept = _Keep()
    for service in ("gateway", "chat"):
        provider = TracerProvider(resource=Resource.create({"service.name": service, "service.instance.id": "h:1"},
                                                           schema_url="https://opentelemetry.io/schemas/1.21.0"))
        provider.add_span_processor(SimpleSpanProcessor(kept))
        for scope, version in (("aurontek", None), ("aurontek.events", "1.2")):
            tracer = provider.get_tracer(scope, version, schema_url="https://example.test/s" if version else None)
            remote = SpanContext(0x0AF7651916CD43DD8448EB211C80319C, 0xB7AD6B7169203331, is_remote=True,
                                 trace_flags=TraceFlags(1), trace_state=TraceState([("vendor", "x1"), ("o", "2")]))
            with tracer.start_as_current_span("POST /graphql", kind=SpanKind.SERVER,
                                              context=trace.set_span_in_context(trace.NonRecordingSpan(remote)),
                                              attributes={"http.route": "/graphql", "count": 3, "negative": -7,
                                                          "ratio": 0.25, "on": True, "off": False,
                                                          "names": ("a", "ñandú"), "numbers": [1, 2, 3],
                                                          "empty": ""}) as outer:
                outer.add_event("cache miss", {"key": "q", "size": 1 << 40})
                with tracer.start_as_current_span("fetch chat", kind=SpanKind.CLIENT,
                                                  links=[Link(remote, {"why": "batch"})]) as inner:
                    inner.set_status(Status(StatusCode.ERROR, "subgraph said no"))
                with pytest.raises(ValueError), tracer.start_as_current_span("résumé", kind=SpanKind.CONSUMER):
                    raise ValueError("boom")  # recorded as an exception event and an error status
                with tracer.start_as_current_span("ok", kind=SpanKind.PRODUCER) as done:
                    done.set_status(Status(StatusCode.OK))
            tracer.start_span("root, internal").end()
    return kept.spans


def test_the_request_decodes_to_what_the_sdk_would_send():
    spans = _recorded()
    ours = ExportTraceServiceRequest.FromString(otlp.encode(spans))
    theirs = encode_spans(spans)
    assert ours == theirs
    assert len(ours.resource_spans) == 2
    assert sum(len(scope.spans) for resource in ours.resource_spans for scope in resource.scope_spans) == len(spans)


def test_each_span_decodes_alone_and_in_any_order():
    spans = _recorded()
    for span in spans:
        assert ExportTraceServiceRequest.FromString(otlp.encode([span])) == encode_spans([span])
    backwards = list(reversed(spans))
    assert ExportTraceServiceRequest.FromString(otlp.encode(backwards)) == encode_spans(backwards)


def test_nothing_to_send_is_an_empty_request():
    assert otlp.encode([]) == b""
    assert ExportTraceServiceRequest.FromString(b"") == encode_spans([])
