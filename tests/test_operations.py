"""The front end's operations (schema/operations) validate against the committed API schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = sorted((ROOT / "schema" / "operations").glob("**/*.graphql"))


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.name)
def test_operation_validates_against_the_api_schema(path: Path) -> None:
    schema = build_schema((ROOT / "schema" / "api.graphql").read_text())
    errors = validate(schema, parse(path.read_text()))
    assert not errors, [e.message for e in errors]


def test_there_are_operations() -> None:
    assert OPERATIONS
