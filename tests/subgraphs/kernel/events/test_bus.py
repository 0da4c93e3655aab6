"""The retry schedule shared by both buses: exponential from the base delay, capped at five minutes."""

from __future__ import annotations

from subgraphs.kernel.events.bus import retry_delay


def test_retry_delay_doubles_from_the_base() -> None:
    assert [retry_delay(2000, attempt) for attempt in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]


def test_retry_delay_is_capped_at_five_minutes() -> None:
    assert retry_delay(2000, 30) == 300.0
