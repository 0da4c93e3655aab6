"""What the product costs while nobody uses it: database commands a second and CPU per process, with no load.

    .venv/bin/python -m benchmarks.workload.idle [--mode embedded|distributed] [--seconds 60] [--json FILE]

Starts the stack as the workload benchmark does (bench.py: the same modes, the same instrumented processes, the
same company of 20 agents and 180 customers), waits until the setup's events are handled and `--settle` seconds
more, then counts for `--seconds` what every process sends to its database and the CPU each spends. What remains is
the background work (pollers, leases, sweeps, heartbeats): the floor every instance pays all day, and what the
database spends on it before a single user asks anything.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.subscriptions.stack import Stack
from benchmarks.workload.bench import LAUNCHER, _settled, commands, machine_busy, report_to
from benchmarks.workload.people import populate


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="aurontek-idle-") as workdir:
        stack = Stack(Path(workdir), args.amqp_url, notifications=True, ia=True, embedded=args.mode == "embedded",
                      per_service_databases=True, launcher=LAUNCHER)
        try:
            await stack.start()
            await populate(stack, agents=20, customers=180)
            databases = stack.databases(tz_aware=True)
            try:
                await _settled(stack, databases)
            finally:
                await databases.close()
            print(f"{args.mode} stack up and settled; idle for {args.settle + args.seconds:.0f}s", file=sys.stderr)
            await asyncio.sleep(args.settle)
            sent_before = commands(stack)
            cpu_before = {n: s.cpu_seconds() for n, s in stack.services.items()}
            busy_before = machine_busy()
            began = time.monotonic()
            await asyncio.sleep(args.seconds)
            elapsed = time.monotonic() - began
            sent = {k: v - sent_before.get(k, 0) for k, v in commands(stack).items()}
            cpu = {n: round((s.cpu_seconds() - cpu_before[n]) / elapsed, 3) for n, s in stack.services.items()}
            busy_after = machine_busy()
            cpu["whole machine"] = round((busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1])
                                         * (os.cpu_count() or 1), 3)
        finally:
            await stack.stop()
    per_second = {k: round(v / elapsed, 2) for k, v in sorted(sent.items(), key=lambda kv: -kv[1]) if v}
    return {"mode": args.mode, "seconds": round(elapsed, 1),
            "database_commands_per_second": round(sum(sent.values()) / elapsed, 2),
            "by_service_command_collection": per_second, "cpu_cores_by_process": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("distributed", "embedded"), default="embedded")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--settle", type=float, default=15, help="seconds left idle before counting")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report_to(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()
