"""Measure the resident memory of each `aurontek serve <service>` process, after start and after a small load.

    .venv/bin/python deploy/measure_memory.py [--requests 300]

Starts every built subgraph and the gateway as separate processes on free ports (distributed mode: RabbitMQ at
AMQP_URL, MongoDB at MONGODB_URL or an embedded server of each service's own), signs in, raises tickets and reads them
through the gateway, and prints a Markdown table of VmRSS from /proc (the embedded databases are processes of
their own and are not counted: production uses MongoDB).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SUBGRAPHS = ("users", "tickets", "chat", "notifications", "ia")
ADMIN = ("admin@aurontek.local", "Measure-Memory-2026!")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def built(name: str) -> bool:
    return (ROOT / "subgraphs" / name / "service.py").exists()


def wait_ready(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 in {timeout}s")


def start(name: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "aurontek", "serve", name, "--port", str(port)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def load(gateway: str, requests: int) -> None:
    """Sign in, raise a few tickets, then read the queue and `me` over and over."""
    with httpx.Client(timeout=30) as client:
        def ask(query: str, token: str | None = None, **variables: object) -> dict:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            body = client.post(gateway, json={"query": query, "variables": variables}, headers=headers).json()
            if body.get("errors"):
                raise RuntimeError(body["errors"])
            return body["data"]

        token = ask("mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }",
                    e=ADMIN[0], p=ADMIN[1])["login"]["accessToken"]
        items = ask("{ serviceItems { id form { required } } }", token)["serviceItems"]
        item = next(i["id"] for i in items if not any(f["required"] for f in i["form"]))
        for n in range(10):
            ask("mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }", token,
                i={"itemId": item, "title": f"Load ticket {n}", "description": "Raised to measure memory."})
        for _ in range(requests):
            ask("{ me { name company { name } unreadNotificationCount } "
                "tickets(first: 20) { totalCount edges { node { reference creator { name } } } } }", token)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="queries through the gateway in the load")
    args = parser.parse_args()
    names = [n for n in SUBGRAPHS if built(n)]
    ports = {name: free_port() for name in [*names, "gateway"]}
    data = Path(tempfile.mkdtemp(prefix="aurontek-memory-"))
    env = {**os.environ, "AURONTEK_DATA_DIR": str(data), "AURONTEK_ENV": "development", "LOG_LEVEL": "WARNING",
           "AURONTEK_ADMIN_EMAIL": ADMIN[0], "AURONTEK_ADMIN_PASSWORD": ADMIN[1],
           "AMQP_URL": os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
           "AUTH_JWKS_URL": f"http://127.0.0.1:{ports['users']}/.well-known/jwks.json",
           "GATEWAY_SUBGRAPHS": ",".join(f"{n}=http://127.0.0.1:{ports[n]}/graphql" for n in names)}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in names:  # users first: it creates the signing keys
            processes[name] = start(name, ports[name], env, data / f"{name}.log")
            wait_ready(f"http://127.0.0.1:{ports[name]}/ready")
        processes["gateway"] = start("gateway", ports["gateway"], env, data / "gateway.log")
        wait_ready(f"http://127.0.0.1:{ports['gateway']}/health")
        time.sleep(3)
        idle = {name: rss_mib(p.pid) for name, p in processes.items()}
        began = time.monotonic()
        load(f"http://127.0.0.1:{ports['gateway']}/graphql", args.requests)
        took = time.monotonic() - began
        time.sleep(2)
        loaded = {name: rss_mib(p.pid) for name, p in processes.items()}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=30)
    print(f"| service | RSS after start (MiB) | RSS after load (MiB) |  (load: 10 tickets + {args.requests} "
          f"federated queries in {took:.0f}s)")
    print("|---|---:|---:|")
    for name in processes:
        print(f"| {name} | {idle[name]:.0f} | {loaded[name]:.0f} |")
    print(f"| total | {sum(idle.values()):.0f} | {sum(loaded.values()):.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
