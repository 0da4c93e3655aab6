"""A helpdesk's load through the gateway, and how far behind it the event consumers fall.

    .venv/bin/python -m benchmarks.workload.bench [--mode distributed|embedded] [--agents 20 --customers 180]
                                                   [--seconds 60] [--hot 20] [--concurrency 8] [--slow-ms 20]
                                                   [--shared-database] [--json FILE]

`distributed`: users, tickets, chat, notifications, ia and the gateway each in their own process (`aurontek serve`),
each service on a SecantusDB of its own (`--shared-database`: one for all), on the machine's RabbitMQ in a virtual
host of the run's own. `embedded`: one `aurontek up` process with everything else, on its in-process bus, and a
SecantusDB for each service, as `aurontek up` keeps them. Each service runs under the instrumented
wrapper (instrumented.py), which counts its database commands. One company of agents and customers (200 people
by default) acts through the gateway for `--seconds`, with tabs held live on `--hot` tickets (see load.py).

Reported: operations per second and p50/p99 per operation; for each consumer (by service), its backlog during the load
(its largest, and each second's) and the time after the load until it is empty (messages ready, unacknowledged or
waiting for a retry, and nothing left in the producers' outboxes), then until the IA's analysis queue and the
notifications' mail queue are empty; the lag of the notifications consumer (the moment an event was handled minus the
moment its transaction committed); the live frames' delay from the send, and any frame missing or twice; database
commands per user operation by service, from the load's start until the backlogs are empty; the events handed to
each durable consumer per user operation, taken or declined (the services' `/metrics`); CPU per process, the local
RabbitMQ's among them; the
garbage collector's pauses per process (a second's share of them, and how many stopped it for 50 ms or more); the
gateway's fetches from each subgraph (root fields or entities) a second and their mean time, from its `/metrics`; with
`--slow-ms`, the database operations slower than that, grouped by filter shape (slowops.py).
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aio_pika
import aiohttp
import aiormq
import orjson
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from benchmarks.subscriptions.stack import CLOCK_TICKS, Databases, Stack, cpu_seconds, in_vhost
from benchmarks.workload import slowops
from benchmarks.workload.load import Outcomes, Tab, drive, live_report
from benchmarks.workload.people import populate
from subgraphs.kernel.events.lanes import WIDTH

SERVICES = ("users", "tickets", "chat", "notifications", "ia")
LAUNCHER = "benchmarks.workload.instrumented"


def queue_depths(vhost: str) -> dict[str, int]:
    """Messages (ready + unacknowledged) per queue of the virtual host, by consuming service: its queues and retry
    queues. A call costs `rabbitmqctl` about a third of a CPU second: the load is measured with `Ready` instead."""
    depths: dict[str, int] = {}
    for name, count in _listed(vhost).items():
        service = name.split(".")[1]
        depths[service] = depths.get(service, 0) + count
    return depths


def _listed(vhost: str) -> dict[str, int]:
    listed = subprocess.run(["rabbitmqctl", "list_queues", "-q", "--no-table-headers", "-p", vhost, "name",
                             "messages"], check=True, capture_output=True, text=True, timeout=60).stdout
    counts = {}
    for line in listed.splitlines():
        name, _, count = line.rpartition("\t")
        if name.startswith("aurontek.") and not name.endswith(".dead"):
            counts[name] = int(count)
    return counts


class Ready:
    """Messages ready in each consumer's queues, by service, read over AMQP with passive declares (cheap enough
    for several reads a second; `queue_depths`, which counts the unacknowledged too, confirms the end)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.names: list[str] = []
        self.connection: aio_pika.abc.AbstractConnection | None = None
        self.channel: aio_pika.abc.AbstractChannel | None = None
        self.peaks: dict[str, int] = {}  # the most messages each queue had ready at a read

    async def open(self) -> None:
        self.names = sorted(await asyncio.to_thread(_listed, self.stack.vhost))
        self.connection = await aio_pika.connect(in_vhost(self.stack.amqp_url, self.stack.vhost))
        self.channel = await self.connection.channel()

    async def read(self) -> dict[str, int]:
        """On a machine this full a passive declare can time out, which closes its channel: asked again on a fresh
        channel (twice at most) rather than ending the run."""
        for _ in range(2):
            try:
                return await self._read()
            except (aiormq.exceptions.AMQPError, aiormq.exceptions.ChannelInvalidStateError, TimeoutError):
                if self.connection is None:
                    raise
                self.channel = await self.connection.channel()
        return await self._read()

    async def _read(self) -> dict[str, int]:
        assert self.channel is not None
        counts: dict[str, int] = {}
        for name in self.names:
            queue = await self.channel.declare_queue(name, passive=True)
            service, count = name.split(".")[1], queue.declaration_result.message_count or 0
            counts[service] = counts.get(service, 0) + count
            self.peaks[name] = max(self.peaks.get(name, 0), count)
        return counts

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()


