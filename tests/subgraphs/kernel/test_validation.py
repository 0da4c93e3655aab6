"""Problems: every refusal of one input is reported together, with the fields involved."""

from __future__ import annotations

import pytest

from subgraphs.kernel.errors import BadUserInput, NotFound
from subgraphs.kernel.validation import Problems


def positive(value: int, *, field: str) -> int:
    if value <= 0:
        raise BadUserInput(f"{field} must be positive", field=field)
    return value


def test_collects_every_refusal_and_names_the_fields() -> None:
    problems = Problems()
    assert problems.check(positive, 3, field="a") == 3
    assert problems.check(positive, -1, field="b") is None
    assert problems.check(positive, 0, field="c") is None
    problems.add("d is missing")
    with pytest.raises(BadUserInput) as raised:
        problems.raise_if_any()
    error = raised.value
    assert error.message == "b must be positive; c must be positive; d is missing"
    assert error.as_extensions() == {"code": "BAD_USER_INPUT", "fields": ["b", "c"],
                                     "reasons": ["b must be positive", "c must be positive", "d is missing"],
                                     "problems": [{"field": "b", "message": "b must be positive"},
                                                  {"field": "c", "message": "c must be positive"},
                                                  {"field": None, "message": "d is missing"}]}


def test_a_single_field_is_named_as_the_field() -> None:
    problems = Problems()
    problems.check(positive, -5, field="age")
    with pytest.raises(BadUserInput) as raised:
        problems.raise_if_any()
    assert raised.value.extensions["field"] == "age"
    assert raised.value.extensions["problems"] == [{"field": "age", "message": "age must be positive"}]


def test_a_refusal_with_reasons_contributes_each_reason() -> None:
    inner = Problems()
    inner.add("x is missing", "x")
    inner.add("y is too long", "x")
    problems = Problems()
    problems.check(inner.raise_if_any)
    problems.add("z is wrong", "z")
    assert problems.messages == ["x is missing", "y is too long", "z is wrong"] and problems.fields == ["x", "z"]


def test_a_refusal_of_several_fields_keeps_each_reason_with_its_field() -> None:
    inner = Problems()
    inner.add("x is missing", "x")
    inner.add("y is too long", "y")
    inner.add("something else")
    problems = Problems()
    problems.check(inner.raise_if_any)
    problems.check(positive, -1, field="z")
    with pytest.raises(BadUserInput) as raised:
        problems.raise_if_any()
    extensions = raised.value.extensions
    assert extensions["fields"] == ["x", "y", "z"] and "field" not in extensions
    assert extensions["problems"] == [{"field": "x", "message": "x is missing"},
                                      {"field": "y", "message": "y is too long"},
                                      {"field": None, "message": "something else"},
                                      {"field": "z", "message": "z must be positive"}]
    assert [p["message"] for p in extensions["problems"]] == extensions["reasons"]


def test_no_problem_raises_nothing_and_other_errors_pass_through() -> None:
    problems = Problems()
    problems.raise_if_any()
    assert not problems

    def missing() -> None:
        raise NotFound("gone")

    with pytest.raises(NotFound):
        problems.check(missing)
