"""Idempotency keys: a creating mutation sent again with the same key returns its first result, stores nothing.

A client that lost the answer to a mutation (the gateway or the service died mid-request, the network dropped)
cannot tell whether it was applied; it retries with the same `idempotencyKey`. The key is claimed in the very
transaction that writes the mutation's documents and events (`Outbox.transaction` writes the claim, naming what
was created, from the events it emits), so either both are stored or neither: a crash never leaves a message
without its key, or a key without its message. A repeat finds the claim and answers with the first result; two
copies racing each other both run, and the one whose transaction loses on the claim's unique id answers with
the winner's result instead.

Keys belong to the caller, the operation and the company; they are kept a day. The same key with a different
input is refused (BAD_USER_INPUT, reason IDEMPOTENCY_KEY_REUSED), since answering with the first result would
hide that the second input was not applied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.mongo import Database

COLLECTION = "idempotency_keys"
KEPT = timedelta(days=1)
MIN_LENGTH, MAX_LENGTH = 16, 128
REUSED = "IDEMPOTENCY_KEY_REUSED"
DESCRIPTION = ("Optional, 16-128 characters, unique per attempt of the client (a UUID): sent again with the same "
               "input within a day, the mutation returns its first result and stores nothing new. The same key "
               "with another input is refused (BAD_USER_INPUT, reason IDEMPOTENCY_KEY_REUSED).")

T = TypeVar("T")
ResultOf = Callable[[list[Event]], str | None]


@dataclass
class Claim:
    id: str
    input_hash: str
    result_of: ResultOf  # what the mutation created, read from the events its transaction emits
    recorded: bool = False  # in the transaction running now (which may still be retried or abort)
    written: bool = False  # committed


class AlreadyClaimed(Exception):
    """Another request with the same key committed first."""


_current: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


async def ensure_indexes(db: Database) -> None:
    await db[COLLECTION].create_index("createdAt", name="idempotency_ttl",
                                      expireAfterSeconds=int(KEPT.total_seconds()))


def _hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _checked(key: str) -> str:
    if not MIN_LENGTH <= len(key) <= MAX_LENGTH or not key.isprintable():
        raise BadUserInput(f"an idempotency key has {MIN_LENGTH} to {MAX_LENGTH} printable characters",
                           field="idempotencyKey")
    return key


async def _first_result(db: Database, claim: Claim) -> str | None:
    found = await db[COLLECTION].find_one({"_id": claim.id, "createdAt": {"$gte": clock.now() - KEPT}})
    if found is None:
        return None
    if found["inputHash"] != claim.input_hash:
        raise BadUserInput("this idempotency key was used with another input; use a new key for a new request",
                           field="idempotencyKey", reason=REUSED)
    return str(found["resultId"])


async def once(db: Database, principal: Principal, operation: str, key: str | None, payload: Any, *,
               result_of: ResultOf, run: Callable[[], Awaitable[T]], replay: Callable[[str], Awaitable[T]]) -> T:
    """`run()` the mutation, or with a key already used for this input, `replay(first result's id)`."""
    if key is None:
        return await run()
    claim = Claim(f"{principal.company_id}:{principal.user_id}:{operation}:{_checked(key)}", _hash(payload),
                  result_of)
    if (first := await _first_result(db, claim)) is not None:
        return await replay(first)
    token = _current.set(claim)
    try:
        return await run()
    except AlreadyClaimed:
        first = await _first_result(db, claim)
        assert first is not None, "a claim that refused a write is there to read"
        return await replay(first)
    finally:
        _current.reset(token)


def claim_of(events: list[Event]) -> dict[str, Any] | None:
    """The claim of the mutation being keyed (if any), to insert in the transaction that emits `events` when that is
    the one creating its result (`Outbox.transaction` inserts it with the transaction's other writes)."""
    claim = _current.get()
    if claim is None or claim.written:
        return None
    result = claim.result_of(events)
    if result is None:
        return None  # not the transaction that creates the result
    return {"_id": claim.id, "inputHash": claim.input_hash, "resultId": result, "createdAt": clock.now()}


def recorded() -> None:
    """The claim is written in the transaction running now (which may still be retried or abort)."""
    claim = _current.get()
    if claim is not None:
        claim.recorded = True


def committed() -> None:
    """The transaction that recorded the claim committed: later transactions of the request write none."""
    claim = _current.get()
    if claim is not None and claim.recorded:
        claim.written = True


def created(event_type: str, field: str) -> ResultOf:
    """The id in `field` of the first `event_type` event: what a creating mutation made."""

    def pick(events: list[Event]) -> str | None:
        return next((str(e.data[field]) for e in events if e.type == event_type and field in e.data), None)

    return pick
