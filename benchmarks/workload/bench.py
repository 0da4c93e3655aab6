"""A helpdesk's load on the distributed stack, and how far behind it the event consumers fall.

    .venv/bin/python -m benchmarks.workload.bench [--agents 10 --customers 90 --seconds 60] [--concurrency 8]
                                                   [--slow-ms 20] [--json FILE]

SecantusDB, users, tickets, chat, notifications and the gateway each in their own process (`aurontek serve`), on
the machine's RabbitMQ in a virtual host of the run's own. One company of agents and customers (100 people by
default) acts through the gateway for `--seconds` (see load.py). Reported: operations per second and p50/p99 per
operation; for each running consumer's queue, its depth during the load and the time after the load until it is
empty (messages ready or unacknowledged, retry queues included, and nothing of its left in the producers'
outboxes); the lag of the notifications consumer (the moment an event was handled minus the moment its
transaction committed) as p50/p99/max; CPU per process; with `--slow-ms`, the database operations slower than that
during the load and the drain, grouped by the shape of their filter (slowops.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from pymongo import AsyncMongoClient

from benchmarks.subscriptions.stack import Stack
from benchmarks.workload import slowops
from benchmarks.workload.load import Outcomes, drive
from benchmarks.workload.people import populate

CONSUMERS = ("notifications", "chat", "tickets")  # the services of the stack that consume events
PRODUCERS = ("users", "tickets", "chat")


def queue_depths(vhost: str) -> dict[str, int]:
    """Messages (ready + unacknowledged) per queue of the virtual host, by consumer: its queue and retry queues."""
    listed = subprocess.run(["rabbitmqctl", "list_queues", "-q", "--no-table-headers", "-p", vhost, "name",
                             "messages"], check=True, capture_output=True, text=True, timeout=60).stdout
    depths: dict[str, int] = {}
    for line in listed.splitlines():
        name, _, count = line.rpartition("\t")
        if not name.startswith("aurontek.") or name.endswith(".dead"):
            continue
        service = name.split(".")[1]
        if service in CONSUMERS:
            depths[service] = depths.get(service, 0) + int(count)
    return depths


async def pending_outbox(client: AsyncMongoClient[dict[str, Any]], prefix: str) -> int:
    return sum([await client[f"{prefix}{p}"]["outbox"].count_documents({"publishedAt": None}) for p in PRODUCERS])


async def lags(client: AsyncMongoClient[dict[str, Any]], prefix: str, since: float) -> list[float]:
    """Seconds from each producer's commit to the notifications consumer's handling, for events of the run."""
    committed: dict[str, Any] = {}
    for producer in PRODUCERS:
        async for row in client[f"{prefix}{producer}"]["outbox"].find({}, {"createdAt": 1}):
            committed[row["_id"]] = row["createdAt"]
    found = []
    async for marker in client[f"{prefix}notifications"]["processed_events"].find({}, {"at": 1}):
        event_id = marker["_id"].rpartition(":")[2]
        if event_id in committed and committed[event_id].timestamp() >= since:
            found.append((marker["at"] - committed[event_id]).total_seconds())
    return found


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="aurontek-workload-") as workdir:
        stack = Stack(Path(workdir), args.amqp_url, notifications=True)
        try:
            await stack.start()
            print(f"stack up; people: {args.agents} agents, {args.customers} customers", file=sys.stderr)
            company = await populate(stack, agents=args.agents, customers=args.customers)
            client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo_url, tz_aware=True)
            await _settled(stack, client)
            if args.slow_ms is not None:
                await slowops.start(client, stack.prefix, args.slow_ms)
            cpu_before = {n: s.cpu_seconds() for n, s in stack.services.items()}
            during: list[dict[str, int]] = []
            load_began = time.time()
            sampler = asyncio.create_task(_sample(stack.vhost, during))
            print(f"load for {args.seconds}s", file=sys.stderr)
            began = time.monotonic()
            outcomes = await drive(company, stack.url("gateway"), args.seconds)
            load_ended = time.monotonic()
            sampler.cancel()
            drained = await _drain(stack, client, load_ended, limit=args.drain_limit)
            cpu = {n: round((s.cpu_seconds() - cpu_before[n]) / (time.monotonic() - began), 2)
                   for n, s in stack.services.items()}
            lag = await lags(client, stack.prefix, load_began)
            slow = await slowops.report(client, stack.prefix) if args.slow_ms is not None else None
            await client.close()
            return {**_report(args, outcomes, load_ended - began, during, drained, lag, cpu),
                    **({"slow_operations": slow} if slow is not None else {})}
        finally:
            await stack.stop()


async def _sample(vhost: str, into: list[dict[str, int]]) -> None:
    while True:
        into.append(await asyncio.to_thread(queue_depths, vhost))
        await asyncio.sleep(1.0)


async def _settled(stack: Stack, client: AsyncMongoClient[dict[str, Any]]) -> None:
    """Wait until the setup's events are all handled, so the load starts from empty queues."""
    busy = True
    while busy:  # polled: the work is in other processes
        busy = bool(sum((await asyncio.to_thread(queue_depths, stack.vhost)).values())
                    or await pending_outbox(client, stack.prefix))
        await asyncio.sleep(0.5)


