"""The database's slow operations during a run, grouped by shape: which queries the load pays for.

The database's profiler (level 1) records every operation slower than `slow_ms` in each database's
`system.profile`; operations are grouped by collection, kind and the shape of their filter (field names and
operators, values left out), heaviest total first.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from benchmarks.subscriptions.stack import Databases

SERVICES = ("users", "tickets", "chat", "notifications")


def shape(value: Any) -> Any:
    """A filter without its values: `{"a": 1, "$or": [{"b": 2}]}` -> `{"a": "?", "$or": [{"b": "?"}]}`."""
    if isinstance(value, dict):
        return {k: shape(v) if k.startswith("$") or isinstance(v, dict) else "?" for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [shape(v) for v in value] if all(isinstance(v, dict) for v in value) else "?"
    return "?"


async def start(databases: Databases, slow_ms: int) -> None:
    for service in SERVICES:
        await databases[service].command("profile", 1, slowms=slow_ms)


def _operation(row: dict[str, Any]) -> tuple[str, str]:
    command = row.get("command") or {}
    kind = next(iter(command), row.get("op", "?"))
    body = command.get("filter") or command.get("q") or command.get("query")
    if body is None and kind == "update":
        body = [u.get("q") for u in command.get("updates", [])]
    if body is None and kind == "aggregate":
        body = command.get("pipeline")
    return kind, repr(shape(body))


async def report(databases: Databases, *, top: int = 15) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for service in SERVICES:
        async for row in databases[service]["system.profile"].find({}):
            kind, filter_shape = _operation(row)
            groups[(row.get("ns", service), kind, filter_shape)].append(float(row.get("millis", 0)))
    ranked = sorted(groups.items(), key=lambda item: -sum(item[1]))[:top]
    return [{"ns": ns, "op": kind, "filter": filter_shape, "count": len(ms), "total_ms": round(sum(ms)),
             "max_ms": round(max(ms))} for (ns, kind, filter_shape), ms in ranked]
