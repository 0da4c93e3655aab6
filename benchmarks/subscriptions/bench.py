"""Live chat delivery through the gateway: 1,000 subscribers on one gateway, 100 messages a second.

Run from the repository root (needs RabbitMQ at AMQP_URL, default amqp://guest:guest@127.0.0.1:5672/, and
`rabbitmqctl` to give the run a virtual host of its own):

    .venv/bin/python -m benchmarks.subscriptions.bench

Starts SecantusDB, users, tickets, chat and the gateway as separate processes, makes the people and
tickets (see population.py for the spread), then for each selection connects every subscriber,
warms up with one message per ticket (every subscriber must hear it: the readiness signal), sends
messages at the rate for the duration, and reports the latency from mutation to frame (p50, p90,
p99, max), deliveries lost, the gateway's memory (RSS) and each process's CPU use, with the load
average of the machine. Figures go to stdout, and with --json to a file. With --count-commands the services run
under the workload benchmark's instrumented launcher, and the report adds the database commands each service sent
per measured message, by command and collection, in all and inside transactions. The stack's directory (its
services' logs and its database) is removed after the run unless --keep is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from pymongo import AsyncMongoClient

from benchmarks.subscriptions.load import Deliveries, Publisher, Sent, subscribe_all
from benchmarks.subscriptions.population import Population, Spread, populate
from benchmarks.subscriptions.stack import Stack
from benchmarks.workload.bench import commands as commands_sent
from tests.harness import cpu_seconds

SELECTIONS = {
    # chat provides author.name and ticket.title: no entity fetch per event
    "provided": "subscription($t: ID!) { messageAdded(ticketId: $t) { id text author { name } ticket { title } } }",
    # author.email is the users subgraph's alone: one entity fetch per event and subscriber
    "fetched": "subscription($t: ID!) { messageAdded(ticketId: $t) { id text author { name email } "
               "ticket { title } } }",
}


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


async def warm_up(publisher: Publisher, deliveries: Deliveries, population: Population, seconds: float = 120) -> None:
    """One message per ticket until every subscriber has heard one: then every subscription is in place."""
    subscribers = len(population.tabs)
    async with asyncio.timeout(seconds):
        while len(deliveries.per_subscriber) < subscribers:
            await publisher.once_per_ticket(population.tickets())
            await asyncio.sleep(1.0)


def report(sent: Sent, deliveries: Deliveries, population: Population, first: int) -> dict[str, Any]:
    """Latencies of the messages from sequence `first` on (the measured ones). A frame of a message this run did not
    send (one of an earlier selection's, arriving late) is left out."""
    fans = {ticket: len(population.senders(ticket)) for ticket in population.tickets()}
    arrivals = [(seq, at) for seq, at in deliveries.arrivals if seq >= first and seq in sent.started]
    latencies = [(at - sent.started[seq]) * 1000 for seq, at in arrivals]
    began = min((sent.started[seq] for seq in sent.started if seq >= first), default=0.0)
    by_second: dict[int, list[float]] = {}
    for seq, at in arrivals:
        by_second.setdefault(int(sent.started[seq] - began), []).append((at - sent.started[seq]) * 1000)
    measured = [seq for seq in sent.started if seq >= first]
    expected = sum(fans[sent.ticket[seq]] for seq in measured)
    return {"messages": len(measured), "deliveries": len(latencies), "expected": expected,
            "lost": expected - len(latencies), "p50_ms": percentile(latencies, 0.50),
            "p90_ms": percentile(latencies, 0.90), "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=float("nan")),
            "mean_ms": statistics.fmean(latencies) if latencies else float("nan"),
            "mutation_p50_ms": percentile(sent.answers[-len(measured):], 0.5) * 1000,
            "mutation_p99_ms": percentile(sent.answers[-len(measured):], 0.99) * 1000,
            "errors": sent.errors[:5], "error_count": len(sent.errors), "problems": deliveries.problems[:5],
            "p99_ms_by_second": [round(percentile(by_second[k], 0.99)) for k in sorted(by_second)]}


async def run_selection(stack: Stack, population: Population, name: str, rate: float, seconds: float,
                        profile: Path | None = None) -> dict[str, Any]:
    gateway = stack.services["gateway"]
    ws_url = stack.url("gateway").replace("http://", "ws://") + "/graphql"
    deliveries = Deliveries()
    rss_before = gateway.rss_mib()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        subscribers = await subscribe_all(session, ws_url, SELECTIONS[name], population.tabs, deliveries)
        senders = {ticket: population.senders(ticket) for ticket in population.tickets()}
        publisher = Publisher(session, stack.url("gateway") + "/graphql", senders)
        await warm_up(publisher, deliveries, population)
        first = max(publisher.sent.started, default=0) + 1
        rss_subscribed = gateway.rss_mib()
        cpu_before = {n: s.cpu_seconds() for n, s in stack.services.items()}
        broker_before = _broker_cpu_seconds()
        ops_before = await _database_ops(stack)
        commands_before = _commands(stack)
        driver_before = time.process_time()
        load_before, began, wall_began = load_average(), time.monotonic(), datetime.now(UTC)
        sampler = asyncio.create_task(_sample_rss(gateway))
        probes = asyncio.create_task(_probe_latencies(stack))
        profilers = _profile(stack, profile / name, seconds) if profile else []
        await publisher.run(rate, seconds)
        await asyncio.sleep(2.0)  # the last messages' frames
        elapsed = time.monotonic() - began
        sampler.cancel()
        probes.cancel()
        responsiveness = await _finished(probes)
        for profiler in profilers:
            profiler.wait(timeout=60)
        cpu = {n: round((s.cpu_seconds() - cpu_before[n]) / elapsed * 100) for n, s in stack.services.items()}
        cpu["driver"] = round((time.process_time() - driver_before) / elapsed * 100)
        cpu["rabbitmq (shared)"] = round((_broker_cpu_seconds() - broker_before) / elapsed * 100)
        relay = await _relay_lag(stack, wall_began)
        ops_after = await _database_ops(stack)
        sent_count = max(1, len([q for q in publisher.sent.started if q >= first]))
        ops = {k: round((ops_after[k] - ops_before.get(k, 0)) / sent_count, 1) for k in ops_after}
        commands = _per_message(commands_before, _commands(stack), sent_count)
        peak = max(await _peak(sampler), gateway.rss_mib())
        for subscriber in subscribers:
            await subscriber.close()
    return {"selection": name, "subscribers": len(subscribers), "rate": rate, "seconds": seconds,
            **report(publisher.sent, deliveries, population, first),
            "gateway_rss_mib": {"before": round(rss_before), "subscribed": round(rss_subscribed), "peak": round(peak)},
            "cpu_percent": cpu, "load_average": {"before": load_before, "after": load_average()},
            "relay_lag_ms": relay, "probe_ms": responsiveness, "database_ops_per_message": ops,
            "commands_per_message": commands}


Counted = tuple[dict[str, int], dict[str, int]]


def _commands(stack: Stack) -> Counted:
    """The database commands sent so far, all and inside transactions, by "<service> <command> <collection>" (the
    workload benchmark's tally of its instrumented launcher: empty under the plain one)."""
    return commands_sent(stack), commands_sent(stack, "in_transaction")


def _per_message(before: Counted, after: Counted, messages: int) -> dict[str, dict[str, Any]]:
    """Per service (commits under "transactions"): commands per measured message, in all and inside transactions,
    and by command and collection."""
    result: dict[str, dict[str, Any]] = {}
    for key, count in sorted(after[0].items(), key=lambda kv: -(kv[1] - before[0].get(kv[0], 0))):
        sent = (count - before[0].get(key, 0)) / messages
        inside = (after[1].get(key, 0) - before[1].get(key, 0)) / messages
        service, _, what = key.partition(" ")
        counted = result.setdefault(service, {"all": 0.0, "in_transactions": 0.0, "by_command": {}})
        counted["all"] += sent
        counted["in_transactions"] += inside
        if round(sent, 2):
            counted["by_command"][what] = [round(sent, 2), round(inside, 2)]
    for counted in result.values():
        counted["all"], counted["in_transactions"] = round(counted["all"], 2), round(counted["in_transactions"], 2)
    return result


async def _database_ops(stack: Stack) -> dict[str, int]:
    """The database servers' operation counters (every service's work together)."""
    databases = stack.databases()
    try:
        total: dict[str, int] = {}
        for server in databases.servers:
            for name, count in (await server.admin.command("serverStatus"))["opcounters"].items():
                total[name] = total.get(name, 0) + int(count)
        return total
    finally:
        await databases.close()


def _broker_cpu_seconds() -> float:
    """CPU time of the machine's RabbitMQ (beam.smp), which other users of the broker share."""
    for status in Path("/proc").glob("[0-9]*/comm"):
        try:
            if status.read_text().strip() == "beam.smp":
                return cpu_seconds(int(status.parent.name))
        except OSError:
            continue
    return 0.0


async def _relay_lag(stack: Stack, since: datetime) -> dict[str, float]:
    """How long chat's messages waited in its outbox (commit to broker confirm), from its own rows."""
    databases = stack.databases(tz_aware=True)
    try:
        rows = await databases["chat"]["outbox"].find(
            {"event.type": "chat.message_added", "createdAt": {"$gte": since}, "publishedAt": {"$ne": None}},
            projection={"createdAt": 1, "publishedAt": 1}).to_list(None)
    finally:
        await databases.close()
    lags = [(r["publishedAt"] - r["createdAt"]).total_seconds() * 1000 for r in rows]
    return {"p50": percentile(lags, 0.5), "p99": percentile(lags, 0.99), "count": len(lags)}


def _profile(stack: Stack, directory: Path, seconds: float) -> list[subprocess.Popen[bytes]]:
    """py-spy (PyPI `py-spy`, on PATH) on every service for the measured time: collapsed stacks per service,
    sampled while a thread holds the GIL (where the CPU goes, not where coroutines wait)."""
    directory.mkdir(parents=True, exist_ok=True)
    return [subprocess.Popen(["py-spy", "record", "--pid", str(s.process.pid), "--duration", str(round(seconds)),
                              "--rate", "100", "--gil", "--format", "raw", "--output",
                              str(directory / f"{s.name}.txt")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for s in stack.services.values()]


async def _probe_latencies(stack: Stack) -> dict[str, list[float]]:
    """Every 100 ms: a database ping, and each service's /health (how long its event loop makes a request wait)."""
    seen: dict[str, list[float]] = {"database": [], "chat": [], "gateway": [], "tickets": []}
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.database_url("chat"))
    try:
        async with aiohttp.ClientSession() as http:
            while True:
                began = time.monotonic()
                await client.admin.command("ping")
                seen["database"].append((time.monotonic() - began) * 1000)
                for name in ("chat", "gateway", "tickets"):
                    began = time.monotonic()
                    async with http.get(stack.url(name) + "/health") as answer:
                        await answer.read()
                    seen[name].append((time.monotonic() - began) * 1000)
                await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        return seen
    finally:
        await client.close()


async def _finished(probes: asyncio.Task[dict[str, list[float]]]) -> dict[str, dict[str, float]]:
    try:
        seen = await probes
    except asyncio.CancelledError:
        return {}
    return {name: {"p50": percentile(v, 0.5), "p99": percentile(v, 0.99)} for name, v in seen.items()}


async def _sample_rss(gateway: Any) -> float:
    peak = 0.0
    try:
        while True:
            peak = max(peak, gateway.rss_mib())
            await asyncio.sleep(1.0)
    except asyncio.CancelledError:
        return peak


async def _peak(sampler: asyncio.Task[float]) -> float:
    try:
        return await sampler
    except asyncio.CancelledError:
        return 0.0


def _print(result: dict[str, Any]) -> None:
    rss = result["gateway_rss_mib"]
    print(f"\n== {result['selection']}: {result['subscribers']} subscribers, {result['rate']:g} msg/s for "
          f"{result['seconds']:g} s")
    print(f"delivery latency  p50 {result['p50_ms']:.1f} ms  p90 {result['p90_ms']:.1f} ms  "
          f"p99 {result['p99_ms']:.1f} ms  max {result['max_ms']:.1f} ms  "
          f"({result['deliveries']}/{result['expected']} frames, lost {result['lost']})")
    print(f"mutation round trip p50 {result['mutation_p50_ms']:.1f} ms  p99 {result['mutation_p99_ms']:.1f} ms; "
          f"errors {result['error_count']} {result['errors']}")
    print(f"gateway RSS  before {rss['before']} MiB  subscribed {rss['subscribed']} MiB  peak {rss['peak']} MiB")
    print(f"CPU % per process {result['cpu_percent']}; load average before {result['load_average']['before']} "
          f"after {result['load_average']['after']}")
    relay = result["relay_lag_ms"]
    print(f"chat outbox (commit to published) p50 {relay['p50']:.1f} ms  p99 {relay['p99']:.1f} ms")
    probes = ", ".join(f"{n} {v['p50']:.1f}/{v['p99']:.1f}" for n, v in result["probe_ms"].items())
    print(f"probe round trips p50/p99 ms (database ping, services' /health): {probes}")
    print(f"database operations per message: {result['database_ops_per_message']}")
    print(f"p99 ms of each second's messages: {result['p99_ms_by_second']}")
    for name, counted in result["commands_per_message"].items():
        top = ", ".join(f"{key} {n} ({inside} in transactions)" for key, (n, inside) in
                        list(counted["by_command"].items())[:10])
        print(f"{name} commands per message: {counted['all']} ({counted['in_transactions']} in transactions): {top}")
    if result["problems"]:
        print(f"problems: {result['problems']}")


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    spread = Spread(companies=args.companies, tickets=args.tickets_per_company, watchers=args.watchers)
    stack = Stack(Path(tempfile.mkdtemp(prefix="bench-subscriptions-")),
                  os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"), mongo_options=args.mongo_options,
                  ttl_sweep=args.ttl_sweep,
                  launcher="benchmarks.workload.instrumented" if args.count_commands else "aurontek")
    results = []
    try:
        await stack.start()
        began = time.monotonic()
        population = await populate(stack, spread)
        print(f"stack in {stack.workdir}; {spread.subscribers} tabs on {len(population.tickets())} tickets "
              f"({asdict(spread)}) made in {time.monotonic() - began:.0f} s")
        for name in args.selection:
            result = await run_selection(stack, population, name, args.rate, args.seconds, args.profile)
            _print(result)
            results.append(result)
    finally:
        await stack.stop()
        if args.keep:
            print(f"the stack's logs and database are kept in {stack.workdir}")
        else:
            shutil.rmtree(stack.workdir, ignore_errors=True)  # each run's database and logs: 50-60 MB
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="messages per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per selection")
    parser.add_argument("--companies", type=int, default=4)
    parser.add_argument("--tickets-per-company", type=int, default=25)
    parser.add_argument("--watchers", type=int, default=8, help="per ticket, besides creator and agent")
    parser.add_argument("--selection", nargs="+", choices=sorted(SELECTIONS), default=["provided", "fetched"])
    parser.add_argument("--mongo-options", default="", help="appended to each service's MONGODB_URL, e.g. "
                                                                "'&maxPoolSize=16'")
    parser.add_argument("--ttl-sweep", type=float, default=0.0,
                        help="seconds between SecantusDB's own TTL sweeps (0: off, as the embedded mode runs it; "
                             "60 is SecantusDB's default - see stack.py)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--count-commands", action="store_true",
                        help="run the services under the workload benchmark's instrumented launcher and report the "
                             "database commands each sends per message, by command and collection")
    parser.add_argument("--profile", type=Path, help="record each service with py-spy into this directory")
    parser.add_argument("--keep", action="store_true",
                        help="keep the stack's directory (its services' logs and its database) after the run")
    args = parser.parse_args()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    results = asyncio.run(main_async(args))
    if args.json:
        shown = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        args.json.write_text(json.dumps({"started": started, "args": shown, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