async def _drain(stack: Stack, client: AsyncMongoClient[dict[str, Any]], ended: float, *, limit: float
                 ) -> dict[str, float | None]:
    """Seconds after the load until each consumer's backlog is zero (None: not within `limit`)."""
    drained: dict[str, float | None] = dict.fromkeys(CONSUMERS)
    while time.monotonic() - ended < limit and any(v is None for v in drained.values()):
        depths = await asyncio.to_thread(queue_depths, stack.vhost)
        outbox = await pending_outbox(client, stack.prefix)
        at = round(time.monotonic() - ended, 1)
        for name in CONSUMERS:
            if drained[name] is None and depths.get(name, 0) == 0 and outbox == 0:
                drained[name] = at
        await asyncio.sleep(0.25)
    return drained


def _report(args: argparse.Namespace, outcomes: Outcomes, seconds: float, during: list[dict[str, int]],
            drained: dict[str, float | None], lag: list[float], cpu: dict[str, float]) -> dict[str, Any]:
    per_operation = {
        name: {"count": len(v), "p50_ms": round(percentile(v, 0.5) * 1000, 1),
               "p99_ms": round(percentile(v, 0.99) * 1000, 1)}
        for name, v in sorted(outcomes.latencies.items())
    }
    return {
        "people": args.agents + args.customers, "seconds": round(seconds, 1), "event_concurrency": args.concurrency,
        "operations_per_second": round(outcomes.operations / seconds, 1),
        "errors": dict(outcomes.errors),
        "operations": per_operation,
        "all_p50_ms": round(percentile([x for v in outcomes.latencies.values() for x in v], 0.5) * 1000, 1),
        "all_p99_ms": round(percentile([x for v in outcomes.latencies.values() for x in v], 0.99) * 1000, 1),
        "max_backlog_during_load": {n: max((d.get(n, 0) for d in during), default=0) for n in CONSUMERS},
        "drained_after_load_s": drained,
        "notifications_lag_s": {"events": len(lag), "p50": round(percentile(lag, 0.5), 2),
                                "p99": round(percentile(lag, 0.99), 2), "max": round(max(lag, default=0), 2),
                                "mean": round(statistics.fmean(lag), 2) if lag else None},
        "cpu_cores_by_process": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--customers", type=int, default=90)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=8,
                        help="EVENT_CONCURRENCY of every service (1: one event at a time per queue, as before)")
    parser.add_argument("--drain-limit", type=float, default=300, help="give up waiting for a backlog after this")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--slow-ms", type=int, default=None,
                        help="report the database operations slower than this, grouped by filter shape")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ["EVENT_CONCURRENCY"] = str(args.concurrency)  # the services inherit it
    report = asyncio.run(run(args))
    text = orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
