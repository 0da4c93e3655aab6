"""A short memory of read-model rows each instance keeps, so every message does not read them again.

Rows seen through one company's scope are kept under that company: a lookup from another scope
never finds them. What is kept is at most `seconds` old, the same delay token revocations have.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    def __init__(self, *, seconds: float = 1.0, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._kept: dict[Hashable, tuple[V, float]] = {}

    def get(self, key: Hashable) -> V | None:
        kept = self._kept.get(key)
        if kept is None or kept[1] <= time.monotonic():
            return None
        return kept[0]

    def put(self, key: Hashable, value: V) -> V:
        if len(self._kept) >= self.size:
            self._kept.clear()  # cheaper than ordering entries; they are all at most seconds old
        self._kept[key] = (value, time.monotonic() + self.seconds)
        return value

    def drop(self, key: Hashable) -> None:
        self._kept.pop(key, None)
