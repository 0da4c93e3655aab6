"""GraphQL enums of the notifications subgraph, made from the domain's own so the two never disagree."""

from __future__ import annotations

from enum import Enum

import strawberry

from subgraphs.notifications.kinds import CATALOGUE, Channel
from subgraphs.notifications.mail.queue import MailStatus
from subgraphs.notifications.triggers.notice import TargetType

# One value per kind of notice in the catalogue (built at import, hence invisible to type checkers).
NotificationKind = strawberry.enum(  # type: ignore[call-overload]
    Enum("NotificationKind", {kind.key.upper(): kind.key for kind in CATALOGUE}),  # type: ignore[misc]
    description="What a notification is about.",
)
NotificationChannel = strawberry.enum(Channel, name="NotificationChannel", description="How a notice reaches a person.")
MailDeliveryStatus = strawberry.enum(
    MailStatus, name="MailDeliveryStatus",
    description="Where a mail is: waiting, being sent, waiting for a retry, sent, or given up on.",
)
NotificationTargetType = strawberry.enum(
    TargetType, name="NotificationTargetType",
    description="The kind of thing a notification is about; the app opens it by this type and the target's id.",
)
