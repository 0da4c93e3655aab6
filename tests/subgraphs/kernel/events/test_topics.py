"""AMQP topic matching: `*` is exactly one word, `#` is zero or more."""

from __future__ import annotations

import pytest

from subgraphs.kernel.events.topics import matches, matches_any


@pytest.mark.parametrize(
    ("pattern", "routing_key", "expected"),
    [
        ("ticket.created", "ticket.created", True),
        ("ticket.created", "ticket.updated", False),
        ("ticket.created", "ticket.created.extra", False),
        ("ticket.*", "ticket.created", True),
        ("ticket.*", "ticket", False),
        ("ticket.*", "ticket.status.changed", False),
        ("*.created", "user.created", True),
        ("*.created", "created", False),
        ("ticket.#", "ticket", True),
        ("ticket.#", "ticket.created", True),
        ("ticket.#", "ticket.status.changed", True),
        ("ticket.#", "tickets.created", False),
        ("#", "anything.at.all", True),
        ("#", "", True),
        ("#.changed", "ticket.status.changed", True),
        ("#.changed", "changed", True),
        ("#.changed", "ticket.changed.not", False),
        ("ticket.#.changed", "ticket.changed", True),
        ("ticket.#.changed", "ticket.status.sla.changed", True),
        ("*.#.*", "a", False),
        ("*.#.*", "a.b", True),
        ("#.#", "a.b.c", True),
    ],
)
def test_matches(pattern: str, routing_key: str, expected: bool) -> None:
    assert matches(pattern, routing_key) is expected


def test_matches_any_is_true_when_one_pattern_matches() -> None:
    assert matches_any(("user.*", "ticket.#"), "ticket.status.changed")
    assert not matches_any(("user.*", "company.*"), "ticket.created")
    assert not matches_any((), "ticket.created")
