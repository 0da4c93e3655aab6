"""The event envelope every service publishes and consumes (see ARCHITECTURE.md, Events)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import orjson

from subgraphs.kernel import clock
from subgraphs.kernel.ids import new_event_id
from telemetry import tracing


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    data: dict[str, Any]
    company_id: str | None = None
    actor_id: str | None = None
    id: str = field(default_factory=new_event_id)
    occurred_at: datetime = field(default_factory=clock.now)
    # W3C traceparent of the span that raised it (None while tracing is off). Not part of the envelope: the outbox
    # row keeps it beside the event, the relay sends it as the AMQP `traceparent` header, and each consumer's
    # handling and each live delivery joins that trace.
    traceparent: str | None = field(default_factory=tracing.traceparent, compare=False)

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
    def from_json(cls, body: bytes, traceparent: object = None) -> Event:
        event = cls.from_dict(orjson.loads(body))
        if isinstance(traceparent, str | bytes):  # from a message header
            text = traceparent.decode("latin-1") if isinstance(traceparent, bytes) else traceparent
            object.__setattr__(event, "traceparent", text)
        return event

    def traced_as(self, traceparent: str | None) -> Event:
        """The same event continuing another span (the one that published it)."""
        return replace(self, traceparent=traceparent) if traceparent else self


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
