"""What this instance's live feed carries and how events find their listeners: by ticket."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from subgraphs.chat.messages.documents import ADDED, READ
from subgraphs.kernel.events.contracts.tickets import VIEW_CHANGES
from subgraphs.kernel.events.envelope import Event

TYPING = "live.chat.typing"  # never stored; `live.` keeps it out of every durable consumer's patterns
# `live.chat.*`: typing, and the early copies of messages and receipts (see announce.py). The ticket events that
# change its view let a running subscription notice a lost right (no longer a participant, chat closed); the others
# (comments, whose mentions only add people, and the IA's conclusions) take no right away.
CHANNELS = (ADDED, READ, "live.chat.*", *sorted(VIEW_CHANGES))


def by_ticket(event: Event) -> Iterable[Hashable]:
    ticket_id = event.data.get("ticketId")
    return [ticket_id] if isinstance(ticket_id, str) else []
