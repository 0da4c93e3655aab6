"""Measures the gateway against Hive Gateway on the demo's deep query, side by side on one machine.

Run from the repository root: `.venv/bin/python -m benchmarks.gateway.bench` (needs `wrk`, Debian
package `wrk`, and npm for the reference, installed on first use under `.aurontek/bench-npm/`).
The four demo subgraphs run in one process; each gateway in turn is started on the same supergraph
(composed by ours), checked to give the same answer, warmed up, then loaded by `wrk` with the same
script. Reports requests/s, latency percentiles and the gateway's resident memory after the load,
and each figure as a ratio to each reference's: the median of each figure over `--rounds` rounds. Gateways:

- `aurontek`: ours as shipped (identical in-flight queries share one execution);
- `aurontek-nodedupe`: ours with request deduplication off, executing every request in full;
- `hive`: `@graphql-hive/gateway` (Node), its defaults;
- `hive-router-runtime`: the same with `--hive-router-runtime`, Hive Router's query planner (Rust, shipped
  in the npm package `@graphql-hive/router-query-planner`) in place of its JavaScript one;
- `aurontek-traced-0`, `aurontek-traced-10`, `aurontek-traced-100`: ours with OpenTelemetry tracing on, keeping
  none, 10 % and 100 % of the traces (`parentbased_traceidratio`; none: what the instrumentation alone costs),
  exporting over OTLP/HTTP to a sink in another process (`otlp_sink.py`);
  their figures are also given as ratios to `aurontek`'s (`--gateways aurontek aurontek-traced-10
  aurontek-traced-100` for that comparison alone): the median over rounds of each round's ratio (a traced gateway
  and ours run back to back in every round, so a slow spell of the machine weighs on both sides of a ratio), for
  requests/s and for the gateway's CPU time per request (its user + system time during the measured load, divided
  by the requests served: what tracing costs, less sensitive than throughput to what else the machine runs).

`--interleave` starts every gateway once and loads them in turn, round after round, each round in another order:
with a short `--duration` and many `--rounds`, a machine whose speed drifts (a shared virtual machine) still treats
every gateway alike. But each gateway is then one process for the whole run, and one start of a process can be a
few percent faster or slower than the next start of the same build (memory layout, hash seeds): that offset stays
with it in every round. To measure a difference of a few percent (what tracing costs), leave `--interleave` out:
every round starts every gateway afresh, so the offsets average out over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from supergraph.composition import SubgraphSource, compose

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HIVE_GATEWAY = ("@graphql-hive/gateway@2.15.1", "@graphql-hive/router-runtime@1.4.23")
NPM_DIR = ROOT / ".aurontek" / "bench-npm"
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = {body}
"""
GATEWAYS = ("aurontek", "aurontek-nodedupe", "hive", "hive-router-runtime", "aurontek-traced-0",
            "aurontek-traced-10", "aurontek-traced-100")
SAMPLED = {"aurontek-traced-0": "0.0", "aurontek-traced-10": "0.1", "aurontek-traced-100": "1.0"}
SINK_PORT = 4399  # the OTLP sink the traced gateways export to


@dataclass
class Result:
    gateway: str
    requests_per_second: float
    latency_ms: dict[str, float]  # p50, p75, p90, p99
    rss_mib: float
    errors: str
    cpu_us: float = 0.0  # the gateway's CPU time (user + system, its children too) per request served


