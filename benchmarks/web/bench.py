"""The web app as its people feel it, in Debian's headless Chromium against `aurontek up --demo`.

    .venv/bin/python -m benchmarks.web.bench [--messages 100] [--json FILE]

Plays the browser test's story (tests/web/browser/story.cjs: a customer and an agent, each in a browser context of
their own) with `--messages` chat messages, and reports:
- live chat: from the agent pressing send to the message showing in the customer's page, p50/p95/max;
- the ticket page: from the click on a ticket in the list to its data on screen, for both;
- what the browser downloads first: the gzipped size of the JavaScript and CSS index.html loads (the build in
  web/dist, made by ./scripts/install).
Targets on this machine: live message p95 <= 300 ms, ticket page <= 1 s, initial JS <= 300 KiB gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from aurontek.demo import DEMO_ADMIN, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "dist"
STORY = ROOT / "tests" / "web" / "browser" / "story.cjs"


def initial_load() -> dict[str, float]:
    """Gzipped KiB of the scripts and style sheets index.html asks for."""
    page = (DIST / "index.html").read_text()
    files = re.findall(r'(?:src|href)="/(assets/[^"]+\.(?:js|css))"', page)
    sizes = {name: len(gzip.compress((DIST / name).read_bytes(), compresslevel=9)) / 1024 for name in files}
    return {"js_gzip_kib": round(sum(v for k, v in sizes.items() if k.endswith(".js")), 1),
            "css_gzip_kib": round(sum(v for k, v in sizes.items() if k.endswith(".css")), 1)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def run(messages: int) -> dict[str, Any]:
    from tests.fixtures.demo import playwright_modules, running_demo

    # the agent sends faster than a person may (30 messages in 10 s): timed here, not limited
    faster = {"CHAT_RATE_LIMIT_MESSAGES": "100000"}
    with tempfile.TemporaryDirectory(prefix="aurontek-web-bench-") as work, \
            running_demo(Path(work) / "data", faster, wait=240) as (origin, code):
        shots = Path(work) / "screens"
        shots.mkdir()
        task = {"origin": origin, "code": code, "password": DEMO_PASSWORD, "screenshots": str(shots),
                "customer": "carla@demo.aurontek.local", "agent": "bruno.agent@demo.aurontek.local",
                "admin": DEMO_ADMIN, "chatMessages": messages}
        done = subprocess.run(["node", str(STORY)], input=json.dumps(task), capture_output=True, text=True,
                              timeout=900, check=False,
                              env={**os.environ, "PLAYWRIGHT_MODULES": str(playwright_modules()),
                                   "WEB_MODULES": str(ROOT / "web" / "node_modules")})
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        report = json.loads(done.stdout.strip().splitlines()[-1])
    latencies = [float(x) for x in report["chatLatenciesMs"]]
    return {
        "live_chat_ms": {"messages": len(latencies), "p50": percentile(latencies, 0.5),
                         "p95": percentile(latencies, 0.95), "max": max(latencies)},
        "ticket_page_ms": {"customer": report["customerTicketMs"], "agent": report["agentTicketMs"]},
        "live_queue_ms": report["liveQueueMs"],
        "initial_load": initial_load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not (DIST / "index.html").is_file():
        raise SystemExit("the web app is not built: run ./scripts/install")
    report = run(args.messages)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
