"""Fixtures for composition tests: the reference composers from npm (installed once, cached)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable

import pytest
from composition_support import HERE, install_reference_packages

from supergraph.composition import SubgraphSource

ReferenceComposer = Callable[[str, list[SubgraphSource]], dict]


@pytest.fixture(scope="session")
def reference_composer() -> ReferenceComposer:
    """Install the reference composers from npm once (cached) and return a function to run them.

    Under CI a failing install fails the test; elsewhere (no npm, offline) the test skips.
    """
    modules = install_reference_packages()

    def run(composer: str, subgraphs: list[SubgraphSource]) -> dict:
        payload = {"composer": composer, "subgraphs": [s.__dict__ for s in subgraphs]}
        done = subprocess.run(
            ["node", str(HERE / "reference" / "compose.cjs")],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COMPOSER_MODULES": str(modules)},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run
