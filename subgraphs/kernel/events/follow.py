"""Following events on the live feed for as long as a service runs: every replica sees every matching event (a
durable queue gives each to one replica only). A cache that the events invalidate asks `trusted()` how far it may
trust what it holds: while the feed is away it may not, and once the feed is back what it held before is
suspect (the events of the gap are lost to it), so `trusted()` says so once with `resumed`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from subgraphs.kernel.events.bus import EventBus
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.logging import get_logger

log = get_logger(__name__)


class LiveFollower:
    def __init__(self, patterns: tuple[str, ...], on_event: Callable[[Event], None], *,
                 retry_seconds: float = 1.0) -> None:
        self.patterns = patterns
        self.on_event = on_event
        self.retry_seconds = retry_seconds
        self._bus: EventBus | None = None
        self._listening = False
        self._missed = True  # nothing was followed yet

    @property
    def following(self) -> bool:
        return self._listening and self._bus is not None and self._bus.connected

    def trusted(self) -> tuple[bool, bool]:
        """(following now, resumed since the last call: what was cached before may have missed events)."""
        if not self.following:
            self._missed = True
            return False, False
        resumed, self._missed = self._missed, False
        return True, resumed

    async def run(self, bus: EventBus) -> None:
        self._bus = bus
        while True:
            try:
                async with bus.live(self.patterns) as events:
                    self._listening = True
                    async for event in events:
                        self.on_event(event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("the live feed stopped; following it again", extra={"patterns": self.patterns,
                                                                                "error": repr(exc)})
            finally:
                self._listening = False
            await asyncio.sleep(self.retry_seconds)
