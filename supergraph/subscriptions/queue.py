"""A sink read as an async iterator, with a bounded backlog."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class BacklogExceeded(Exception):
    """More events waited than the reader could take."""


class EventQueue(Generic[T]):
    """Pushed items are read back in order with `async for`; the end (or failure) comes after
    the items before it. When more than `limit` items wait, the queue fails instead of growing."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: deque[T] = deque()
        self._ended = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None

    def push(self, item: T) -> None:
        if self._ended:
            return
        if len(self._items) >= self.limit:
            self.end(BacklogExceeded(f"more than {self.limit} events were waiting"))
            return
        self._items.append(item)
        self._wake()

    @property
    def ended(self) -> bool:
        return self._ended

    def end(self, error: BaseException | None) -> None:
        if not self._ended:
            self._ended, self._error = True, error
            self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def __aiter__(self) -> EventQueue[T]:
        return self

    async def __anext__(self) -> T:
        while not self._items:
            if self._ended:
                if self._error is not None:
                    raise self._error
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return self._items.popleft()
