"""The event envelope: wire names, and a lossless round trip through JSON and through MongoDB."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.mongo import Database


def test_json_uses_the_documented_field_names() -> None:
    event = Event(type="ticket.created", data={"ticketId": "t1"}, company_id="c1", actor_id="u1")

    wire = orjson.loads(event.to_json())

    assert set(wire) == {"id", "type", "occurredAt", "companyId", "actorId", "data"}
    assert wire["type"] == "ticket.created"
    assert wire["companyId"] == "c1"
    assert wire["actorId"] == "u1"
    assert datetime.fromisoformat(wire["occurredAt"]) == event.occurred_at


def test_json_round_trip_is_lossless() -> None:
    event = Event(
        type="ticket.assigned",
        data={"ticketId": "t1", "tags": ["vpn", "urgent"], "nested": {"n": 3, "ok": True, "none": None}},
        company_id="c1",
        actor_id=None,
        occurred_at=datetime(2026, 3, 4, 5, 6, 7, 123000, tzinfo=UTC),
    )

    assert Event.from_json(event.to_json()) == event


def test_each_event_gets_its_own_id() -> None:
    assert Event(type="a.b", data={}).id != Event(type="a.b", data={}).id


def test_missing_fields_make_a_malformed_event() -> None:
    with pytest.raises(KeyError):
        Event.from_json(b'{"type": "ticket.created"}')


async def test_round_trip_through_a_stored_document(db: Database) -> None:
    event = Event(type="user.created", data={"userId": "u9"}, company_id="c1", actor_id="u1")

    await db["envelopes"].insert_one({"_id": event.id, "event": event.to_dict()})
    stored = await db["envelopes"].find_one({"_id": event.id})

    assert stored is not None
    assert Event.from_dict(stored["event"]) == event