def _cpu_seconds(pid: int) -> float:
    """CPU time so far of a process and its children (utime + stime, /proc/<pid>/stat fields 14 and 15)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(stat.parent.name) == pid or fields[1] == str(pid):  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _wait(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=0.5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (npx-style launchers run the server as a child)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(status.parent.name) == pid or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def _hive_gateway() -> list[str]:
    binary = NPM_DIR / "node_modules" / ".bin" / "hive-gateway"
    if not (NPM_DIR / "node_modules" / "@graphql-hive" / "router-runtime").exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed for the reference gateway (or pass --gateways aurontek)")
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        (NPM_DIR / "package.json").write_text('{"private": true}\n')
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", *HIVE_GATEWAY], cwd=NPM_DIR, check=True)
    return [str(binary)]


def _start(gateway: str, supergraph: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if gateway.startswith("hive"):
        command = [*_hive_gateway(), "--port", str(port), "--host", "127.0.0.1", "supergraph", str(supergraph)]
        if gateway == "hive-router-runtime":
            command.append("--hive-router-runtime")
        env = {**env, "NODE_ENV": "production", "LOG_LEVEL": "warn"}
    else:
        command = [str(ROOT / ".venv/bin/aurontek"), "serve", "gateway", "--supergraph", str(supergraph),
                   "--port", str(port)]
        env = {**env, "LOG_LEVEL": "WARNING"}
        if gateway == "aurontek-nodedupe":
            env = {**env, "GATEWAY_DEDUPE_REQUESTS": "false", "GATEWAY_DEDUPE_SUBGRAPH_REQUESTS": "false"}
        if gateway in SAMPLED:
            env = {**env, "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{SINK_PORT}",
                   "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": SAMPLED[gateway]}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wrk(url: str, script: Path, connections: int, duration: str) -> str:
    return subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}", "-s", str(script), "--latency", url],
                          capture_output=True, text=True, check=True).stdout


def _milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _parse(report: str) -> tuple[float, dict[str, float], str]:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))  # type: ignore[union-attr]
    latency = {f"p{p}": _milliseconds(m.group(1))
               for p in (50, 75, 90, 99) if (m := re.search(rf"^\s+{p}%\s+(\S+)", report, re.MULTILINE))}
    errors = "; ".join(line.strip() for line in report.splitlines()
                       if "Non-2xx" in line or "Socket errors" in line)
    return rate, latency, errors


def _ready(gateway: str, url: str, body: str, expected: dict[str, Any] | None, script: Path,
           connections: int) -> dict[str, Any]:
    """Wait for the gateway, check its answer (which must be `expected` when that is given), warm it up."""
    _wait(url)
    answer = httpx.post(url, content=body, headers={"content-type": "application/json"}, timeout=30).json()
    if "errors" in answer or (expected is not None and answer != expected):
        raise SystemExit(f"{gateway} answered differently: {json.dumps(answer)[:300]}")
    _wrk(url, script, connections, "5s")  # warm-up: JIT, pools, caches
    return answer


def _load(gateway: str, pid: int, url: str, script: Path, connections: int, duration: str) -> Result:
    """One measured load: wrk's figures and the CPU time the gateway spent per request meanwhile (RSS after)."""
    cpu_before = _cpu_seconds(pid)
    report = _wrk(url, script, connections, duration)
    cpu = _cpu_seconds(pid) - cpu_before
    rate, latency, errors = _parse(report)
    served = rate * _milliseconds(duration) / 1000
    return Result(gateway, rate, latency, _rss_mib(pid), errors, cpu / served * 1e6 if served else 0.0)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def measure(gateway: str, supergraph: Path, port: int, body: str, expected: dict[str, Any] | None, script: Path,
            connections: int, duration: str) -> tuple[Result, dict[str, Any]]:
    """The gateway's figures, and its answer to the query (which must be `expected` when that is given)."""
    process = _start(gateway, supergraph, port)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        answer = _ready(gateway, url, body, expected, script, connections)
        return _load(gateway, process.pid, url, script, connections, duration), answer
    finally:
        _stop(process)


def interleaved(gateways: list[str], supergraph: Path, port: int, body: str, script: Path, connections: int,
                duration: str, rounds: int) -> dict[str, list[Result]]:
    """Every gateway started once (on `port`, `port` + 1, ...), then loaded in turn, `rounds` times, each round in
    another order: short loads back to back, so the machine's drift reaches every gateway alike."""
    processes = {gateway: _start(gateway, supergraph, port + i) for i, gateway in enumerate(gateways)}
    urls = {gateway: f"http://127.0.0.1:{port + i}/graphql" for i, gateway in enumerate(gateways)}
    runs: dict[str, list[Result]] = {gateway: [] for gateway in gateways}
    try:
        expected: dict[str, Any] | None = None
        for gateway in gateways:
            expected = _ready(gateway, urls[gateway], body, expected, script, connections)
        for round_ in range(rounds):
            order = gateways[round_ % len(gateways):] + gateways[:round_ % len(gateways)]
            for gateway in order:
                result = _load(gateway, processes[gateway].pid, urls[gateway], script, connections, duration)
                runs[gateway].append(result)
            print(f"round {round_ + 1}: " + ", ".join(f"{g} {runs[g][-1].requests_per_second:,.0f} req/s "
                                                     f"{runs[g][-1].cpu_us:,.0f} µs" for g in gateways), flush=True)
    finally:
        for process in processes.values():
            _stop(process)
    return runs


def _median(runs: list[Result]) -> Result:
    """Each figure's median over the rounds (rounds alternate the gateways, so drift hits them alike)."""
    return Result(runs[0].gateway, statistics.median(r.requests_per_second for r in runs),
                  {k: statistics.median(r.latency_ms[k] for r in runs) for k in runs[0].latency_ms},
                  statistics.median(r.rss_mib for r in runs), "; ".join(r.errors for r in runs if r.errors),
                  statistics.median(r.cpu_us for r in runs))


def _paired(runs: dict[str, list[Result]], gateway: str, figure: str) -> float:
    """The median over rounds of `gateway`'s figure divided by `aurontek`'s in the same round (run back to back,
    so a slow spell of the machine weighs on both sides of each ratio)."""
    pairs = zip(runs[gateway], runs["aurontek"], strict=True)
    return statistics.median(getattr(r, figure) / getattr(b, figure) for r, b in pairs)


