"""Kept spans recorded and batched without the SDK's span machinery.

The SDK's span validates and copies every attribute under a lock. It asks the sampler again for a decision `span`
has already made, and passes each ended span through two processors, each taking its own lock. On the gateway that
cost a kept request about a sixth of its own time (benchmarks/gateway/RESULTS.md). For the standard samplers,
`tracing.span` decides first whether a trace is kept; a kept span is then a `RecordedSpan`. It is an
`opentelemetry.trace.Span`, so the API's context functions see it as usual. It keeps what the OTLP encoding reads,
and when it ends it goes onto the `Batcher`'s queue, which a thread of its own exports in batches.

A span is written as OTLP bytes when it ends, not when its batch is sent: what waits for an export is bytes, which
the garbage collector never looks through, and the span object is freed at once.

The thread sends whole batches, and everything only when the schedule's delay runs out. Sending until the queue is
empty, as it first did, meant a stream of small requests under a steady load; with every trace kept, that cost the
gateway about twice the CPU per request that recording and writing the spans did (benchmarks/gateway/RESULTS.md).

The batching follows the standard variables `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_BSP_MAX_QUEUE_SIZE` and
`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`; an export's own timeout is the exporter's (`OTEL_EXPORTER_OTLP_TIMEOUT`). A span
that finds the queue full is dropped and counted, as the SDK does.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from time import time_ns
from typing import Any, NamedTuple

from opentelemetry import trace
from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode

from telemetry.otlp import encode_span

log = logging.getLogger(__name__)

__all__ = ["Batcher", "Event", "Owner", "RecordedSpan"]

_UNSET = Status(StatusCode.UNSET)


class Event(NamedTuple):
    """A span event, as the OTLP encoding reads it."""

    name: str
    timestamp: int
    attributes: Mapping[str, Any] | None
    dropped_attributes: int = 0


class Owner(NamedTuple):
    """Whose spans: the service's resource and the instrumentation scope, both written once per export."""

    resource: Any
    instrumentation_scope: Any


class RecordedSpan(trace.Span):
    """A span a kept trace records: the fields the OTLP encoding reads (those of the SDK's `ReadableSpan`)."""

    __slots__ = ("_context", "_done", "attributes", "end_time", "events", "instrumentation_scope", "kind", "name",
                 "parent", "resource", "start_time", "status")

    links: Sequence[Any] = ()
    dropped_attributes = dropped_events = dropped_links = 0

    def __init__(self, name: str, context: SpanContext, parent: SpanContext | None, kind: SpanKind,
                 attributes: Mapping[str, Any] | None, owner: Owner, done: Callable[[RecordedSpan], None]) -> None:
        self.name = name
        self._context = context
        self.parent = parent
        self.kind = kind
        self.attributes: dict[str, Any] = dict(attributes) if attributes else {}
        self.events: list[Event] = []
        self.status = _UNSET
        self.resource, self.instrumentation_scope = owner
        self._done: Callable[[RecordedSpan], None] | None = done
        self.start_time = time_ns()
        self.end_time: int | None = None

    def get_span_context(self) -> SpanContext:
        return self._context

    def is_recording(self) -> bool:
        return self._done is not None

    def end(self, end_time: int | None = None) -> None:
        done = self._done
        if done is None:  # ended already
            return
        self._done = None
        self.end_time = end_time if end_time is not None else time_ns()
        done(self)

    def set_attribute(self, key: str, value: Any) -> None:
        if self._done is not None and value is not None:
            self.attributes[key] = value

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        if self._done is not None:
            self.attributes.update((key, value) for key, value in attributes.items() if value is not None)

    def add_event(self, name: str, attributes: Mapping[str, Any] | None = None,
                  timestamp: int | None = None) -> None:
        if self._done is not None:
            self.events.append(Event(name, timestamp if timestamp is not None else time_ns(),
                                     dict(attributes) if attributes else None))

    def update_name(self, name: str) -> None:
        if self._done is not None:
            self.name = name

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        if self._done is None or self.status.status_code is StatusCode.OK:  # OK is final, as in the SDK
            return
        self.status = status if isinstance(status, Status) else Status(status, description)

    def record_exception(self, exception: BaseException, attributes: Mapping[str, Any] | None = None,
                         timestamp: int | None = None, escaped: bool = False) -> None:
        module, name = type(exception).__module__, type(exception).__qualname__
        recorded: dict[str, Any] = {
            "exception.type": f"{module}.{name}" if module and module != "builtins" else name,
            "exception.message": str(exception),
            "exception.stacktrace": "".join(traceback.format_exception(exception)),
            "exception.escaped": str(escaped),
        }
        if attributes:
            recorded.update(attributes)
        self.add_event("exception", recorded, timestamp)


