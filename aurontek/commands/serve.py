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
    """Collect the young objects every 10,000 allocations (Python's default: 700), the middle generation every
    tenth time, and the whole heap rarely. With the defaults, collections over 1,000 live WebSockets stalled the chat
    service for up to half a second at a time (benchmarks/subscriptions); with 50,000, each young collection of
    `aurontek up` took about 55 ms under the workload benchmark, and with 10,000 about 9 ms
    (benchmarks/workload/RESULTS.md). The middle generation every 50th time held so many survivors that each of its
    collections stopped chat for about 120 ms (up to 270) every 10 s under the live-chat benchmark, the spikes of
    its p99; every 10th, about 40 ms."""
    gc.set_threshold(10_000, 10, 100)


def freeze_started() -> None:
    """Leave what starting made (modules, schemas, clients: alive as long as the process) out of every later
    collection. A full collection walks every object the collector tracks: `aurontek up`'s one process, which holds
    the gateway and five services, stopped for 0.3-0.4 s at each, 16 times a minute under the workload benchmark."""
    gc.collect()
    gc.freeze()


def run(args: argparse.Namespace) -> int:
    tune_garbage_collector()
    if args.service == "gateway":
        server = importlib.import_module("supergraph.server")
        return int(server.serve(host=args.host, port=args.port, supergraph=args.supergraph,
                                started=freeze_started) or 0)
    if args.supergraph:
        raise SystemExit("--supergraph applies to the gateway only")
    from subgraphs.kernel.runner import serve_subgraph

    return serve_subgraph(args.service, host=args.host, port=args.port, started=freeze_started)
