"""Collects every problem with one input, so the caller hears about all of them at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from subgraphs.kernel.errors import BadUserInput

T = TypeVar("T")


def problems_of(exc: BadUserInput) -> list[tuple[str | None, str]]:
    """A refusal's problems as (field, message) pairs: its `problems` when it lists them, else each of its
    `reasons` (or its message) with its one `field`."""
    listed = exc.extensions.get("problems")
    if isinstance(listed, list) and listed:
        return [(p.get("field"), p["message"]) for p in listed]
    return [(exc.extensions.get("field"), message) for message in exc.extensions.get("reasons") or [exc.message]]


class Problems:
    """Run checks that raise `BadUserInput`; keep their messages and fields instead of stopping."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.fields: list[str] = []
        self.reasons: list[str] = []  # stable codes some refusals carry (`extensions.reason`)
        self.pairs: list[tuple[str | None, str]] = []  # each message with the field it is about (or None)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def check(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """`step(*args, **kwargs)`, or None when it refused the input (the refusal is kept)."""
        try:
            return step(*args, **kwargs)
        except BadUserInput as exc:  # a refusal that already lists its problems keeps them apart
            for field, message in problems_of(exc):
                self.add(message, field, reason=exc.extensions.get("reason"))
            return None

    def add(self, message: str, field: str | None = None, *, reason: str | None = None) -> None:
        self.messages.append(message)
        self.pairs.append((field or None, message))
        if field and field not in self.fields:
            self.fields.append(field)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)

    def raise_if_any(self) -> None:
        """One BAD_USER_INPUT naming every problem (`reasons`), every field involved, the stable code of a
        refusal that has one (`reason`, the first), and `problems`: each reason with the field it is about
        (`{"field": str | None, "message": str}`, in the order of `reasons`)."""
        if not self.messages:
            return
        field = self.fields[0] if len(self.fields) == 1 else None
        raise BadUserInput("; ".join(self.messages), field=field, reasons=self.messages,
                           fields=self.fields if len(self.fields) > 1 else None,
                           reason=self.reasons[0] if self.reasons else None,
                           problems=[{"field": f, "message": m} for f, m in self.pairs])