def machine_busy() -> tuple[float, float]:
    """CPU seconds the whole machine spent busy and in all, so far (/proc/stat): what else ran shows here."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / CLOCK_TICKS, sum(fields) / CLOCK_TICKS


def status(stack: Stack, name: str) -> dict[str, Any]:
    """What the instrumented process `name` last wrote (instrumented.py)."""
    written: dict[str, Any] = orjson.loads(stack.status_file(name).read_bytes())
    return written


async def backlogs(stack: Stack, ready: Ready | None = None) -> dict[str, int]:
    """Each consuming service's deliveries not yet done: on RabbitMQ its queues' messages (only those ready, with
    `ready`), or its queues on the in-process bus."""
    if not stack.embedded:
        return await ready.read() if ready is not None else await asyncio.to_thread(queue_depths, stack.vhost)
    depths: dict[str, int] = {}
    for queue, count in (status(stack, "aurontek")["backlog"] or {}).items():
        service = queue.split(".")[1]
        depths[service] = depths.get(service, 0) + count
    return depths


def instrumented(stack: Stack) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each instrumented process of the stack (the services, not their databases) and what it last wrote."""
    for name in stack.services:
        if not name.startswith("database") and stack.status_file(name).exists():
            yield name, status(stack, name)


# what the instrumented processes count (instrumented.py)
TALLIES = ("commands", "micros", "failures", "in_transaction")


def commands(stack: Stack, tally: str = "commands") -> dict[str, int]:
    """Database commands sent so far by every process of the stack, by "<service> <command> <collection>"; with
    `tally` "micros", the microseconds they took to be answered, and with "failures", the failed ones (the key ends
    with the error's code)."""
    total: dict[str, int] = {}
    for _, counted in instrumented(stack):
        for key, count in counted.get(tally, {}).items():
            database, _, rest = key.partition(" ")
            # a transaction's bulkWrite, commit or abort goes to "admin": instrumented.py names the service whose
            # database server it went to, and "transactions" is left for one it could not tell
            service = "transactions" if database == "admin" else database.removeprefix(stack.prefix)
            total[f"{service} {rest}"] = total.get(f"{service} {rest}", 0) + count
    return total


def collections(stack: Stack) -> dict[str, dict[str, int]]:
    """The garbage collector's pauses so far in each instrumented process: by "<process> gen<N>", how many ("count"),
    their microseconds ("micros") and how many were long ("long", instrumented.py)."""
    total: dict[str, dict[str, int]] = {"count": {}, "micros": {}, "long": {}}
    for name, counted in instrumented(stack):
        for tally, by_generation in counted.get("gc", {}).items():
            for generation, value in by_generation.items():
                total[tally][f"{name} {generation}"] = value
    return total


def _pauses(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]], seconds: float) -> dict[str, Any]:
    """The collector's pauses between two `collections`: per process and generation, a second's share of them, how
    many and how many long."""
    return {key: {"count": count - before["count"].get(key, 0),
                  "share": round((after["micros"][key] - before["micros"].get(key, 0)) / 1e6 / seconds, 4),
                  "long": after["long"].get(key, 0) - before["long"].get(key, 0)}
            for key, count in sorted(after["count"].items())}


