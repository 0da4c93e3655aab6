"""Shared streams: opened by the first listener, fanned out to all, stopped after the last;
the bounded event queue that reads them back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from supergraph.subscriptions.queue import BacklogExceeded, EventQueue
from supergraph.subscriptions.shared import SharedStreams


class Recorder:
    def __init__(self) -> None:
        self.items: list[object] = []
        self.ended: list[BaseException | None] = []

    def push(self, item: object) -> None:
        self.items.append(item)

    def end(self, error: BaseException | None) -> None:
        self.ended.append(error)


class Source:
    """A source whose items the test feeds, recording whether it was closed."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue = asyncio.Queue()
        self.opened = 0
        self.closed = 0

    async def stream(self) -> AsyncIterator[object]:
        self.opened += 1
        try:
            while (item := await self.queue.get()) is not None:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            self.closed += 1


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_one_source_for_every_listener_until_the_last_leaves() -> None:
    streams: SharedStreams[object] = SharedStreams("test")
    source, first, second = Source(), Recorder(), Recorder()
    one = streams.listen("k", first, source.stream)
    two = streams.listen("k", second, source.stream)
    source.queue.put_nowait("a")
    await _settle()
    assert (source.opened, first.items, second.items, streams.listeners("k")) == (1, ["a"], ["a"], 2)
    one.close()
    one.close()  # leaving twice is harmless
    source.queue.put_nowait("b")
    await _settle()
    assert (first.items, second.items, source.closed) == (["a"], ["a", "b"], 0)
    two.close()
    await _settle()
    assert (source.closed, len(streams), first.ended, second.ended) == (1, 0, [], [])


async def test_completion_and_failure_reach_every_sink_and_the_key_reopens() -> None:
    streams: SharedStreams[object] = SharedStreams("test")
    source, first, second = Source(), Recorder(), Recorder()
    streams.listen("k", first, source.stream)
    streams.listen("k", second, source.stream)
    failure = RuntimeError("upstream went away")
    source.queue.put_nowait(failure)
    await _settle()
    assert first.ended == [failure] and second.ended == [failure] and len(streams) == 0
    third = Recorder()
    streams.listen("k", third, source.stream)
    source.queue.put_nowait(None)
    await _settle()
    assert (source.opened, third.ended) == (2, [None])


async def test_a_failing_sink_does_not_starve_the_others() -> None:
    streams: SharedStreams[object] = SharedStreams("test")
    source, good = Source(), Recorder()

    class Broken(Recorder):
        def push(self, item: object) -> None:
            raise ValueError("broken sink")

    streams.listen("k", Broken(), source.stream)
    streams.listen("k", good, source.stream)
    source.queue.put_nowait("a")
    await _settle()
    assert good.items == ["a"]
    await streams.aclose()
    assert source.closed == 1


async def test_the_event_queue_reads_in_order_then_ends() -> None:
    queue: EventQueue[int] = EventQueue(limit=3)
    for number in (1, 2):
        queue.push(number)
    queue.end(None)
    queue.push(3)  # after the end: dropped
    assert [number async for number in queue] == [1, 2]


async def test_the_event_queue_fails_when_its_backlog_overflows() -> None:
    queue: EventQueue[int] = EventQueue(limit=2)
    for number in range(4):
        queue.push(number)
    assert await anext(queue) == 0
    assert await anext(queue) == 1
    with pytest.raises(BacklogExceeded):
        await anext(queue)
