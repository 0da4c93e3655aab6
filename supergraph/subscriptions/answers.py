"""What other subgraphs told one caller while its live events were completed, kept a short while for its next ones.

A chat event's author, completed by the users subgraph, is the same person again and again in one ticket's chat:
each subscriber's entity fetch was a request per event (1,000 subscribers at 100 messages a second made 1,000
requests a second). Each caller's answers are kept by the exact request (subgraph, operation, variables) and the
caller's credentials and language, so one caller's answer is never another's; an answer with errors is not kept.
Only subscription completions use this: a query always asks. The price is that an entity's fields in a live event
may be up to `ttl` seconds old (a renamed author keeps the old name in that caller's frames for that long).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson

from supergraph.transport.base import SubgraphClient, SubgraphRequest, caller_key

Key = tuple[str, str, str | None, bytes, tuple[str | None, str | None]]


class RecentAnswers:
    """Answers by request and caller, each for `ttl` seconds, the `size` most recent at most."""

    def __init__(self, *, ttl: float, size: int) -> None:
        self.ttl = ttl
        self.size = size
        self._kept: OrderedDict[Key, tuple[float, bytes]] = OrderedDict()

    def get(self, key: Key) -> dict[str, Any] | None:
        kept = self._kept.get(key)
        if kept is None or kept[0] <= time.monotonic():
            if kept is not None:
                del self._kept[key]
            return None
        answer: dict[str, Any] = orjson.loads(kept[1])  # a copy each time: completion merges into what it gets
        return answer

    def put(self, key: Key, answer: dict[str, Any]) -> None:
        self._kept[key] = (time.monotonic() + self.ttl, orjson.dumps(answer))
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


def canonical(variables: Mapping[str, Any]) -> bytes:
    """Variables as bytes that are equal exactly when the variables are (keys sorted)."""
    return orjson.dumps(variables, option=orjson.OPT_SORT_KEYS, default=str)


def key_of(service: str, request: SubgraphRequest) -> Key:
    return service, request.query, request.operation_name, canonical(request.variables or {}), \
        caller_key(request.headers)


class Remembering:
    """A subgraph client that answers a request it answered for the same caller less than `ttl` ago from memory."""

    def __init__(self, inner: SubgraphClient, answers: RecentAnswers) -> None:
        self.inner = inner
        self.answers = answers
        self.name = inner.name

    async def execute(self, request: SubgraphRequest) -> dict[str, Any]:
        key = key_of(self.name, request)
        known = self.answers.get(key)
        if known is not None:
            return known
        answer = await self.inner.execute(request)
        if not answer.get("errors"):
            self.answers.put(key, answer)
        return answer

    def subscribe(self, request: SubgraphRequest) -> AsyncIterator[dict[str, Any]]:
        return self.inner.subscribe(request)

    async def close(self) -> None:
        """The inner client is not this one's to close."""


def remembering(clients: Mapping[str, SubgraphClient], answers: RecentAnswers | None) -> Mapping[str, SubgraphClient]:
    """`clients`, each answering from `answers` when it can (as they are, without `answers`)."""
    if answers is None:
        return clients
    return {name: Remembering(client, answers) for name, client in clients.items()}
