"""pymongo's command monitoring: a span for each database command sent while a traced operation runs, and each
command's time in the metrics."""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from pymongo import monitoring

from telemetry import metrics, tracing


class CommandSpans(monitoring.CommandListener):
    """Spans of one service's database commands. A command outside any recorded trace (a background poll, say)
    records nothing: it would be a trace of one span each."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._open: dict[tuple[Any, int], trace.Span] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if not trace.get_current_span().is_recording():  # outside a trace, or in one the sampler left out
            return
        collection = event.command.get(event.command_name)
        name = f"{event.command_name} {collection}" if isinstance(collection, str) else event.command_name
        span = tracing.child_span(
            self.service, name, kind=trace.SpanKind.CLIENT,
            attributes={"db.system": "mongodb", "db.namespace": event.database_name,
                        "db.operation.name": event.command_name,
                        **({"db.collection.name": collection} if isinstance(collection, str) else {})})
        if span is not None:
            self._open[(event.connection_id, event.request_id)] = span

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        span = self._open.pop((event.connection_id, event.request_id), None)
        if span is not None:
            span.end()

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        span = self._open.pop((event.connection_id, event.request_id), None)
        if span is not None:
            span.set_status(trace.Status(trace.StatusCode.ERROR, str(event.failure.get("errmsg", ""))[:200]))
            span.end()


class CommandTimes(monitoring.CommandListener):
    """How long each database command of one service took, by command (`aurontek_db_command_duration_seconds`)."""

    def __init__(self, service: str) -> None:
        self.service = service

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        metrics.child(metrics.DB_DURATION, self.service, event.command_name).observe(event.duration_micros / 1e6)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        metrics.child(metrics.DB_DURATION, self.service, event.command_name).observe(event.duration_micros / 1e6)
        metrics.child(metrics.DB_FAILURES, self.service, event.command_name).inc()
