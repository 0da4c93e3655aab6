"""New notifications live: the instance's feed of `notification.created`, each event routed to its recipient."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from subgraphs.kernel.events.envelope import Event
from subgraphs.notifications.inbox.service import ADDED

CHANNELS = (ADDED,)


def recipient_key(company_id: str | None, user_id: str) -> tuple[str, str | None, str]:
    return ("recipient", company_id, user_id)


def routes(event: Event) -> Iterable[Hashable]:
    recipient = event.data.get("recipientId")
    return [recipient_key(event.company_id, recipient)] if isinstance(recipient, str) else []
