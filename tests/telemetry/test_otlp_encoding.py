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


def test_a_span_recorded_without_the_sdk_decodes_to_what_the_sdk_would_send():
    from opentelemetry.sdk.util.instrumentation import InstrumentationScope

    from telemetry.recorder import Owner, RecordedSpan

    ended: list[RecordedSpan] = []
    owner = Owner(Resource.create({"service.name": "gateway", "service.instance.id": "h:1"}),
                  InstrumentationScope("aurontek"))
    remote = SpanContext(0x0AF7651916CD43DD8448EB211C80319C, 0xB7AD6B7169203331, is_remote=True,
                         trace_flags=TraceFlags(1), trace_state=TraceState([("vendor", "x1")]))
    outer = RecordedSpan("POST /graphql", SpanContext(remote.trace_id, 0x1111, False, TraceFlags(1),
                                                      remote.trace_state),
                         remote, SpanKind.SERVER, {"http.route": "/graphql", "on": True, "count": 1}, owner,
                         ended.append)
    outer.set_attributes({"graphql.operation.type": "query", "nothing": None})
    outer.update_name("query Ticket")
    inner = RecordedSpan("fetch tickets", SpanContext(remote.trace_id, 0x2222, False, TraceFlags(1)),
                         outer.get_span_context(), SpanKind.CLIENT, {"aurontek.fetch.entities": 10}, owner,
                         ended.append)
    inner.record_exception(ValueError("subgraph said no"))
    inner.set_status(Status(StatusCode.ERROR, "subgraph said no"))
    inner.end()
    inner.end()  # a second end changes nothing and sends nothing twice
    inner.set_attribute("late", "ignored")
    outer.set_status(Status(StatusCode.OK))
    outer.set_status(Status(StatusCode.ERROR, "too late"))  # OK is final
    outer.end()
    assert ended == [inner, outer]
    assert "late" not in inner.attributes and "nothing" not in outer.attributes
    ours = ExportTraceServiceRequest.FromString(otlp.encode(ended))
    assert ours == encode_spans(ended)
    decoded = {span.name: span for span in ours.resource_spans[0].scope_spans[0].spans}
    assert set(decoded) == {"query Ticket", "fetch tickets"}
    assert decoded["fetch tickets"].parent_span_id == (0x1111).to_bytes(8, "big")
    assert decoded["fetch tickets"].events[0].name == "exception"
    assert decoded["query Ticket"].status.code == 1  # OK


def test_the_batcher_exports_in_batches_drops_past_its_queue_and_flushes_at_shutdown(monkeypatch):
    from opentelemetry.sdk.util.instrumentation import InstrumentationScope

    from telemetry.recorder import Batcher, Owner, RecordedSpan

    class Exported:
        def __init__(self) -> None:
            self.requests: list[ExportTraceServiceRequest] = []
            self.closed = False

        def export_written(self, spans):
            self.requests.append(ExportTraceServiceRequest.FromString(otlp.request(spans)))
            return SpanExportResult.SUCCESS

        def shutdown(self) -> None:
            self.closed = True

    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "600000")  # only a full batch or the end sends
    monkeypatch.setenv("OTEL_BSP_MAX_QUEUE_SIZE", "25")
    monkeypatch.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10")
    exporter = Exported()
    batcher = Batcher(exporter)
    batcher._exporting.acquire()  # the thread cannot send yet: the queue fills
    batcher._thread = object()  # type: ignore[assignment]  # as if started, so nothing starts a thread here
    owners = [Owner(Resource.create({"service.name": name}), InstrumentationScope("aurontek"))
              for name in ("gateway", "chat")]
    for number in range(30):
        context = SpanContext(number + 1, number + 1, False, TraceFlags(1))
        RecordedSpan(f"span {number}", context, None, SpanKind.INTERNAL, {"n": number}, owners[number % 2],
                     batcher.add).end()
    assert batcher.dropped == 5
    batcher._exporting.release()
    batcher.shutdown()
    assert exporter.closed
    def service(resource) -> str:
        return next(a.value.string_value for a in resource.resource.attributes if a.key == "service.name")

    sent = [[(service(resource), span.name, span.attributes[0].value.int_value)
             for resource in request.resource_spans for scope in resource.scope_spans for span in scope.spans]
            for request in exporter.requests]
    assert [len(spans) for spans in sent] == [10, 10, 5]
    assert sorted(name for spans in sent for _, name, _ in spans) == sorted(f"span {n}" for n in range(25))
    assert all(service == ("gateway" if n % 2 == 0 else "chat") for spans in sent for service, _, n in spans)
    before = len(exporter.requests)
    RecordedSpan("late", SpanContext(99, 99, False, TraceFlags(1)), None, SpanKind.INTERNAL, None, owners[0],
                 batcher.add).end()
    assert batcher.force_flush() and len(exporter.requests) == before  # nothing is taken after shutdown
