"""`aurontek serve <service>`: run one subgraph or the gateway in its own process."""

from __future__ import annotations

import argparse
import gc
import importlib

from subgraphs.kernel.runner import SUBGRAPHS

SERVICES = (*SUBGRAPHS, "gateway")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", choices=SERVICES, help="which service to run")
    parser.add_argument("--host", default=None, help="interface to bind (default: HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default: the service's own)")
    parser.add_argument(
        "--supergraph",
        default=None,
        help="gateway only: serve this supergraph SDL file instead of composing the subgraphs",
    )


def tune_garbage_collector() -> None:
    """Collect less often than Python's defaults (700, 10, 10): with them, collections over 1,000 live
    WebSockets stalled the chat service for up to half a second at a time (benchmarks/subscriptions)."""
    gc.set_threshold(50_000, 50, 100)


def run(args: argparse.Namespace) -> int:
    tune_garbage_collector()
    if args.service == "gateway":
        server = importlib.import_module("supergraph.server")
        return int(server.serve(host=args.host, port=args.port, supergraph=args.supergraph) or 0)
    if args.supergraph:
        raise SystemExit("--supergraph applies to the gateway only")
    from subgraphs.kernel.runner import serve_subgraph

    return serve_subgraph(args.service, host=args.host, port=args.port)
