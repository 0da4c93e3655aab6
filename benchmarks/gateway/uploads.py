"""File uploads through the gateway: throughput and the gateway's peak memory for 1, 10 and 50 MB files.

A sink subgraph in this process (aiohttp) takes `upload(file: Upload!)` as a GraphQL multipart request, reads the file
as it streams and answers its size and SHA-256; our gateway runs as its own process (`aurontek serve gateway`) over
it. Each size is sent `--rounds` times, one at a time, through the gateway and, as the reference, straight to the
sink (what the upload costs without a gateway in between), alternating; the answer's digest must match the file's.
Reported per size: MB/s through each (median), their ratio, and how far the gateway's resident memory rose above
what it held before the size's first upload (its peak, VmHWM, against VmRSS).

    .venv/bin/python -m benchmarks.gateway.uploads
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import orjson
from aiohttp import web

from benchmarks.gateway.bench import _start, _stop, _wait
from subgraphs.kernel.embedded_mongo import free_port
from tests.supergraph.gateway_harness import compose_subgraphs
from tests.supergraph.tiny_subgraph import TinySubgraph

SDL = """
scalar Upload
type Query { ready: Boolean }
type Mutation { upload(file: Upload!): Stored! }
type Stored { size: Int! sha256: String! }
"""
UPLOAD = "mutation($f: Upload!) { upload(file: $f) { size sha256 } }"
SIZES_MB = (1, 10, 50)


async def sink(request: web.Request) -> web.Response:
    """The subgraph: `_service` for composition, and the upload read part by part, never whole."""
    if request.content_type == "application/json":
        body = await request.json()
        return web.json_response({"data": {"_service": {"sdl": SDL}}} if "_service" in body["query"] else
                                 {"data": {"ready": True}})
    reader = await request.multipart()
    digest, size = hashlib.sha256(), 0
    async for part in reader:
        if part.filename is None:
            await part.read()  # operations, map
            continue
        while chunk := await part.read_chunk(1 << 16):
            digest.update(chunk)
            size += len(chunk)
    return web.json_response({"data": {"upload": {"size": size, "sha256": digest.hexdigest()}}})


def _memory(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def _send(client: httpx.AsyncClient, url: str, path: Path) -> tuple[float, dict]:
    began = time.perf_counter()
    with path.open("rb") as handle:  # httpx reads the file in chunks as it sends the form
        response = await client.post(url, data={
            "operations": orjson.dumps({"query": UPLOAD, "variables": {"f": None}}).decode(),
            "map": '{"0": ["variables.f"]}'}, files={"0": (path.name, handle, "application/octet-stream")},
            headers={"apollo-require-preflight": "true"})
    return time.perf_counter() - began, response.json()


async def run(rounds: int) -> list[tuple[int, float, float, int]]:
    app = web.Application(client_max_size=1 << 31)
    app.router.add_post("/graphql", sink)
    runner = web.AppRunner(app)
    await runner.setup()
    sink_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", sink_port).start()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        subgraph = TinySubgraph("files", SDL)  # its SDL, for composition; the sink above serves it
        subgraph.url = f"http://127.0.0.1:{sink_port}/graphql"
        supergraph = Path(directory) / "supergraph.graphql"
        supergraph.write_text(compose_subgraphs([subgraph]))
        port = free_port()
        os.environ.update(GATEWAY_UPLOAD_MAX_BYTES=str(64 * 1024 * 1024), GATEWAY_SUBGRAPH_TIMEOUT="300")
        gateway = _start("aurontek", supergraph, port)
        try:
            await asyncio.to_thread(_wait, f"http://127.0.0.1:{port}/health")
            through, direct = f"http://127.0.0.1:{port}/graphql", subgraph.url
            async with httpx.AsyncClient(timeout=300) as client:
                warm = Path(directory) / "warm.bin"
                warm.write_bytes(os.urandom(64 * 1024))
                await _send(client, through, warm)
                for megabytes in SIZES_MB:
                    path = Path(directory) / f"{megabytes}mb.bin"
                    data = os.urandom(megabytes * 1024 * 1024)
                    path.write_bytes(data)
                    expected = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                    del data
                    rss_before, _ = _memory(gateway.pid)
                    times: dict[str, list[float]] = {"gateway": [], "direct": []}
                    for n in range(rounds):
                        for way in (("gateway", "direct") if n % 2 == 0 else ("direct", "gateway")):
                            seconds, answer = await _send(client, through if way == "gateway" else direct, path)
                            assert answer == {"data": {"upload": expected}}, answer
                            times[way].append(seconds)
                    _, peak = _memory(gateway.pid)
                    rows.append((megabytes, megabytes / statistics.median(times["gateway"]),
                                 megabytes / statistics.median(times["direct"]), peak - rss_before))
                    path.unlink()
        finally:
            _stop(gateway)
            await runner.cleanup()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = asyncio.run(run(args.rounds))
    print(f"{args.rounds} uploads of each size each way, one at a time, alternating\n")
    print("| file | through the gateway MB/s | straight to the subgraph MB/s | ratio | gateway peak memory rise |")
    print("|---|---|---|---|---|")
    for megabytes, gateway, direct, rise in rows:
        print(f"| {megabytes} MB | {gateway:,.0f} | {direct:,.0f} | {gateway / direct:.2f}x | {rise / 1024:.1f} MiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
