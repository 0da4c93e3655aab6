"""Prometheus metrics of every process (the gateway's and each subgraph's), served on `/metrics`.

One registry per process: with `aurontek up` every service shares it, so each subgraph's metric carries a `service`
label. Label values are bounded: operation names are the client's to choose, so each family keeps the first
`OPERATIONS` names it sees and counts the rest as `__other__`; error codes that are not UPPER_SNAKE count as `OTHER`.
Nothing here holds an id or an operation's text.

Settings (environment): `METRICS_ENABLED=false` turns `/metrics` off; `METRICS_LISTEN=host:port` serves it there
instead of on the service's own port (an interface the public cannot reach), once per process.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest, start_http_server

OPERATIONS = 200  # distinct operation names a family keeps as labels
OTHER_OPERATION = "__other__"
_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
LATENCY = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FAST = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

# the gateway
GATEWAY_REQUESTS = Counter("aurontek_gateway_requests", "Operations the gateway answered, by name, type and outcome "
                           "(OK, or the first error's code)", ["operation", "type", "code"])
GATEWAY_ERRORS = Counter("aurontek_gateway_errors", "Errors in the gateway's answers, by operation and code",
                         ["operation", "code"])
GATEWAY_DURATION = Histogram("aurontek_gateway_request_duration_seconds", "Time to answer an operation",
                             ["operation", "type"], buckets=LATENCY)
GATEWAY_HTTP = Counter("aurontek_gateway_http_responses", "HTTP responses of /graphql by status class", ["status"])
FETCH_DURATION = Histogram("aurontek_gateway_subgraph_fetch_duration_seconds", "Time of one fetch from a subgraph",
                           ["subgraph", "kind"], buckets=LATENCY)
FETCH_ERRORS = Counter("aurontek_gateway_subgraph_fetch_errors", "Fetches that failed (unreachable, timed out, "
                       "not GraphQL)", ["subgraph", "code"])
PLAN_CACHE = Counter("aurontek_gateway_plan_cache", "Operations prepared from the plan cache (hit) or anew (miss)",
                     ["result"])
WEBSOCKETS = Gauge("aurontek_gateway_websockets_open", "Client WebSockets open")
SUBSCRIPTIONS = Gauge("aurontek_gateway_subscriptions_open", "Client subscriptions running")
SLOW_CONSUMERS = Counter("aurontek_gateway_slow_consumer_closes", "Sockets closed because their client did not read "
                         "what was sent to it")

# the subgraphs
SUBGRAPH_REQUESTS = Counter("aurontek_subgraph_requests", "Operations a subgraph answered, by name and outcome",
                            ["service", "operation", "code"])
SUBGRAPH_DURATION = Histogram("aurontek_subgraph_request_duration_seconds", "Time a subgraph took for an operation",
                              ["service", "operation"], buckets=LATENCY)
DB_DURATION = Histogram("aurontek_db_command_duration_seconds", "Time of one database command",
                        ["service", "command"], buckets=FAST)
DB_FAILURES = Counter("aurontek_db_command_failures", "Database commands that failed", ["service", "command"])
OUTBOX_PENDING = Gauge("aurontek_outbox_pending", "Events written but not yet published", ["service"])
OUTBOX_AGE = Gauge("aurontek_outbox_oldest_age_seconds", "Age of the oldest event not yet published (0: none)",
                   ["service"])
EVENTS_PUBLISHED = Counter("aurontek_events_published", "Events published to the broker", ["service", "type"])
EVENTS_CONSUMED = Counter("aurontek_events_consumed", "Events a consumer handled", ["service", "queue"])
EVENTS_RETRIED = Counter("aurontek_events_retried", "Events whose handling failed and will be tried again",
                         ["service", "queue"])
EVENTS_DEAD = Counter("aurontek_events_dead_lettered", "Events set aside in a dead-letter queue", ["service", "queue"])
LIVE_DELIVERIES = Counter("aurontek_live_deliveries", "Live events handed to this instance's subscriptions",
                          ["service"])
MAIL_DURATION = Histogram("aurontek_mail_send_duration_seconds", "Time of one attempt to send a mail",
                          ["service", "outcome"], buckets=LATENCY)
MAIL_SENT = Counter("aurontek_mail_sent", "Mails the server accepted", ["service"])
MAIL_FAILURES = Counter("aurontek_mail_failures", "Attempts to send a mail that failed", ["service"])
MAIL_QUEUE = Gauge("aurontek_mail_queue_depth", "Mails waiting to be sent (new, retrying or being sent)", ["service"])
IA_QUEUE = Gauge("aurontek_ia_queue_depth", "Tickets waiting for the IA's analysis", ["service"])
IA_TRAINING = Counter("aurontek_ia_training_runs", "Training runs of the triage model, by outcome",
                      ["service", "outcome"])
IA_CONFIDENCE = Histogram("aurontek_ia_triage_confidence", "Confidence of each triage the IA made", ["service"],
                          buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0))


_children: dict[tuple[int, tuple[str, ...]], Any] = {}


def child(family: Any, *values: str) -> Any:
    """`family.labels(*values)`, kept: the client library takes a lock and builds a key on every `labels` call, which
    on the gateway's path cost more than counting itself. Label values are bounded, so this is too."""
    key = (id(family), values)
    found = _children.get(key)
    if found is None:
        found = _children[key] = family.labels(*values)
    return found