def _setting(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        log.warning("%s is not a whole number; %d is used", name, default)
        return default
    return value if value > 0 else default


class Batcher(SpanProcessor):
    """Ended spans queued and exported in batches from a thread of its own: a `SpanProcessor` to the SDK (spans of
    samplers `tracing.span` does not decide for come here too), and `RecordedSpan`'s end."""

    def __init__(self, exporter: Any) -> None:
        """`exporter`: a `telemetry.otlp.SpanExporter` (what it needs: `export_written` and `shutdown`)."""
        self.exporter = exporter
        self.delay = _setting("OTEL_BSP_SCHEDULE_DELAY", 5000) / 1000
        self.max_queue = _setting("OTEL_BSP_MAX_QUEUE_SIZE", 2048)
        self.max_batch = min(_setting("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512), self.max_queue)
        self.dropped = 0
        self._queue: deque[tuple[tuple[int, int], bytes]] = deque()
        self._owners: dict[tuple[int, int], tuple[Any, Any]] = {}
        self._wake = threading.Event()
        self._exporting = threading.Lock()  # one export at a time: the thread's or a flush's
        self._thread: threading.Thread | None = None
        self._stopped = False
        os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        self._queue.clear()
        self._wake = threading.Event()
        self._exporting = threading.Lock()
        self._thread = None

    # the SDK's SpanProcessor interface
    def on_start(self, span: Any, parent_context: Any = None) -> None:
        pass

    def on_end(self, span: Any) -> None:
        if span.get_span_context().trace_flags.sampled:
            self.add(span)

    def add(self, span: Any) -> None:
        """Queue an ended span, written as it will be sent (a full queue drops it; after shutdown, nothing is
        taken)."""
        queue = self._queue
        if len(queue) >= self.max_queue or self._stopped:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 10_000 == 0:
                log.warning("the span queue is full (%d): %d spans dropped so far", self.max_queue, self.dropped)
            return
        try:
            written = encode_span(span)
        except Exception:
            log.exception("could not write span %r", getattr(span, "name", span))
            return
        resource, scope = span.resource, span.instrumentation_scope
        key = (id(resource), id(scope))
        if key not in self._owners:  # a handful per process: each service's resource and scope
            self._owners[key] = (resource, scope)
        queue.append((key, written))  # ints and bytes: the collector stops looking at it at once
        if self._thread is None:
            self._start()
        elif len(queue) == self.max_batch:
            self._wake.set()

    def _start(self) -> None:
        with self._exporting:
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name="span-export", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopped:
            full = self._wake.wait(self.delay)
            self._wake.clear()
            self._export(everything=not full)

    def _export(self, *, everything: bool) -> bool:
        """Send what waits now in batches: full batches only when a full one woke the thread, everything when the
        schedule's delay ran out (or on a flush). Spans that end meanwhile wait for the next turn: sending until the
        queue is empty would send a stream of small batches under a steady load, each costing a request."""
        with self._exporting:
            queue, owners = self._queue, self._owners
            waiting = len(queue)
            while waiting >= self.max_batch or (everything and waiting > 0):
                size = min(self.max_batch, waiting)
                waiting -= size
                batch = [(*owners[key], written) for key, written in (queue.popleft() for _ in range(size))]
                try:
                    self.exporter.export_written(batch)
                except Exception:
                    log.exception("could not export %d spans", len(batch))
                    return False
        return True

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self._export(everything=True)

    def shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._wake.set()
        self._export(everything=True)
        self.exporter.shutdown()
