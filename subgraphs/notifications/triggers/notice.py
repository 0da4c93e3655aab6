"""A notice: one kind of news for one recipient, before preferences and channels are applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from subgraphs.notifications.people.model import Person


@dataclass(frozen=True)
class Address:
    """A mailbox that is nobody's account (a company's contact)."""

    email: str
    company_id: str
    language: str


class TargetType(StrEnum):
    """The kinds of thing a notification can be about (the value is the GraphQL type's name)."""

    TICKET = "Ticket"


@dataclass(frozen=True)
class Target:
    """What a notification is about, for the app to open."""

    type: TargetType
    id: str

    @property
    def path(self) -> str:
        return f"/{self.type.lower()}s/{self.id}"


@dataclass(frozen=True)
class Notice:
    kind: str
    recipient: Person | Address
    # Template variables; `audience` picks the wording when one event tells several people different things.
    context: dict[str, Any] = field(default_factory=dict)
    target: Target | None = None

    @property
    def recipient_key(self) -> str:
        if isinstance(self.recipient, Person):
            return self.recipient.id
        return f"mailto:{self.recipient.email.lower()}"


def to_each(kind: str, people: list[Person], *, target: Target | None = None, skip: set[str] | None = None,
            **context: Any) -> list[Notice]:
    """The same notice for each of `people` except those in `skip` (ids)."""
    return [Notice(kind, p, context, target) for p in people if p.id not in (skip or set())]
