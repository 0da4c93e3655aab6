"""The event envelope every service publishes and consumes (see ARCHITECTURE.md, Events)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from subgraphs.kernel import clock
from subgraphs.kernel.ids import new_event_id


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    data: dict[str, Any]
    company_id: str | None = None
    actor_id: str | None = None
    id: str = field(default_factory=new_event_id)
    occurred_at: datetime = field(default_factory=clock.now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "occurredAt": self.occurred_at,
            "companyId": self.company_id,
            "actorId": self.actor_id,
            "data": self.data,
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict(), default=_encode)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        occurred = raw["occurredAt"]
        if isinstance(occurred, str):
            occurred = datetime.fromisoformat(occurred)
        return cls(
            id=raw["id"],
            type=raw["type"],
            occurred_at=occurred,
            company_id=raw.get("companyId"),
            actor_id=raw.get("actorId"),
            data=raw.get("data") or {},
        )

    @classmethod
    def from_json(cls, body: bytes) -> Event:
        return cls.from_dict(orjson.loads(body))


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
