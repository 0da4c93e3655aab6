"""AMQP topic matching (`*` one word, `#` zero or more), used by the in-process bus."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1024)
def matches(pattern: str, routing_key: str) -> bool:
    return _match(tuple(pattern.split(".")), tuple(routing_key.split(".")))


def _match(pattern: tuple[str, ...], words: tuple[str, ...]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])


def matches_any(patterns: tuple[str, ...] | list[str], routing_key: str) -> bool:
    return any(matches(p, routing_key) for p in patterns)
