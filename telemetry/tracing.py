"""OpenTelemetry traces, off unless an OTLP endpoint is configured (the standard variables).

On when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set and neither
`OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none` says otherwise. Spans go out over OTLP/HTTP (protobuf)
in batches (`OTEL_BSP_SCHEDULE_DELAY`, ...); the sampler is the SDK's, from `OTEL_TRACES_SAMPLER` and
`OTEL_TRACES_SAMPLER_ARG` (`parentbased_traceidratio` and `0.1` keep one trace in ten, and every span of a kept
trace).

Each service has its own tracer provider, so its spans carry its own `service.name` even when several services share
one process (`aurontek up`); they share one exporter. Context crosses processes as W3C `traceparent`: HTTP headers
to subgraphs, the outbox row and the AMQP message header of an event, and the `extensions` of a live event.

With the standard samplers (`parentbased_*`), `span` decides whether a new trace is kept, and a kept span is
recorded without the SDK's span machinery (`telemetry/recorder.py`); with any other sampler the SDK makes the spans.
Either way they are written as OTLP bytes when they end and exported in batches by one thread.

While tracing is off, `enabled()` is False and every helper here returns at once: no span, no header.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import random
import socket
import threading
from collections.abc import Mapping, MutableMapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from telemetry.recorder import Batcher, Owner, RecordedSpan

_PROPAGATOR = TraceContextTextMapPropagator()
_lock = threading.Lock()
_providers: dict[str, Any] = {}
_tracers: dict[str, Tracer] = {}
_owners: dict[str, Owner] = {}  # each service's resource and scope, for the spans recorded without the SDK
_processor: Batcher | None = None
_enabled: bool | None = None
_NOOP = trace.NoOpTracer()
_random, _random_bits = random.random, random.getrandbits
_NOT_SAMPLED, _SAMPLED = trace.TraceFlags(0), trace.TraceFlags(1)

# The trace context of the live event a subscription is about to send (set by the resolver that yields it, read by
# the transport that frames it): the graphql-transport-ws `next` message carries it in `extensions.traceparent`.
live_traceparent: contextvars.ContextVar[str | None] = contextvars.ContextVar("live_traceparent", default=None)
# The service whose work runs here, for spans made by code all services share (the event buses, the outbox): set
# where a service's work starts (its requests, its start-up, which its background tasks inherit).
current_service: contextvars.ContextVar[str] = contextvars.ContextVar("current_service", default="aurontek")

__all__ = [
    "Span",
    "SpanKind",
    "configure",
    "context_of",
    "current_service",
    "current_span",
    "enabled",
    "extract",
    "inject",
    "live_traceparent",
    "log_ids",
    "recording",
    "shutdown",
    "span",
    "traceparent",
    "tracer",
]


def _wanted(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return bool(environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def enabled() -> bool:
    """Tracing is on in this process (decided once, from the environment, on first use)."""
    global _enabled
    if _enabled is None:
        _enabled = _wanted(os.environ)
    return _enabled


def configure(service: str) -> bool:
    """Make `service`'s tracer ready (a no-op when tracing is off); True when spans are exported."""
    if not enabled():
        return False
    _provider(service)
    return True


def _provider(service: str) -> Any:
    global _processor
    provider = _providers.get(service)
    if provider is not None:
        return provider
    with _lock:
        provider = _providers.get(service)
        if provider is not None:
            return provider
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.util.instrumentation import InstrumentationScope

        from telemetry.otlp import SpanExporter

        if _processor is None:
            _processor = Batcher(SpanExporter())
        resource = Resource.create({"service.name": service, "service.namespace": "aurontek",
                                    "service.instance.id": f"{socket.gethostname()}:{os.getpid()}"})
        # the sampler comes from OTEL_TRACES_SAMPLER(_ARG); a new trace's own draw is made in `span` (see _ROOTS)
        provider = TracerProvider(resource=resource, sampler=_sampler(os.environ))
        provider.add_span_processor(_processor)
        _owners[service] = Owner(resource, InstrumentationScope("aurontek"))
        _providers[service] = provider
        return provider


# The standard samplers that keep a whole trace or none of it (the parent's decision is followed), with the share of
# new traces they keep. For these, a new trace is drawn for in `span` before the SDK is asked: a trace left out then
# costs a random number and a context switch instead of the SDK's span machinery (about 7 µs a request).
_ROOTS = {"parentbased_always_on": 1.0, "parentbased_always_off": 0.0, "parentbased_traceidratio": None}
_root_share: float | None = None  # None: the SDK's sampler decides everything (another sampler was chosen)


