"""Failpoints hold a process where a fault test asks, once; production ignores them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REACH = """
import asyncio
from subgraphs.kernel import failpoints

async def main():
    await failpoints.reach("transaction.begin")  # not the armed point: passes
    try:
        await asyncio.wait_for(failpoints.reach("transaction.commit"), 1.0)
        print("passed")
    except TimeoutError:
        print("held")
    await asyncio.wait_for(failpoints.reach("transaction.commit"), 1.0)  # once per process
    print("then passed")

asyncio.run(main())
"""


def run(tmp_path: Path, environment: str) -> tuple[list[str], bool]:
    armed = tmp_path / "failpoint"
    armed.write_text("transaction.commit")
    env = {**os.environ, "AURONTEK_FAILPOINT_FILE": str(armed), "AURONTEK_ENV": environment}
    out = subprocess.run([sys.executable, "-c", REACH], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=30, check=True).stdout.split()
    return out, armed.with_name("failpoint.reached").exists()


@pytest.mark.parametrize("environment", ["test", "development"])
def test_an_armed_point_holds_the_process_once_and_says_so(tmp_path: Path, environment: str) -> None:
    assert run(tmp_path, environment) == (["held", "then", "passed"], True)


def test_production_ignores_an_armed_point(tmp_path: Path) -> None:
    assert run(tmp_path, "production") == (["passed", "then", "passed"], False)
