"""`aurontek up`: the gateway and every subgraph in one process, embedded mode, one command."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aurontek.commands.serve import freeze_started, tune_garbage_collector

if TYPE_CHECKING:
    from aurontek.stack import Stack

DEFAULT_ADMIN_EMAIL = "admin@aurontek.local"
DEFAULT_ADMIN_PASSWORD = "Aurontek-Platform-2026!"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=os.environ.get("AURONTEK_DATA_DIR", ".aurontek"),
                        help="where data lives between runs (default: .aurontek)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000,
                        help="gateway port (subgraphs use 3001-3005, or USERS_PORT, TICKETS_PORT, ...)")
    parser.add_argument("--demo", action="store_true", help="seed a demo company with agents and customers")


def run(args: argparse.Namespace, *, started: Callable[[Stack], None] | None = None) -> int:
    """Run until SIGINT or SIGTERM; `started`, if given, is called with the running stack (benchmarks read its
    bus's backlog)."""
    from subgraphs.kernel.logging import configure_logging

    configure_logging("aurontek", level=os.environ.get("LOG_LEVEL", "WARNING"), fmt="console")
    os.environ.setdefault("AURONTEK_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL)
    if "AURONTEK_ADMIN_PASSWORD" not in os.environ:
        os.environ["AURONTEK_ADMIN_PASSWORD"] = DEFAULT_ADMIN_PASSWORD
    tune_garbage_collector()
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(_run(args, started))


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed, as uvicorn picks it for `aurontek serve`: the gateway, five services and their
    consumers share this one loop, and its scheduling and sockets cost a fraction of the standard loop's. None
    (the standard loop) where uvloop is not built for the platform (Windows)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


async def _run(args: argparse.Namespace, started: Callable[[Stack], None] | None) -> int:
    from aurontek.commands.serve import SUBGRAPHS
    from aurontek.stack import Stack
    from subgraphs.kernel.runner import resolve_port

    ports = {name: resolve_port(name, None) for name in SUBGRAPHS}
    # every service, the gateway included, verifies tokens with this stack's own users service
    jwks = f"http://{args.host}:{ports['users']}/.well-known/jwks.json"
    os.environ["AUTH_JWKS_URL"] = jwks
    # the links the product mails (password reset, welcome) open the web app this gateway serves
    os.environ.setdefault("APP_URL", f"http://{args.host}:{args.port}")
    stack = Stack(data_dir=Path(args.data_dir), host=args.host, gateway_port=args.port, ports=ports,
                  progress=lambda line: print(line, flush=True))
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    try:
        await stack.start()
        if args.demo:
            from aurontek.demo import seed_demo

            print("seeding the demo company ...", flush=True)
            logins = await seed_demo(stack.gateway_url)
        else:
            logins = []
        freeze_started()
        _announce(stack.gateway_url, logins)
        if started is not None:
            started(stack)
        await stopping.wait()
        print("\nstopping ...", flush=True)
    finally:
        await stack.stop()
    print("stopped", flush=True)
    return 0


def _announce(gateway_url: str, logins: list[tuple[str, str, str]]) -> None:
    from aurontek.demo import DEMO_PASSWORD

    print(f"\nweb app:   {gateway_url}/")
    print(f"GraphiQL:  {gateway_url}/graphql")
    print(f"platform admin:  {os.environ['AURONTEK_ADMIN_EMAIL']} / {os.environ['AURONTEK_ADMIN_PASSWORD']}"
          "  (no access code)")
    for who, code, email in logins:
        print(f"{who}:  access code {code}  {email} / {DEMO_PASSWORD}")
    print("Ctrl-C stops everything.", flush=True)