async def pending_outbox(databases: Databases) -> int:
    return sum([await databases[p]["outbox"].count_documents({"publishedAt": None}) for p in SERVICES])


async def lags(databases: Databases, since: float) -> list[float]:
    """Seconds from each producer's commit to the notifications consumer's handling, for events of the run."""
    committed: dict[str, Any] = {}
    for producer in SERVICES:
        async for row in databases[producer]["outbox"].find({}, {"createdAt": 1}):
            committed[row["_id"]] = row["createdAt"]
    found = []
    async for marker in databases["notifications"]["processed_events"].find({}, {"at": 1}):
        event_id = marker["_id"].rpartition(":")[2]
        if event_id in committed and committed[event_id].timestamp() >= since:
            found.append((marker["at"] - committed[event_id]).total_seconds())
    return found


FETCHES = "aurontek_gateway_subgraph_fetch_duration_seconds"
DELIVERIES = "aurontek_events_consumed"


async def samples(stack: Stack, names: tuple[str, ...], family_name: str) -> list[Sample]:
    """The samples of one metric family in the `/metrics` of the stack's processes `names`."""
    found: list[Sample] = []
    async with aiohttp.ClientSession() as session:
        for name in names:
            async with session.get(stack.url(name) + "/metrics") as response:
                text = await response.text()
            found += [sample for family in text_string_to_metric_families(text) if family.name == family_name
                      for sample in family.samples]
    return found


async def fetches(stack: Stack) -> dict[str, tuple[float, float]]:
    """The gateway's fetches from its subgraphs so far (its `/metrics`): by "<subgraph> <root|entities>", how many
    and their seconds in all."""
    total: dict[str, list[float]] = {}
    for sample in await samples(stack, ("gateway",), FETCHES):
        if sample.name in (f"{FETCHES}_count", f"{FETCHES}_sum"):
            key = f"{sample.labels['subgraph']} {sample.labels['kind']}"
            total.setdefault(key, [0.0, 0.0])[sample.name.endswith("_sum")] += sample.value
    return {key: (count, seconds) for key, (count, seconds) in total.items()}


async def deliveries(stack: Stack) -> dict[str, float]:
    """The events handed to each durable consumer so far, taken or declined (the services' `/metrics`), by queue."""
    total: dict[str, float] = {}
    for sample in await samples(stack, ("gateway",) if stack.embedded else SERVICES, DELIVERIES):
        if sample.name == f"{DELIVERIES}_total":
            total[sample.labels["queue"]] = total.get(sample.labels["queue"], 0.0) + sample.value
    return total


def _deliveries_per_operation(before: dict[str, float], after: dict[str, float], operations: int) -> dict[str, Any]:
    handed = {queue: count - before.get(queue, 0.0) for queue, count in after.items()}
    share = max(operations, 1)
    return {"per_user_operation": round(sum(handed.values()) / share, 2),
            "by_queue": {q: round(n / share, 3) for q, n in sorted(handed.items(), key=lambda item: -item[1]) if n}}


def broker_pid() -> int | None:
    """The local RabbitMQ's process (its Erlang VM), when this machine runs it: its CPU goes in the report."""
    found = subprocess.run(["pgrep", "-o", "beam.smp"], capture_output=True, text=True).stdout.split()
    return int(found[0]) if found else None


