"""Log records that name the trace they were written in."""

from __future__ import annotations

import logging

from telemetry import tracing


class TraceIds(logging.Filter):
    """Gives each record `trace` (" traceId=… spanId=…", or "" outside a trace) for a format string to print."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = tracing.log_ids()
        record.trace = f" traceId={ids[0]} spanId={ids[1]}" if ids else ""
        return True