def _tracing_table(results: list[Result], runs: dict[str, list[Result]]) -> str:
    """The traced gateways against ours untraced: medians, and the median of each round's paired ratio."""
    base = next((r for r in results if r.gateway == "aurontek"), None)
    traced = [r for r in results if r.gateway in SAMPLED]
    if base is None or not traced:
        return ""
    rows = ["| gateway | req/s | p50 ms | p99 ms | CPU µs/request | req/s vs aurontek (paired) | loss (paired) "
            "| CPU per request vs aurontek (paired) | p99 vs aurontek |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in (base, *traced):
        ratio = _paired(runs, r.gateway, "requests_per_second")
        cpu = _paired(runs, r.gateway, "cpu_us")
        rows.append(f"| {r.gateway} | {r.requests_per_second:,.0f} | {r.latency_ms['p50']:.1f} | "
                    f"{r.latency_ms['p99']:.1f} | {r.cpu_us:,.0f} | {ratio:.3f}x | {(1 - ratio) * 100:.1f} % | "
                    f"{cpu:.3f}x | {r.latency_ms['p99'] / base.latency_ms['p99']:.2f}x |")
    return "\n".join(rows)


def _table(results: list[Result]) -> str:
    references = [r for r in results if r.gateway.startswith("hive")]
    head = "| gateway | req/s | p50 ms | p75 ms | p90 ms | p99 ms | RSS MiB |"
    head += "".join(f" req/s vs {r.gateway} | p99 vs {r.gateway} |" for r in references)
    rows = [head, "|" + "---|" * (7 + 2 * len(references))]
    for r in results:
        lat = r.latency_ms
        row = (f"| {r.gateway} | {r.requests_per_second:,.0f} | {lat['p50']:.1f} | {lat['p75']:.1f} | "
               f"{lat['p90']:.1f} | {lat['p99']:.1f} | {r.rss_mib:.0f} |")
        for ref in references:
            row += (f" {r.requests_per_second / ref.requests_per_second:.2f}x |"
                    f" {lat['p99'] / ref.latency_ms['p99']:.2f}x |")
        rows.append(row)
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", default="20s")
    parser.add_argument("--port", type=int, default=4300)
    parser.add_argument("--gateways", nargs="+", choices=GATEWAYS, default=list(GATEWAYS))
    parser.add_argument("--rounds", type=int, default=3, help="each gateway this many times, alternating")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--interleave", action="store_true",
                        help="start every gateway once and load them in turn (short --duration, many --rounds)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subgraphs = subprocess.Popen([sys.executable, "-m", "benchmarks.gateway.demo_subgraphs"], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, text=True)
    sink = subprocess.Popen([sys.executable, "-m", "benchmarks.gateway.otlp_sink", str(SINK_PORT)], cwd=ROOT,
                            env=env) if set(args.gateways) & set(SAMPLED) else None
    try:
        from benchmarks.gateway.demo_subgraphs import demo_subgraphs

        assert subgraphs.stdout is not None
        lines = [subgraphs.stdout.readline().strip() for _ in range(4)]  # name=url, one per subgraph
        urls = dict(line.split("=", 1) for line in lines)
        sources = [SubgraphSource(s.name, urls[s.name], s.full_sdl) for s in demo_subgraphs()]
        composed = compose(sources)
        assert composed.supergraph_sdl, composed.errors
        workdir = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
        supergraph = workdir / "supergraph.graphql"
        supergraph.write_text(composed.supergraph_sdl)
        body = json.dumps({"query": (HERE / "deep_query.graphql").read_text()})
        script = workdir / "post.lua"
        script.write_text(LUA.format(body=json.dumps(body)))
        expected: dict[str, Any] | None = None  # the first gateway's answer: every other must give the same
        runs: dict[str, list[Result]] = {gateway: [] for gateway in args.gateways}
        if args.interleave:
            runs = interleaved(args.gateways, supergraph, args.port, body, script, args.connections, args.duration,
                               args.rounds)
        for round_ in range(1, 0 if args.interleave else args.rounds + 1):
            for gateway in args.gateways:
                result, answer = measure(gateway, supergraph, args.port, body, expected, script, args.connections,
                                         args.duration)
                if expected is None:
                    expected = answer
                    print(f"one response: {len(json.dumps(answer))} bytes, {len(answer['data']['users'])} users")
                exported = ""
                if sink is not None and gateway in SAMPLED:
                    spans = httpx.get(f"http://127.0.0.1:{SINK_PORT}/count").json()["spans"]
                    exported = f", {spans:,} spans exported so far"
                print(f"round {round_}, {gateway}: {result.requests_per_second:,.0f} req/s, "
                      f"{result.cpu_us:,.0f} µs CPU/request, "
                      f"p99 {result.latency_ms['p99']:.1f} ms{', ' + result.errors if result.errors else ''}"
                      f"{exported}", flush=True)
                runs[gateway].append(result)
    finally:
        subgraphs.terminate()
        subgraphs.wait(timeout=10)
        if sink is not None:
            sink.terminate()
            sink.wait(timeout=10)
    results = [_median(runs[gateway]) for gateway in args.gateways]
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"\n{args.connections} connections, {args.duration} per gateway after 5 s of warm-up, median of "
          f"{args.rounds} rounds; load average after: {' '.join(load)}\n")
    print(_table(results))
    if tracing := _tracing_table(results, runs):
        print(f"\nTracing:\n\n{tracing}")
    if args.json:
        args.json.write_text(json.dumps({"median": [r.__dict__ for r in results],
                                         "runs": {g: [r.__dict__ for r in rs] for g, rs in runs.items()}}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
