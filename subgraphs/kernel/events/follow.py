"""Following events on the live feed for as long as a service runs: every replica sees every matching event (a
durable queue gives each to one replica only). A cache that the events invalidate asks `trusted()` how far it may
trust what it holds: while the feed is away it may not, and once the feed is back what it held before is
suspect (the events of the gap are lost to it), so `trusted()` says so once with `resumed`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from subgraphs.kernel.events.bus import EventBus
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.topics import matches_any
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


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class FollowedCache(Generic[K, V]):
    """Values read from the database and kept in memory, per replica, until an event says they changed.

    Each entry carries tags (`"user:<id>"`, `"session:<id>"`, ...) and `tags_of` says which tags some events
    change; `forget` is told the events of this replica's own commits at once (hook it to `Outbox.committed`)
    and every replica's through the live feed (`follower`, started with `Runtime.follow`). While the feed is away
    a value is trusted for `unwatched_seconds` only, and what was kept is dropped when the feed returns.
    `seconds` bounds a value's life whatever happens (a write that tells no event).

    A value read while an event changed it must not be kept over the change: a caller takes `began()` before
    reading and gives it to `put` as `since`, and a value any of whose tags an event changed since then is not
    kept (the next `get` reads again)."""

    def __init__(self, patterns: tuple[str, ...], tags_of: Callable[[Event], Iterable[str]], *,
                 seconds: float = 60.0, unwatched_seconds: float = 1.0, limit: int = 50_000) -> None:
        self.patterns = patterns
        self.tags_of = tags_of
        self.seconds = seconds
        self.unwatched_seconds = unwatched_seconds
        self.limit = limit
        self._entries: dict[K, tuple[V, float, float, frozenset[str]]] = {}  # -> (value, read at, until, tags)
        self._tagged: dict[str, set[K]] = {}
        self.follower = LiveFollower(patterns, lambda event: self.forget([event]))
        self.misses = 0  # asked for what it did not hold (or no longer trusted)
        self._generation = 0  # counts the events that changed something, and the clears
        self._changed: dict[str, int] = {}  # tag -> the generation of the last event that changed it
        self._floor = 0  # a read begun before this generation is not kept: what changed before it is not known

    def began(self) -> int:
        """The mark to give `put` as `since`, taken before reading what it will keep."""
        return self._generation

    def get(self, key: K) -> V | None:
        following, resumed = self.follower.trusted()
        if resumed:
            self.clear()
        entry, now = self._entries.get(key), time.monotonic()
        if entry is None or entry[2] <= now or (not following and entry[1] + self.unwatched_seconds <= now):
            self.misses += 1
            return None
        return entry[0]

    def put(self, key: K, value: V, tags: Iterable[str], *, since: int, seconds: float | None = None) -> None:
        """Keep `value`, read after `since = began()`, unless an event changed one of its `tags` since then."""
        kept = frozenset(tags)
        if since < self._floor or any(self._changed.get(tag, -1) > since for tag in kept):
            self.drop(key)  # changed while it was read
            return
        if len(self._entries) >= self.limit:
            self.clear()
        self.drop(key)
        now = time.monotonic()
        self._entries[key] = (value, now, now + (self.seconds if seconds is None else min(self.seconds, seconds)),
                              kept)
        for tag in kept:
            self._tagged.setdefault(tag, set()).add(key)

    def drop(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        for tag in entry[3] if entry else ():
            keys = self._tagged.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tagged[tag]

    def clear(self) -> None:
        self._entries.clear()
        self._tagged.clear()
        self._changed.clear()
        self._generation += 1
        self._floor = self._generation  # reads begun before now may hold what was cleared

    def forget(self, events: list[Event]) -> None:
        """Drop every entry tagged with something these events change, and keep none read before them. Only events
        of the followed `patterns` count: a replica's own commits are told with all their events, the others' come
        through the live feed already filtered, and both must forget alike."""
        for event in events:
            tags = tuple(self.tags_of(event)) if matches_any(self.patterns, event.type) else ()
            if not tags:
                continue
            self._generation += 1
            for tag in tags:
                self._changed[tag] = self._generation
                for key in list(self._tagged.get(tag, ())):
                    self.drop(key)
        if len(self._changed) > self.limit:
            self.clear()
