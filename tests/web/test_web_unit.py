"""The web app's own checks, run by ./scripts/test: its TypeScript type-checks against the typed documents of
schema/operations, and its component tests (Vitest: the token session, error messages...) pass."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.supergraph.npm_packages import unavailable

WEB = Path(__file__).resolve().parents[2] / "web"


@pytest.fixture(scope="module")
def web() -> Path:
    if shutil.which("npm") is None or not (WEB / "node_modules" / ".bin" / "vitest").exists():
        unavailable("the web app's packages", "run ./scripts/install (npm ci in web/)")
    if not (WEB / "src" / "gql" / "graphql.ts").is_file():
        unavailable("the web app's typed documents", "run ./scripts/install (scripts/codegen)")
    return WEB


def _run(web: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(web / "node_modules" / ".bin" / command[0]), *command[1:]], cwd=web,
                          capture_output=True, text=True, timeout=600, check=False)


def test_the_app_type_checks(web: Path) -> None:
    done = _run(web, "tsc", "--noEmit")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_component_tests_pass(web: Path) -> None:
    done = _run(web, "vitest", "run", "--reporter=dot")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout


def test_the_app_lints_clean(web: Path) -> None:
    done = _run(web, "eslint", ".", "--max-warnings=0")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_production_build_keeps_to_its_size_budget(web: Path) -> None:
    if not (web / "dist" / "assets").is_dir():
        unavailable("the web app's production build", "run ./scripts/install (npm run build in web/)")
    done = subprocess.run(["node", "scripts/size-budget.mjs"], cwd=web, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KiB gzipped" in done.stdout