def _fetch_times(before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]],
                 seconds: float) -> dict[str, Any]:
    """Between two `fetches`: per subgraph and kind, fetches a second and their mean, most time first."""
    spent = {key: (count - before.get(key, (0, 0))[0], total - before.get(key, (0, 0))[1])
             for key, (count, total) in after.items()}
    return {key: {"per_second": round(count / seconds, 1), "mean_ms": round(total / count * 1000, 1)}
            for key, (count, total) in sorted(spent.items(), key=lambda item: -item[1][1]) if count}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="aurontek-workload-") as workdir:
        if args.mongodb_url and args.mode == "embedded":
            raise SystemExit("--mongodb-url is for --mode distributed: `aurontek up` always runs its own database")
        stack = Stack(Path(workdir), args.amqp_url, mongo_url=args.mongodb_url, notifications=True, ia=True,
                      embedded=args.mode == "embedded", per_service_databases=not args.shared_database,
                      launcher=LAUNCHER)
        try:
            await stack.start()
            print(f"{args.mode} stack up; people: {args.agents} agents, {args.customers} customers", file=sys.stderr)
            company = await populate(stack, agents=args.agents, customers=args.customers)
            databases = stack.databases(tz_aware=True)
            await _settled(stack, databases)
            ready = None if stack.embedded else Ready(stack)
            if ready is not None:
                await ready.open()
            if args.slow_ms is not None:
                await slowops.start(databases, args.slow_ms)
            cpu_before = {n: s.cpu_seconds() for n, s in stack.services.items()}
            broker = broker_pid()
            broker_before = cpu_seconds(broker) if broker is not None else 0.0
            delivered_before = await deliveries(stack)
            busy_before, own_before = machine_busy(), os.times()
            tallied_before = {t: commands(stack, t) for t in TALLIES}
            collected_before = collections(stack)
            fetched_before = await fetches(stack)
            during: list[dict[str, int]] = []
            load_began = time.time()
            print(f"load for {args.seconds}s", file=sys.stderr)
            began = time.monotonic()
            sampler = asyncio.create_task(_sample(stack, ready, during))
            ended: list[float] = []
            work: dict[str, float | None] = {}
            peaks: dict[str, int] = {}

            async def drained() -> dict[str, float | None]:
                ended.append(time.monotonic())
                sampler.cancel()
                peaks.update(ready.peaks if ready is not None else {})
                consumers = await _drain(stack, ready, databases, ended[0], limit=args.drain_limit)
                work.update(await _work_done(databases, ended[0], limit=args.drain_limit))
                return consumers

            outcomes, tabs, drain = await drive(company, stack.url("gateway"), args.seconds, drained, hot=args.hot)
            elapsed = time.monotonic() - began
            pauses = _pauses(collected_before, collections(stack), elapsed)
            fetched = _fetch_times(fetched_before, await fetches(stack), elapsed)
            cpu = {n: round((s.cpu_seconds() - cpu_before[n]) / elapsed, 2) for n, s in stack.services.items()}
            if broker is not None:  # shared with whatever else uses the broker (nothing else, in these runs)
                cpu["broker (RabbitMQ)"] = round((cpu_seconds(broker) - broker_before) / elapsed, 2)
            own = os.times()
            cpu["load generator (this process)"] = round((own.user + own.system - own_before.user
                                                          - own_before.system) / elapsed, 2)
            busy_after = machine_busy()
            cpu["whole machine"] = round((busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1])
                                         * (os.cpu_count() or 1), 2)
            sent, waited, failed, in_transactions = (
                {k: v - tallied_before[t].get(k, 0) for k, v in commands(stack, t).items()} for t in TALLIES)
            delivered = _deliveries_per_operation(delivered_before, await deliveries(stack), outcomes.operations)
            lag = await lags(databases, load_began)
            slow = await slowops.report(databases) if args.slow_ms is not None else None
            await databases.close()
            if ready is not None:
                await ready.close()
            return {**_report(args, outcomes, ended[0] - began, during, drain, lag, cpu),
                    "work_queues_done_after_load_s": work, "live": _live(outcomes, tabs),
                    **({"max_ready_by_queue_during_load": peaks} if peaks else {}),
                    "database_commands": _per_operation(sent, outcomes.operations, in_transactions),
                    "database_waits": _waits(sent, waited, failed), "gateway_fetches": fetched,
                    "event_deliveries": delivered,
                    "garbage_collection": pauses,
                    **({"slow_operations": slow} if slow is not None else {})}
        finally:
            await stack.stop()