def _sampler(environ: Mapping[str, str]) -> Any:
    """The provider's sampler: ParentBased(always on) when `span` draws for new traces itself, else the SDK's own
    choice from the environment."""
    global _root_share
    from opentelemetry.sdk.trace import sampling

    name = environ.get("OTEL_TRACES_SAMPLER", "parentbased_always_on").strip().lower()
    if name not in _ROOTS:
        _root_share = None
        return sampling._get_from_env_or_default()
    share = _ROOTS[name]
    if share is None:
        try:
            share = min(1.0, max(0.0, float(environ.get("OTEL_TRACES_SAMPLER_ARG", "1.0"))))
        except ValueError:
            share = 1.0
    _root_share = share
    return sampling.ParentBased(sampling.ALWAYS_ON)


def tracer(service: str) -> Tracer:
    """The tracer of `service` (a tracer that records nothing while tracing is off)."""
    if not enabled():
        return _NOOP
    found = _tracers.get(service)
    if found is None:  # made once: the SDK builds a new tracer on every call
        found = _tracers[service] = _provider(service).get_tracer("aurontek")
    return found


class _LeftOut:
    """A new trace the sampler left out: its ids are drawn only if asked for (a fetch or an event sends its
    `traceparent` on, a log line or a masked error names it), so a left-out request costs one context variable."""

    __slots__ = ("_context", "_header", "_ids")

    def __init__(self) -> None:
        self._ids: tuple[int, int] | None = None
        self._context: trace.SpanContext | None = None
        self._header: str | None = None

    def header(self) -> str:
        """Its W3C `traceparent` ("not sampled"), written once: every subgraph fetch of the request sends it."""
        if self._header is None:
            trace_id, span_id = self._drawn()
            self._header = f"00-{trace_id:032x}-{span_id:016x}-00"
        return self._header

    def context(self) -> trace.SpanContext:
        if self._context is None:
            trace_id, span_id = self._drawn()
            self._context = trace.SpanContext(trace_id, span_id, is_remote=False, trace_flags=_NOT_SAMPLED)
        return self._context

    def _drawn(self) -> tuple[int, int]:
        if self._ids is None:
            self._ids = (_random_bits(128) or 1, _random_bits(64) or 1)
        return self._ids


_left_out: contextvars.ContextVar[_LeftOut | None] = contextvars.ContextVar("left_out_trace", default=None)


_KEEP = object()  # a scope that leaves the left-out trace as it found it


class _Scope:
    """What `span` returns: the span (or None) made current inside the block, ended after it.

    A class rather than a generator-based context manager: it runs around every request, and the generator and the
    SDK's own two context managers cost as much as the span (measured in benchmarks/gateway/RESULTS.md)."""

    __slots__ = ("_left_out_token", "_span", "_token")

    def __init__(self, current: Span | None, context: Context | None, left_out: _LeftOut | object | None = _KEEP
                 ) -> None:
        self._span = current
        self._token = None if context is None else otel_context.attach(context)
        self._left_out_token = None if left_out is _KEEP else _left_out.set(left_out)  # type: ignore[arg-type]

    def __enter__(self) -> Span | None:
        return self._span

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _traceback: Any) -> None:
        if self._left_out_token is not None:
            _left_out.reset(self._left_out_token)
        if self._token is not None:
            otel_context.detach(self._token)
        current = self._span
        if current is None:
            return
        # only errors: a cancelled task or a closed generator is not a failure of the work in the span
        if isinstance(error, Exception):
            current.record_exception(error)
            current.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
        current.end()


_NOTHING = _Scope(None, None)  # tracing off: nothing to attach, nothing to end (it holds no state, so it is shared)


def span(service: str | None, name: str, *, kind: SpanKind = SpanKind.INTERNAL, parent: Context | None = None,
         attributes: Mapping[str, Any] | None = None) -> _Scope:
    """A span of `service` around the `with` block, the current span inside it; None (and nothing recorded) when off.

    `service`: whose span (None: `current_service`'s); `parent`: the context to continue (an extracted
    `traceparent`); the current span's when None. An exception leaving the block is recorded on the span."""
    if not enabled():
        return _NOTHING
    inside_left_out = _left_out.get() is not None
    if parent is None and inside_left_out:
        return _NOTHING  # inside a left-out trace: part of it, left out too (no kept span is current there)
    above = trace.get_current_span(parent).get_span_context()  # the parent's, or the current span's
    if not above.is_valid:
        if _root_share is not None and (_root_share == 0.0 or _random() >= _root_share):
            # a new trace, left out: what is sent on says "not sampled", and nothing downstream records it
            return _Scope(None, None, _LeftOut())
    if above.is_valid and not above.trace_flags.sampled:
        # a trace the sampler dropped: no span, but what is sent on still says "not sampled", so no service
        # downstream starts a trace of its own for it
        return _NOTHING if parent is None else _Scope(None, parent)
    # a kept span under a parent given in a left-out trace: inside it, nothing is left out
    return _Scope(*_started(service or current_service.get(), name, above, kind, attributes, parent),
                  None if inside_left_out else _KEEP)