class BoundedNames:
    """Label values from a set the client chooses, kept to the first `limit` seen."""

    def __init__(self, limit: int = OPERATIONS) -> None:
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if name in self._seen:
            return name
        with self._lock:
            if len(self._seen) >= self.limit:
                return OTHER_OPERATION
            self._seen.add(name)
        return name


gateway_operation = BoundedNames()
subgraph_operation = BoundedNames()


def code_label(code: object) -> str:
    """An error code as a label: the stable UPPER_SNAKE codes as they are, anything else as OTHER."""
    return code if isinstance(code, str) and _CODE.fullmatch(code) else "OTHER"


def first_code(errors: object) -> str:
    """OK for an answer without errors, else the first error's `extensions.code`."""
    if not errors or not isinstance(errors, list):
        return "OK"
    first = errors[0]
    extensions = first.get("extensions") if isinstance(first, dict) else None
    return code_label(extensions.get("code") if isinstance(extensions, dict) else None)


def service_of_queue(queue: str) -> str:
    """`aurontek.notifications.notify` → `notifications` (the service that owns a consumer's queue)."""
    parts = queue.split(".")
    return parts[-2] if len(parts) >= 2 else queue


def status_class(status: int) -> str:
    return f"{status // 100}xx"


# -- serving -----------------------------------------------------------------------------------------------------------

_listening: tuple[str, int] | None = None
_listen_lock = threading.Lock()


def enabled() -> bool:
    return os.environ.get("METRICS_ENABLED", "true").strip().lower() not in ("false", "0", "no", "off")


def listen_address() -> tuple[str, int] | None:
    """`METRICS_LISTEN` as (host, port); None when unset."""
    value = os.environ.get("METRICS_LISTEN", "").strip()
    if not value:
        return None
    host, _, port = value.rpartition(":")
    if not port.isdigit():
        raise ValueError(f"METRICS_LISTEN must be host:port, not {value!r}")
    return host or "0.0.0.0", int(port)


def on_main_port() -> bool:
    """`/metrics` is served on the service's own port (not turned off, not moved to `METRICS_LISTEN`)."""
    return enabled() and listen_address() is None


def serve_elsewhere() -> tuple[str, int] | None:
    """Start the separate `/metrics` listener when `METRICS_LISTEN` asks for one (once per process)."""
    global _listening
    address = listen_address()
    if address is None or not enabled():
        return None
    with _listen_lock:
        if _listening is None:
            start_http_server(address[1], addr=address[0])
            _listening = address
    return _listening


def exposition() -> tuple[bytes, str]:
    """The registry as Prometheus reads it: (body, content type)."""
    return generate_latest(), CONTENT_TYPE_LATEST


def gauge_function(gauge: Gauge, read: Callable[[], float]) -> None:
    """`gauge` reads `read()` at each scrape."""
    gauge.set_function(read)
