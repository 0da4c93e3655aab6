"""The plan corpus (tests/supergraph/planning/corpus): every operation's plan matches its snapshot. No server runs:
the fixture's subgraphs are composed from their SDL and the operation is planned."""

from __future__ import annotations

import importlib
import os
from functools import cache
from pathlib import Path

import pytest

from tests.supergraph.gateway_harness import compose_subgraphs, plan_text

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(CORPUS.glob("*.graphql"))


@cache
def _supergraph(fixture: str) -> str:
    module = importlib.import_module(f"tests.supergraph.fixtures.{fixture}")
    return compose_subgraphs(module.subgraphs())


def _header(text: str, name: str) -> str | None:
    for line in text.splitlines():
        if line.startswith(f"# {name}:"):
            return line.split(":", 1)[1].strip()
    return None


def test_the_corpus_is_not_empty() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_the_plan_matches_its_snapshot(case: Path) -> None:
    text = case.read_text()
    fixture = _header(text, "supergraph")
    assert fixture, f"{case.name} names no supergraph (# supergraph: <fixture module>)"
    plan = plan_text(_supergraph(fixture), text, _header(text, "operation")) + "\n"
    snapshot = case.with_suffix(".plan")
    if os.environ.get("UPDATE_PLAN_SNAPSHOTS") == "1":
        snapshot.write_text(plan)
    assert snapshot.exists(), f"no snapshot for {case.name}: run with UPDATE_PLAN_SNAPSHOTS=1 and read the plan"
    assert plan == snapshot.read_text()