async def _sample(stack: Stack, ready: Ready | None, into: list[dict[str, int]]) -> None:
    while True:
        into.append(await backlogs(stack, ready))
        await asyncio.sleep(1.0)


async def _settled(stack: Stack, databases: Databases) -> None:
    """Wait until the setup's events are all handled, so the load starts from empty queues."""
    busy = True
    while busy:  # polled: the work is in other processes
        busy = bool(sum((await backlogs(stack)).values()) or await pending_outbox(databases))
        await asyncio.sleep(0.5)


async def _drain(stack: Stack, ready: Ready | None, databases: Databases, ended: float, *,
                 limit: float) -> dict[str, float | None]:
    """Seconds after the load until each consumer's backlog is zero (None: not within `limit`). On RabbitMQ, the
    moment nothing is ready anywhere counts once `rabbitmqctl` confirms nothing is unacknowledged either."""
    drained: dict[str, float | None] = {}
    while time.monotonic() - ended < limit:
        depths = await backlogs(stack, ready)
        outbox = await pending_outbox(databases)
        at = round(time.monotonic() - ended, 1)
        for name, depth in depths.items():
            if depth or outbox:
                drained[name] = None
            elif drained.get(name) is None:
                drained[name] = at
        if depths and all(v is not None for v in drained.values()):
            if ready is None or not sum((await asyncio.to_thread(queue_depths, stack.vhost)).values()):
                break
            drained = {}  # some were still being handled: not over yet
        await asyncio.sleep(0.1)
    return dict(sorted(drained.items()))


# the services' own queues of work their consumers leave behind, done outside any broker's queue
WORK_QUEUES = {"ia analysis": ("ia", "analysis_jobs", {}),
               "notifications mail": ("notifications", "mail_deliveries",
                                      {"status": {"$in": ["pending", "retrying", "sending"]}})}


async def _work_done(databases: Databases, ended: float, *, limit: float) -> dict[str, float | None]:
    """Seconds after the load until the IA's analysis queue and the notifications' mail queue are empty (None: not
    within `limit`): a ticket is classified and routed, and a mail sent, only then. Looked at once the consumers
    are drained (they fill these queues), so never below their time."""
    done: dict[str, float | None] = dict.fromkeys(WORK_QUEUES)
    while time.monotonic() - ended < limit and None in done.values():
        for name, (service, collection, waiting) in WORK_QUEUES.items():
            if done[name] is None and not await databases[service][collection].count_documents(waiting):
                done[name] = round(time.monotonic() - ended, 1)
        await asyncio.sleep(0.2)
    return done


def _per_operation(sent: dict[str, int], operations: int, in_transactions: dict[str, int]) -> dict[str, Any]:
    """Commands per user operation, in all, by service and by kind; and of them those sent inside a transaction, which
    SecantusDB runs one at a time (see RESULTS.md)."""
    by_service: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    for key, count in sent.items():
        service, command, _collection = key.split(" ")
        by_service[service] = by_service.get(service, 0) + count
        by_kind[command] = by_kind.get(command, 0) + count
    share = max(operations, 1)
    return {"user_operations": operations, "total": sum(sent.values()),
            "per_user_operation": round(sum(sent.values()) / share, 2),
            "per_user_operation_by_service": {k: round(v / share, 2) for k, v in sorted(by_service.items())},
            "in_transactions_per_user_operation": round(sum(in_transactions.values()) / share, 2),
            "in_transactions_by_service_command_collection": {
                k: round(v / share, 2) for k, v in sorted(in_transactions.items(), key=lambda item: -item[1]) if v},
            "by_command": dict(sorted(by_kind.items(), key=lambda item: -item[1])),
            "by_service_command_collection": {k: v for k, v in sorted(sent.items(), key=lambda item: -item[1]) if v}}


