"""A stand-in for the tickets and chat services: raises their events, shaped as they send them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from subgraphs.kernel.events.bus import EventBus
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.ids import new_id

_serial = itertools.count(1)


@dataclass
class Desk:
    bus: EventBus
    raised: list[Event] = field(default_factory=list)

    @staticmethod
    def ticket(company_id: str, creator_id: str, **fields: Any) -> dict[str, Any]:
        """A ticket's snapshot as every ticket event carries it."""
        return {"ticketId": new_id(), "companyId": company_id, "reference": f"TKT-2026-{next(_serial):06d}",
                "title": "The printer on floor 2 jams", "description": "It jams on every job.", "status": "open",
                "type": "incident", "priority": "high", "category": "hardware", "tags": [], "itemId": new_id(),
                "careGroup": None, "creatorId": creator_id, "assigneeId": None, "tutorId": None, "watcherIds": [],
                "createdAt": "2026-03-02T09:00:00+00:00", "responseDueAt": None, "resolutionDueAt": None,
                **fields}

    async def raise_(self, type: str, ticket: dict[str, Any], *, actor_id: str | None, **data: Any) -> Event:
        """Publish `type` about `ticket` (its snapshot updated by `data` where they share keys)."""
        event = Event(type=type, data={**ticket, **data}, company_id=ticket["companyId"], actor_id=actor_id)
        await self.bus.publish(event)
        self.raised.append(event)
        return event

    async def chat(self, type: str, company_id: str, **data: Any) -> Event:
        event = Event(type=type, data=data, company_id=company_id, actor_id=data.get("authorId") or data.get("userId"))
        await self.bus.publish(event)
        return event
