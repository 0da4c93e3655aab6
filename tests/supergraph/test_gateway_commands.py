"""`aurontek plan` and `aurontek serve gateway`: output, start-up time, nothing heavy imported."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from aurontek.commands import plan as plan_command
from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import compose_subgraphs, free_port

ROOT = Path(__file__).resolve().parents[2]


def _supergraph(tmp_path: Path) -> Path:
    path = tmp_path / "supergraph.graphql"
    path.write_text(compose_subgraphs(entities.subgraphs()))
    return path


def test_plan_command_prints_the_plan(tmp_path: Path, capsys) -> None:
    args = argparse.Namespace(operation="{ me { name } }", supergraph=str(_supergraph(tmp_path)), operation_name=None)
    assert plan_command.run(args) == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        "QueryPlan {",
        '  Fetch(service: "accounts") {',
        "    {",
    ]


def test_plan_command_reports_invalid_operations(tmp_path: Path, capsys) -> None:
    args = argparse.Namespace(operation="{ nope }", supergraph=str(_supergraph(tmp_path)), operation_name=None)
    assert plan_command.run(args) == 1
    assert "invalid operation" in capsys.readouterr().err


def test_serve_gateway_answers_health_within_two_seconds(tmp_path: Path) -> None:
    port = free_port()
    command = [str(ROOT / ".venv/bin/aurontek"), "serve", "gateway", "--supergraph", str(_supergraph(tmp_path))]
    started = time.monotonic()
    process = subprocess.Popen([*command, "--port", str(port)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        while time.monotonic() - started < 10:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.02)
        elapsed = time.monotonic() - started
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert elapsed < 2.0, f"/health answered after {elapsed:.2f}s"


def test_gateway_imports_no_subgraph_code() -> None:
    code = (
        "import sys, supergraph.server, supergraph.server.app, supergraph.server.runtime, supergraph.gateway;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('subgraphs', 'strawberry', 'torch', 'pymongo')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
