"""Starts SecantusDB, a MongoDB-wire server, as a child process on a local data directory.

SecantusDB is GPL-2.0-only, so it is never imported into our process: we run its launcher in a process of its
own (as `python -m secantus` does, with the interpreter's switch interval set first) and speak to it over the
wire like any MongoDB. A running server on the same data directory (started by another process) is reused instead
of started twice.

Each service gets a server of its own (`database_dir`): SecantusDB runs the statements of all its transactions
one at a time, so services sharing one server wait in one line (benchmarks/workload/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from subgraphs.kernel.logging import get_logger

log = get_logger(__name__)

_PORT_FILE = "aurontek-server.port"
_PID_FILE = "aurontek-server.pid"
# How often the server's interpreter hands its lock between threads (Python's default is 5 ms). SecantusDB serves
# each connection on a thread of its own and takes locks of its own besides the interpreter's; under a burst of chat
# messages at 100 a second, about a third of the runs stopped for half a minute, the server at a fifth of a core
# while a hundred transactions waited in it, and none in ten did at 1 ms (benchmarks/subscriptions/RESULTS.md).
SWITCH_INTERVAL = 0.001
# The server's launcher, run in its own process like `python -m secantus`, with the switch interval (argv[1]) and the
# seconds between the server's own TTL sweeps (argv[2], 0: none) first. `python -m secantus` reads
# `ttl_sweep_seconds` from the config file and does not hand it to the server (0.7.0b3), whose sweeper then ran every
# 60 s whatever was asked; and between two sweeps its thread keeps its last pass's read snapshot open, so the database
# keeps every version of every document written since, up to a minute of history. Each read and write slowed as it
# grew (the second half-minute of live chat at 100 messages/s had a p99 1.7-6.5 times the first's), and runs stopped
# for up to minutes with a read waiting inside WiredTiger for a page while it held the server's lock; none has since
# (benchmarks/subscriptions/RESULTS.md). So the launcher gives the server the interval, as its constructor's default.
_LAUNCH = "\n".join((
    "import functools, runpy, sys",
    "sys.setswitchinterval(float(sys.argv.pop(1)))",
    "ttl_sweep_seconds = float(sys.argv.pop(1))",
    "import secantus.server",
    "server = secantus.server.SecantusDBServer",
    "server.__init__ = functools.partialmethod(server.__init__, ttl_sweep_seconds=ttl_sweep_seconds)",
    "runpy.run_module('secantus', run_name='__main__', alter_sys=True)",
))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """`count` different free ports. Each socket is held until all are chosen: asked one after another, the system may
    hand out a port it just gave (two services of one stack were once given the same one)."""
    with contextlib.ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


def database_dir(data_dir: Path, service: str) -> Path:
    """Where a service's embedded database lives under `data_dir`: `databases/<service>/`, or the one `mongodb/` every
    service shared before each had its own, while that holds data (so an existing data directory keeps its data)."""
    shared = data_dir / "mongodb"
    return shared if (shared / "db").is_dir() else data_dir / "databases" / service


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


class EmbeddedMongo:
    """One SecantusDB server on `data_dir`; `url` is set once `start()` returns."""

    def __init__(self, data_dir: Path, *, port: int | None = None, ttl_sweep_seconds: float = 0.0,
                 die_with_parent: bool = False) -> None:
        self.data_dir = data_dir.resolve()
        # a test run's server ends with the run, even one killed outright (Linux: the parent-death signal)
        self.die_with_parent = die_with_parent
        self.port = port
        # The server's own TTL sweeper is off unless asked for (see `_LAUNCH`): it stalls every write while it reads
        # whole collections, its open snapshot makes the database keep old versions, and each service deletes its
        # expired rows by their indexes instead (kernel/expiry.py).
        self.ttl_sweep_seconds = ttl_sweep_seconds
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    @property
    def owned(self) -> bool:
        return self.process is not None

    async def start(self, timeout: float = 30.0) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        existing = self._running_port()
        if existing is not None:
            self.port, self.url = existing, self._url(existing)
            log.info(
                "using the embedded MongoDB-wire server already running at %s (data in %s)", self.url, self.data_dir
            )
            return self.url
        self.port = self.port or free_port()
        config = self.data_dir / "secantusd.toml"
        config.write_text(f"[storage]\nttl_sweep_seconds = {self.ttl_sweep_seconds}\n")
        log_file = open(self.data_dir / "server.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, str(SWITCH_INTERVAL), str(self.ttl_sweep_seconds), "--config", str(config),
             "--host", "127.0.0.1", "--port", str(self.port), "--storage-path", str(self.data_dir / "db"),
             "--log-level", "WARNING"],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal goes to us; we stop it in order
            preexec_fn=_term_with_parent if self.die_with_parent else None,
        )
        log_file.close()
        deadline = time.monotonic() + timeout
        while not _answers(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"the embedded database exited at start; see {self.data_dir / 'server.log'}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the embedded database did not answer within {timeout:.0f}s")
            await asyncio.sleep(0.05)
        (self.data_dir / _PORT_FILE).write_text(str(self.port))
        (self.data_dir / _PID_FILE).write_text(str(self.process.pid))
        self.url = self._url(self.port)
        log.info("embedded MongoDB-wire server started at %s (data in %s)", self.url, self.data_dir)
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for name in (_PORT_FILE, _PID_FILE):
            with contextlib.suppress(FileNotFoundError):
                (self.data_dir / name).unlink()

    def _running_port(self) -> int | None:
        try:
            port = int((self.data_dir / _PORT_FILE).read_text())
            pid = int((self.data_dir / _PID_FILE).read_text())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return port if _answers(port) else None

    @staticmethod
    def _url(port: int) -> str:
        # One server never fails over, so retryable writes protect nothing here; and SecantusDB's record of
        # them slows every later write (30 % after 6,000 writes), collapsing a long run at 100 messages/s.
        return f"mongodb://127.0.0.1:{port}/?directConnection=true&retryWrites=false"


def _term_with_parent() -> None:
    """In the child, before exec: SIGTERM when the process that started it dies (PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
