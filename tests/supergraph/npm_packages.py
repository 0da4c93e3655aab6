"""npm packages for tests that run a JavaScript reference implementation: installed once into a
cache outside git; under CI=true a failed install fails the test, elsewhere it skips."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parents[2] / ".aurontek"  # gitignored; reused across runs


def install_npm_packages(name: str, packages: dict[str, str], what: str) -> Path:
    """`packages` (name -> exact version) installed under `.aurontek/<name>`; its node_modules."""
    directory = CACHE / name
    modules, marker = directory / "node_modules", directory / "installed.json"
    wanted = json.dumps(packages, sort_keys=True)
    if marker.exists() and marker.read_text() == wanted and modules.is_dir():
        return modules
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        unavailable(what, "node and npm are not installed")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "package.json").write_text('{"private": true}\n')
    specs = [f"{package}@{version}" for package, version in packages.items()]
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-save", "--silent", *specs],  # type: ignore[list-item]
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        unavailable(what, f"npm install failed: {done.stderr.strip()[-500:]}")
    marker.write_text(wanted)
    return modules


def unavailable(what: str, reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} unavailable: {reason}")
    pytest.skip(f"{what} unavailable: {reason}")
