"""Measures the gateway on the demo's deep query: subgraphs, gateway and `wrk` on loopback.

Run from the repository root: `.venv/bin/python -m benchmarks.gateway.bench` (needs `wrk`,
Debian package `wrk`). Prints the check of one response and wrk's report."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from supergraph.composition import SubgraphSource, compose

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = {body}
"""


def _wait(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not come up")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", default="20s")
    parser.add_argument("--port", type=int, default=4300)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subgraphs = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.gateway.demo_subgraphs"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    gateway = None
    try:
        from benchmarks.gateway.demo_subgraphs import demo_subgraphs

        urls = dict(subgraphs.stdout.readline().strip().split("=", 1) for _ in range(4))  # type: ignore[union-attr]
        sources = [SubgraphSource(s.name, urls[s.name], s.full_sdl) for s in demo_subgraphs()]
        composed = compose(sources)
        assert composed.supergraph_sdl, composed.errors
        supergraph = Path(tempfile.mkdtemp()) / "supergraph.graphql"
        supergraph.write_text(composed.supergraph_sdl)
        gateway = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/aurontek"),
                "serve",
                "gateway",
                "--supergraph",
                str(supergraph),
                "--port",
                str(args.port),
            ],
            cwd=ROOT,
            env=env,
        )
        _wait(f"http://127.0.0.1:{args.port}/health")
        query = (HERE / "deep_query.graphql").read_text()
        body = json.dumps({"query": query})
        check = httpx.post(
            f"http://127.0.0.1:{args.port}/graphql", content=body, headers={"content-type": "application/json"}
        ).json()
        assert "errors" not in check, check["errors"]
        print(f"one response: {len(json.dumps(check))} bytes, {len(check['data']['users'])} users, no errors")
        script = Path(tempfile.mkdtemp()) / "post.lua"
        script.write_text(LUA.format(body=json.dumps(body)))
        report = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.duration}",
                "-s",
                str(script),
                "--latency",
                f"http://127.0.0.1:{args.port}/graphql",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        print(report.stdout)
    finally:
        for process in (gateway, subgraphs):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
