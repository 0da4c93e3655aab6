"""Fixtures every subgraph's tests may ask for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from subgraphs.kernel import clock


@pytest.fixture
def frozen() -> Iterator[None]:
    """Stop the services' clock where the test puts it (`clock.freeze`); run it again afterwards."""
    try:
        yield
    finally:
        clock.reset()
