"""One producer per key, fanned out to every listener: opened by the first, stopped after the last.

A producer may yield `READY` once it hears every later event (its upstream subscription listens); its
listeners can wait for that with `Listening.ready()`, and it is never delivered to them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Callable, Hashable
from typing import Any, Generic, Protocol, TypeVar

log = logging.getLogger("supergraph.subscriptions")

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)


class _Ready:
    def __repr__(self) -> str:
        return "READY"


READY: Any = _Ready()  # what a producer yields once it listens


class Sink(Protocol[T_contra]):
    """Where a shared stream delivers; both calls return at once and never raise."""

    def push(self, item: T_contra) -> None:
        """One more item."""
        ...

    def end(self, error: BaseException | None) -> None:
        """The stream is over: completed (`None`) or failed."""
        ...


class Listening:
    """A sink's place on a shared stream; `close()` leaves it, and the last to leave stops it."""

    __slots__ = ("_stream", "_token")

    def __init__(self, stream: _Stream, token: int) -> None:
        self._stream: _Stream | None = stream
        self._token = token

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.leave(self._token)

    @property
    def is_ready(self) -> bool:
        return self._stream is None or self._stream.ready.is_set()

    async def ready(self) -> None:
        """Return once the stream listens upstream, or has ended (or this place was left)."""
        if self._stream is not None:
            await self._stream.ready.wait()


class SharedStreams(Generic[T]):
    """Streams by key. Delivery is a plain call per sink, so a slow sink never delays the others:
    each sink decides itself what to do with a backlog."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._streams: dict[Hashable, _Stream] = {}

    def listen(self, key: Hashable, sink: Sink[T], open_source: Callable[[], AsyncIterator[T]]) -> Listening:
        """Join the stream for `key`, opening it with `open_source()` when there is none."""
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _Stream(self, key, open_source())
        return stream.join(sink)

    def listeners(self, key: Hashable | None = None) -> int:
        """How many sinks listen to the stream for `key` (to every stream when no key is given)."""
        if key is None:
            return sum(len(stream.sinks) for stream in self._streams.values())
        stream = self._streams.get(key)
        return len(stream.sinks) if stream is not None else 0

    def __len__(self) -> int:
        return len(self._streams)

    def forget(self, stream: _Stream) -> None:
        if self._streams.get(stream.key) is stream:
            del self._streams[stream.key]

    async def aclose(self) -> None:
        """Stop every stream (on shutdown); their sinks are not told."""
        streams = list(self._streams.values())
        self._streams.clear()
        for stream in streams:
            stream.task.cancel()
        for stream in streams:
            with contextlib.suppress(asyncio.CancelledError):
                await stream.task


class _Stream:
    """One running producer and its sinks."""

    def __init__(self, owner: SharedStreams, key: Hashable, source: AsyncIterator) -> None:
        self.owner = owner
        self.key = key
        self.source = source
        self.sinks: dict[int, Sink] = {}
        self._tokens = itertools.count()
        self.ready = asyncio.Event()  # set on READY from the source, or once its end was told
        self.task = asyncio.get_running_loop().create_task(self._pump(), name=f"{owner.name} stream")

    def join(self, sink: Sink) -> Listening:
        token = next(self._tokens)
        self.sinks[token] = sink
        return Listening(self, token)

    def leave(self, token: int) -> None:
        self.sinks.pop(token, None)
        if not self.sinks:
            self.owner.forget(self)
            self.task.cancel()

    async def _pump(self) -> None:
        try:
            await self._run()
        finally:
            self.ready.set()  # after the sinks heard of the end: whoever waited reads it after that

    async def _run(self) -> None:
        error: BaseException | None = None
        try:
            async for item in self.source:
                if item is READY:
                    self.ready.set()
                    continue
                for sink in tuple(self.sinks.values()):  # a sink may leave while we deliver
                    _deliver(sink, item)
        except asyncio.CancelledError:
            return  # nobody listens any more (or shutdown): nobody to tell
        except Exception as failure:  # the source failed: every sink hears it
            error = failure
        finally:
            self.owner.forget(self)
            closer = getattr(self.source, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer()
        for sink in tuple(self.sinks.values()):
            try:
                sink.end(error)
            except Exception:
                log.exception("a subscription sink failed to end")


def _deliver(sink: Sink, item: object) -> None:
    try:
        sink.push(item)
    except Exception:
        log.exception("a subscription sink failed to take an event")
