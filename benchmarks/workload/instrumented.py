"""A service run exactly as `aurontek` runs it, watched for the workload benchmark.

    BENCH_STATUS_FILE=F python -m benchmarks.workload.instrumented serve tickets --port 3002
    BENCH_STATUS_FILE=F python -m benchmarks.workload.instrumented up --data-dir D --port 3000

Every database command the process sends is counted by database, command name and collection (a pymongo command
listener, registered before any client exists), and the garbage collector's pauses by generation (a `gc` callback);
under `up`, the in-process bus's backlog by consumer queue is read too.
All are written to the JSON file `BENCH_STATUS_FILE` five times a second (written aside, then renamed, so a
reader never sees half a file). Nothing else about the service changes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from pymongo import monitoring

if TYPE_CHECKING:
    from aurontek.stack import Stack

INTERVAL = 0.2
Backlog = Callable[[], dict[str, int]]


class Commands(monitoring.CommandListener):
    """Commands sent, keyed "<database> <command> <collection>" (the collection empty for commands without one);
    the time from sending each to its answer, in microseconds, by the same key; failures by key and error code; and the
    commands sent inside a transaction (its statements, commit and abort), by the same key."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.micros: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.in_transaction: Counter[str] = Counter()
        self._keys: dict[tuple[object, int], str] = {}
        self._database_at: dict[object, str] = {}  # server address -> the service database last used there

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        collection = target if isinstance(target, str) else ""
        database = event.database_name
        if database == "admin":  # a transaction's bulkWrite, commit or abort: whose server it went to says whose
            database = self._database_at.get(event.connection_id, database)
        else:
            self._database_at[event.connection_id] = database
        key = f"{database} {event.command_name} {collection}"
        self.counts[key] += 1
        if event.command.get("autocommit") is False:  # what the driver sends with every command of a transaction
            self.in_transaction[key] += 1
        self._keys[(event.connection_id, event.request_id)] = key

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        key = self._keys.pop((event.connection_id, event.request_id), None)
        if key is not None:
            self.micros[key] += event.duration_micros

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        key = self._keys.pop((event.connection_id, event.request_id), None)
        if key is not None:
            self.micros[key] += event.duration_micros
            code = event.failure.get("codeName") or event.failure.get("code") or "?"
            self.failures[f"{key} {code}"] += 1


class Collections:
    """The garbage collector's pauses, by generation ("gen0", "gen1", "gen2"): how many, their microseconds, and how
    many stopped the process for LONG_MICROS or more."""

    LONG_MICROS = 50_000

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.micros: Counter[str] = Counter()
        self.long: Counter[str] = Counter()
        self._began = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter_ns()
            return
        key, micros = f"gen{info['generation']}", (time.perf_counter_ns() - self._began) // 1000
        self.counts[key] += 1
        self.micros[key] += micros
        if micros >= self.LONG_MICROS:
            self.long[key] += 1


def _snapshot(commands: Commands, collections: Collections, backlog: Backlog | None) -> bytes:
    while True:  # read from another thread than the one counting: a dict may change while copied
        with contextlib.suppress(RuntimeError):
            return orjson.dumps({"at": time.time(), "commands": dict(commands.counts),
                                 "micros": dict(commands.micros), "failures": dict(commands.failures),
                                 "in_transaction": dict(commands.in_transaction),
                                 "gc": {"count": dict(collections.counts), "micros": dict(collections.micros),
                                        "long": dict(collections.long)},
                                 "backlog": backlog() if backlog is not None else None})


def _write_forever(path: Path, commands: Commands, collections: Collections, backlog: Backlog | None) -> None:
    aside = path.with_suffix(".writing")
    while True:
        aside.write_bytes(_snapshot(commands, collections, backlog))
        os.replace(aside, path)
        time.sleep(INTERVAL)


def _watch(path: Path, commands: Commands, collections: Collections, backlog: Backlog | None) -> None:
    threading.Thread(target=_write_forever, args=(path, commands, collections, backlog), daemon=True,
                     name="bench-status").start()


def main() -> int:
    path = Path(os.environ["BENCH_STATUS_FILE"])
    commands, collections = Commands(), Collections()
    monitoring.register(commands)
    gc.callbacks.append(collections)
    argv = sys.argv[1:]
    if argv[:1] == ["up"]:
        import argparse

        from aurontek.commands import up

        parser = argparse.ArgumentParser()
        up.configure(parser)

        def started(stack: Stack) -> None:
            _watch(path, commands, collections, stack.bus.backlog if stack.bus is not None else None)

        return up.run(parser.parse_args(argv[1:]), started=started)
    from aurontek.cli import main as aurontek

    _watch(path, commands, collections, None)
    return aurontek(argv)


if __name__ == "__main__":
    sys.exit(main())
