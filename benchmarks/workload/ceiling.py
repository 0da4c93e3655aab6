"""How many commands a second the embedded database serves on this machine, by kind, whatever asks them.

    .venv/bin/python -m benchmarks.workload.ceiling [--seconds 10] [--concurrency 1 8 32] [--kinds KIND...]
        [--mongodb-url URL] [--json FILE]

Starts SecantusDB exactly as `aurontek up` does (`EmbeddedMongo`), fills a collection with 3,000 ticket-sized
documents, then for each kind of command and each concurrency keeps that many callers asking for `--seconds`:

- `find_by_id`: one document by `_id`;
- `update_by_id`: a `$set` on one document by `_id`;
- `insert`: a new small document (an event marker);
- `transaction`: a marker inserted and a document updated in one transaction (three commands with the commit),
  retried on a write conflict;
- `comment_statements` / `comment_bulk`: a ticket comment's transaction (an update, its read back, three inserts
  into three collections, the commit), the inserts one statement each or in one bulkWrite (`kernel.deferred`).

Reported per kind and concurrency: commands and calls (transactions, for those kinds) a second, p50/p99 of each
command in ms, and the database's CPU in cores. The workload benchmark's services send about 15 commands per user
operation; this is the ceiling those commands meet.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient, InsertOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import ClientBulkWriteException, OperationFailure

from benchmarks.workload.bench import report_to
from subgraphs.kernel.embedded_mongo import EmbeddedMongo
from tests.harness import cpu_seconds

DOCUMENTS = 3_000
Kind = Callable[[AsyncMongoClient[dict[str, Any]], int], Awaitable[int]]  # returns the commands it sent


def some_id() -> str:
    return f"t{random.randrange(DOCUMENTS):06d}"


async def find_by_id(client: AsyncMongoClient[dict[str, Any]], n: int) -> int:
    await client.bench.tickets.find_one({"_id": some_id()})
    return 1


async def update_by_id(client: AsyncMongoClient[dict[str, Any]], n: int) -> int:
    await client.bench.tickets.update_one({"_id": some_id()}, {"$set": {"seen": n}})
    return 1


async def insert(client: AsyncMongoClient[dict[str, Any]], n: int) -> int:
    await client.bench.markers.insert_one({"_id": f"m{n}-{random.random()}", "at": time.time()})
    return 1


async def _retried(client: AsyncMongoClient[dict[str, Any]], commands: int,
                   body: Callable[[AsyncClientSession], Awaitable[None]]) -> int:
    """`body` in a transaction, retried whole on a write conflict as the services retry theirs; every attempt's
    `commands` (its statements and the commit) count."""
    sent = 0
    async with client.start_session() as session:
        while True:
            try:
                async with await session.start_transaction():
                    sent += commands
                    await body(session)
                return sent
            except OperationFailure as error:
                cause = error.error if isinstance(error, ClientBulkWriteException) else error  # a bulkWrite's own
                if not isinstance(cause, OperationFailure) or not cause.has_error_label("TransientTransactionError"):
                    raise


async def transaction(client: AsyncMongoClient[dict[str, Any]], n: int) -> int:
    async def body(session: AsyncClientSession) -> None:
        await client.bench.markers.insert_one({"_id": f"x{n}-{random.random()}", "at": time.time()}, session=session)
        await client.bench.tickets.update_one({"_id": some_id()}, {"$set": {"seen": n}}, session=session)

    return await _retried(client, 3, body)


async def _comment(client: AsyncMongoClient[dict[str, Any]], n: int, *, bulk: bool) -> int:
    """A ticket comment's transaction as the tickets service sent it before its guarded update rode in the
    bulkWrite too: that update and its read back, then the history row, the comment and the outbox row, one
    statement each or (`bulk`) in one bulkWrite."""
    db = client.bench

    async def body(session: AsyncClientSession) -> None:
        ticket = some_id()
        await db.tickets.update_one({"_id": ticket}, {"$inc": {"seen": 1}}, session=session)
        await db.tickets.find_one({"_id": ticket}, session=session)
        writes: list[tuple[AsyncCollection[dict[str, Any]], dict[str, Any]]] = [
            (db.history, {"_id": f"h{n}-{random.random()}", "ticketId": ticket, "action": "commented"}),
            (db.comments, {"_id": f"c{n}-{random.random()}", "ticketId": ticket, "body": "Thanks"}),
            (db.outbox, {"_id": f"o{n}-{random.random()}", "event": {"ticketId": ticket}})]
        if bulk:
            await client.bulk_write([InsertOne(doc, namespace=rows.full_name) for rows, doc in writes],
                                    session=session)
        else:
            for rows, doc in writes:
                await rows.insert_one(doc, session=session)

    return await _retried(client, 4 if bulk else 6, body)


async def comment_statements(client: AsyncMongoClient[dict[str, Any]], n: int) -> int:
    return await _comment(client, n, bulk=False)


async def comment_bulk(client: AsyncMongoClient[dict[str, Any]], n: int) -> int:
    return await _comment(client, n, bulk=True)


KINDS: dict[str, Kind] = {"find_by_id": find_by_id, "update_by_id": update_by_id, "insert": insert,
                          "transaction": transaction, "comment_statements": comment_statements,
                          "comment_bulk": comment_bulk}


async def fill(client: AsyncMongoClient[dict[str, Any]]) -> None:
    body = "A ticket's description of a reasonable length. " * 10
    await client.bench.tickets.insert_many([
        {"_id": f"t{i:06d}", "companyId": f"c{i % 5}", "title": f"Ticket {i}", "description": body, "status": "open",
         "participants": [f"u{i % 200}", f"u{(i + 7) % 200}"], "seen": 0} for i in range(DOCUMENTS)])
    await client.bench.tickets.create_index("companyId")


async def measure(client: AsyncMongoClient[dict[str, Any]], kind: Kind, concurrency: int, seconds: float,
                  pid: int | None) -> dict[str, Any]:
    latencies: list[float] = []
    sent = units = 0
    counter = itertools.count()
    deadline = time.monotonic() + seconds

    async def caller() -> None:
        nonlocal sent, units
        while time.monotonic() < deadline:
            began = time.monotonic()
            commands = await kind(client, next(counter))
            latencies.append((time.monotonic() - began) / commands)
            sent += commands
            units += 1

    cpu_before, began = cpu_seconds(pid) if pid else 0.0, time.monotonic()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return {"commands_per_second": round(sent / elapsed), "calls_per_second": round(units / elapsed),
            "p50_ms": round(ordered[len(ordered) // 2] * 1000, 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
            "database_cpu_cores": round((cpu_seconds(pid) - cpu_before) / elapsed, 2) if pid else None}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="aurontek-ceiling-") as workdir:
        database = EmbeddedMongo(Path(workdir), die_with_parent=True)
        url = args.mongodb_url or await database.start()
        pid = database.process.pid if database.process is not None else None
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url, maxPoolSize=max(args.concurrency) + 4)
        try:
            await client.drop_database("bench")
            await fill(client)
            report: dict[str, Any] = {}
            for name, kind in ((name, KINDS[name]) for name in args.kinds):
                for concurrency in args.concurrency:
                    key = f"{name} x{concurrency}"
                    if key in report:  # a kind asked for again: its rounds apart
                        key += f" ({sum(k == key or k.startswith(key + ' (') for k in report) + 1})"
                    report[key] = await measure(client, kind, concurrency, args.seconds, pid)
                    print(f"{key}: {report[key]}", file=sys.stderr)
            await client.drop_database("bench")
            return report
        finally:
            await client.close()
            database.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--mongodb-url", default="", help="measure this MongoDB instead (a database named bench is "
                        "dropped, filled and dropped)")
    parser.add_argument("--kinds", nargs="+", choices=tuple(KINDS), default=list(KINDS))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report_to(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()
