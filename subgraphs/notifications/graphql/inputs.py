"""GraphQL input types of the notifications subgraph."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.notifications.graphql.enums import MailDeliveryStatus, NotificationChannel, NotificationKind
from subgraphs.notifications.inbox.service import Filter


@strawberry.input(description="Narrow a list of notifications; every field given must match.")
class NotificationFilter:
    read: bool | None = None
    kinds: list[NotificationKind] | None = None  # type: ignore[valid-type]
    target_id: strawberry.ID | None = strawberry.field(default=None, description="Only those about this ticket.")
    since: datetime | None = None

    def domain(self) -> Filter:
        return Filter(read=self.read, kinds=tuple(k.value for k in self.kinds or ()),
                      target_id=str(self.target_id) if self.target_id else None, since=self.since)


@strawberry.input(description="Switch one channel of one kind of notice on or off.")
class NotificationPreferenceInput:
    kind: NotificationKind  # type: ignore[valid-type]
    channel: NotificationChannel  # type: ignore[valid-type]
    enabled: bool


@strawberry.input(description="Narrow a list of mail deliveries.")
class MailDeliveryFilter:
    status: MailDeliveryStatus | None = None  # type: ignore[valid-type]
    kind: NotificationKind | None = None  # type: ignore[valid-type]
    recipient_id: strawberry.ID | None = None

    def query(self) -> dict[str, object]:
        query: dict[str, object] = {}
        if self.status:
            query["status"] = self.status.value
        if self.kind:
            query["kind"] = self.kind.value
        if self.recipient_id:
            query["recipientId"] = str(self.recipient_id)
        return query