def _started(service: str, name: str, above: trace.SpanContext, kind: SpanKind, attributes: Mapping[str, Any] | None,
             parent: Context | None) -> tuple[Span, Context]:
    """A recording span under `above` (the parent's span context, invalid for a new trace) and the context naming
    it. `span` has decided that it is kept; with a sampler it does not decide for, the SDK makes the span."""
    if _root_share is None:
        current: Span = tracer(service).start_span(name, context=parent, kind=kind, attributes=attributes)
    else:
        owner = _owners.get(service)
        if owner is None:
            _provider(service)
            owner = _owners[service]
        assert _processor is not None  # made with the first provider
        if above.is_valid:
            context = trace.SpanContext(above.trace_id, _random_bits(64) or 1, False, _SAMPLED, above.trace_state)
        else:
            context = trace.SpanContext(_random_bits(128) or 1, _random_bits(64) or 1, False, _SAMPLED)
        current = RecordedSpan(name, context, above if above.is_valid else None, kind, attributes, owner,
                               _processor.add)
    return current, trace.set_span_in_context(current)


def child_span(service: str, name: str, *, kind: SpanKind = SpanKind.INTERNAL,
               attributes: Mapping[str, Any] | None = None) -> Span | None:
    """A span of `service` under the current one, started here and ended by the caller (one whose start and end
    are seen in two callbacks, as a database command's); None when no recorded trace is current."""
    if not enabled():
        return None
    above = trace.get_current_span()
    if not above.is_recording():
        return None
    return _started(service, name, above.get_span_context(), kind, attributes, None)[0]


def inject(carrier: MutableMapping[str, str], context: Context | None = None) -> None:
    """Add `traceparent` (and `tracestate`) of the current span, or of `context`, to `carrier`."""
    if not enabled():
        return
    if context is not None:
        _PROPAGATOR.inject(carrier, context=context)
        return
    current = trace.get_current_span().get_span_context()
    if current.is_valid:
        _write_header(carrier, current)
        return
    left_out = _left_out.get()
    if left_out is not None:
        carrier["traceparent"] = left_out.header()  # the common case at a low sampling ratio


def _write_header(carrier: MutableMapping[str, str], context: trace.SpanContext) -> None:
    """`traceparent` (and `tracestate`) of `context`, as the W3C propagator writes them, without its lookups."""
    carrier["traceparent"] = f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
    if context.trace_state:
        carrier["tracestate"] = context.trace_state.to_header()


def extract(carrier: Mapping[str, Any] | None) -> Context | None:
    """The context a `traceparent` in `carrier` names; None when there is none (or tracing is off)."""
    if not enabled() or not carrier or not carrier.get("traceparent"):
        return None
    clean = {key: str(value) for key, value in carrier.items() if key in ("traceparent", "tracestate")}
    context = _PROPAGATOR.extract(clean)
    return context if trace.get_current_span(context).get_span_context().is_valid else None


def context_of(value: str | None) -> Context | None:
    """The context of one `traceparent` value."""
    return extract({"traceparent": value}) if value else None


def traceparent() -> str | None:
    """The `traceparent` of the current span or left-out trace ("not sampled"), None outside any trace (or while
    tracing is off)."""
    if not enabled():
        return None
    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier.get("traceparent")


def recording() -> bool:
    """A sampled span is current: work here is recorded (False while tracing is off)."""
    return enabled() and trace.get_current_span().is_recording()


def current_span() -> Span | None:
    """The current recording span, None when there is none."""
    if not enabled():
        return None
    current = trace.get_current_span()
    return current if current.is_recording() else None


def log_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the current span as hex, for a log line; None without one."""
    if not enabled():
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        left_out = _left_out.get()
        if left_out is None:
            return None
        context = left_out.context()
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def shutdown() -> None:
    """Send what is still buffered (at a process's exit)."""
    if _processor is not None:
        with contextlib.suppress(Exception):
            _processor.force_flush(5_000)