def _waits(sent: dict[str, int], micros: dict[str, int], failed: dict[str, int]) -> dict[str, Any]:
    """Where the services waited on the database: seconds in all from sending a command to its answer, and the mean
    per command, by "<service> <command> <collection>", most first; and the commands that failed, by error code."""
    by_key = {k: {"seconds": round(v / 1e6, 1), "mean_ms": round(v / 1e3 / max(sent.get(k, 0), 1), 2)}
              for k, v in sorted(micros.items(), key=lambda item: -item[1]) if v}
    return {"seconds": round(sum(micros.values()) / 1e6, 1), "by_service_command_collection": by_key,
            "failures": {k: v for k, v in sorted(failed.items(), key=lambda item: -item[1]) if v}}


def _live(outcomes: Outcomes, tabs: list[Tab]) -> dict[str, Any]:
    delays = outcomes.frames["messageAdded"]
    return {**live_report(outcomes, tabs), "chat_frame_delay_ms": {
        "p50": round(percentile(delays, 0.5) * 1000, 1), "p99": round(percentile(delays, 0.99) * 1000, 1),
        "max": round(max(delays, default=0) * 1000, 1)}}


def _report(args: argparse.Namespace, outcomes: Outcomes, seconds: float, during: list[dict[str, int]],
            drained: dict[str, float | None], lag: list[float], cpu: dict[str, float]) -> dict[str, Any]:
    per_operation = {
        name: {"count": len(v), "p50_ms": round(percentile(v, 0.5) * 1000, 1),
               "p99_ms": round(percentile(v, 0.99) * 1000, 1)}
        for name, v in sorted(outcomes.latencies.items())
    }
    return {
        "mode": args.mode, "people": args.agents + args.customers, "seconds": round(seconds, 1),
        "event_concurrency": args.concurrency,
        "operations_per_second": round(outcomes.operations / seconds, 1),
        "errors": dict(outcomes.errors), "error_samples": outcomes.error_samples,
        "operations": per_operation,
        "all_p50_ms": round(percentile([x for v in outcomes.latencies.values() for x in v], 0.5) * 1000, 1),
        "all_p99_ms": round(percentile([x for v in outcomes.latencies.values() for x in v], 0.99) * 1000, 1),
        "max_backlog_during_load": {n: max((d.get(n, 0) for d in during), default=0) for n in drained},
        "backlog_each_second": {n: [d.get(n, 0) for d in during] for n in drained},
        "drained_after_load_s": drained,
        "notifications_lag_s": {"events": len(lag), "p50": round(percentile(lag, 0.5), 2),
                                "p99": round(percentile(lag, 0.99), 2), "max": round(max(lag, default=0), 2),
                                "mean": round(statistics.fmean(lag), 2) if lag else None},
        "cpu_cores_by_process": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("distributed", "embedded"), default="distributed")
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--customers", type=int, default=180)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--hot", type=int, default=20, help="tickets whose customer and agent hold live tabs")
    parser.add_argument("--concurrency", type=int, default=WIDTH,
                        help="EVENT_CONCURRENCY of every service (1: one event at a time per queue, as before); the "
                             "notifications' queue keeps its own NOTIFY_EVENT_CONCURRENCY")
    parser.add_argument("--drain-limit", type=float, default=300, help="give up waiting for a backlog after this")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--mongodb-url", default="", help="distributed mode: the services use this MongoDB (a "
                        "mongod or replica set with transactions) instead of a SecantusDB the run starts")
    parser.add_argument("--slow-ms", type=int, default=None,
                        help="report the database operations slower than this, grouped by filter shape")
    parser.add_argument("--shared-database", action="store_true",
                        help="distributed mode: every service on one SecantusDB, as before each had its own")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ["EVENT_CONCURRENCY"] = str(args.concurrency)  # the services inherit it
    report_to(asyncio.run(run(args)), args.json)


def report_to(report: dict[str, Any], json_file: Path | None) -> None:
    """A benchmark's report on stdout, and in `json_file` when given."""
    text = orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()
    print(text)
    if json_file:
        json_file.write_text(text)


if __name__ == "__main__":
    main()
