"""A subscriber's messages in the ticket's order, however their copies arrive.

Messages of a ticket are numbered at commit (`messages.ordering`), but their live copies come by different roads
(this instance's own announcement, another instance's early copy, the outbox's relay) and may overtake each other.
A message that comes before one with a lower number still missing waits for it, at most `HOLD` seconds: after
that it is passed on anyway (the missing one may never come live: the broker may have dropped its copies). A
message numbered below what was already passed on (committed before the subscription began, or given up on) is
passed on at once.
"""

from __future__ import annotations

import time
from typing import Any

from subgraphs.kernel.events.envelope import Event

HOLD = 2.0  # seconds a message waits for an earlier one


def number_of(event: Event) -> int | None:
    seq: Any = event.data.get("seq")
    return seq if isinstance(seq, int) else None


class InOrder:
    def __init__(self, next_number: int) -> None:
        self.next = next_number
        self._held: dict[int, Event] = {}
        self._since: float | None = None

    @property
    def waiting(self) -> bool:
        return bool(self._held)

    def time_left(self) -> float:
        assert self._since is not None
        return max(0.0, self._since + HOLD - time.monotonic())

    def add(self, event: Event, number: int) -> list[Event]:
        """What may be passed on now that `event` (numbered `number`) came, in order."""
        if number < self.next:
            return [event]
        self._held[number] = event
        if self._since is None:
            self._since = time.monotonic()
        return self._release()

    def give_up(self) -> list[Event]:
        """The wait is over: everything held, in order, as if the missing ones had come."""
        if self._held:
            self.next = min(self._held)
        return self._release()

    def _release(self) -> list[Event]:
        ready = []
        while self.next in self._held:
            ready.append(self._held.pop(self.next))
            self.next += 1
        if not self._held:
            self._since = None
        elif ready:
            self._since = time.monotonic()  # a gap further on starts its own wait
        return ready
