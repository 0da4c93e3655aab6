"""The messages waiting to be written to one client socket, bounded."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Outbox:
    """Frames are written in order by one writer task, so `put` never waits on a slow reader.
    When `limit` frames already wait, `put` calls `on_overflow` (the connection then closes the
    slow consumer) instead of holding more: one client's backlog never grows without bound or
    delays the fan-out to others."""

    def __init__(self, send: Send, limit: int, on_overflow: Callable[[], None]) -> None:
        self.limit = limit
        self.overflowed = False
        self._send = send
        self._on_overflow = on_overflow
        self._frames: deque[str] = deque()
        self._wake: asyncio.Future[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopped = False
        self._writer = asyncio.get_running_loop().create_task(self._write(), name="websocket writer")

    def __len__(self) -> int:
        return len(self._frames)

    def put(self, frame: str) -> None:
        if self._stopped or self.overflowed:
            return
        if len(self._frames) >= self.limit:
            self.overflowed = True
            self._frames.clear()
            self._on_overflow()
            return
        self._frames.append(frame)
        self._idle.clear()
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    async def flush(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until every queued frame is written."""
        if not self.overflowed:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):  # not wait_for, which can swallow a cancellation on 3.11
                    await self._idle.wait()

    async def stop(self) -> None:
        """Stop writing; frames still queued are dropped."""
        self._stopped = True
        self._frames.clear()
        if self._writer is not asyncio.current_task():
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer

    async def _write(self) -> None:
        try:
            while True:
                while self._frames:
                    await self._send({"type": "websocket.send", "text": self._frames.popleft()})
                self._idle.set()
                self._wake = asyncio.get_running_loop().create_future()
                await self._wake
        except (OSError, RuntimeError):  # the client went away (uvicorn's ClientDisconnected is an OSError)
            self._stopped = True
            self._frames.clear()
            self._idle.set()
