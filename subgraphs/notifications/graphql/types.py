"""GraphQL types of the notifications subgraph: Notification, preferences, mail deliveries, the User extension."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.graphql.pagination import Connection, paginate
from subgraphs.notifications.graphql.access import own_inbox
from subgraphs.notifications.graphql.enums import MailDeliveryStatus, NotificationChannel, NotificationKind
from subgraphs.notifications.graphql.inputs import NotificationFilter
from subgraphs.notifications.inbox import service as inbox
from subgraphs.notifications.inbox.service import Filter
from subgraphs.notifications.kinds import CATALOGUE
from subgraphs.notifications.mail.queue import MailStatus
from subgraphs.notifications.preferences.rules import Choices, settings_for
from subgraphs.notifications.triggers.notice import TargetType

Ctx = Info[RequestContext, None]

def _at(value: datetime | str | None) -> datetime | None:
    """Datetimes come back from the database as datetimes and from live events as ISO text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


@strawberry.type(description="What a notification is about, for the app to open it.")
class NotificationTarget:
    type: TargetType = strawberry.field(description="TICKET: the id is a Ticket's id.")
    id: strawberry.ID

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> NotificationTarget:
        return cls(type=TargetType(doc["type"]), id=strawberry.ID(doc["id"]))


@strawberry.type(description="An in-app notification, visible only to the person it was meant for.")
class Notification:
    id: strawberry.ID
    kind: NotificationKind  # type: ignore[valid-type]
    title: str
    body: str
    link: str | None = strawberry.field(description="Where the app should go, e.g. /tickets/<id>.")
    target: NotificationTarget | None
    read: bool
    read_at: datetime | None
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Notification:
        target = doc.get("target")
        return cls(
            id=strawberry.ID(doc.get("id") or doc["_id"]), kind=NotificationKind(doc["kind"]), title=doc["title"],
            body=doc["body"], link=doc.get("link"),
            target=NotificationTarget.from_doc(target) if target else None,
            read=bool(doc["read"]), read_at=_at(doc.get("readAt")), created_at=_at(doc["createdAt"]),  # type: ignore[arg-type]
        )


@strawberry.type(description="One channel of one kind of notice, as the person has it.")
class NotificationChannelSetting:
    channel: NotificationChannel  # type: ignore[valid-type]
    enabled: bool
    mandatory: bool = strawberry.field(description="A security mail: always sent, cannot be switched off.")


@strawberry.type(description="How a person wants to hear about one kind of notice.")
class NotificationPreference:
    kind: NotificationKind  # type: ignore[valid-type]
    description: str
    channels: list[NotificationChannelSetting]

    @classmethod
    def all_of(cls, choices: Choices) -> list[NotificationPreference]:
        return [
            cls(kind=NotificationKind(kind.key), description=kind.description, channels=[
                NotificationChannelSetting(channel=s.channel, enabled=s.enabled,
                                           mandatory=s.mandatory)
                for s in settings_for(kind, choices)
            ])
            for kind in CATALOGUE
        ]


@strawberry.federation.type(keys=["id"], description="A person; notifications adds their own inbox.")
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> User:
        own_inbox(info.context, str(id))  # refuses anyone but the caller: an inbox is private
        return cls(id=id)

    @strawberry.field(description="Your notifications, newest first (only for yourself).")
    async def notifications(self, info: Ctx, filter: NotificationFilter | None = None, first: int | None = None,
                            after: str | None = None) -> Connection[Notification]:
        rows, user_id = own_inbox(info.context, str(self.id))
        query = (filter.domain() if filter else Filter()).query(user_id)
        return await paginate(rows, query, first=first, after=after, to_node=Notification.from_doc)

    @strawberry.field(description="How many of your notifications are unread (only for yourself).")
    async def unread_notification_count(self, info: Ctx) -> int:
        rows, user_id = own_inbox(info.context, str(self.id))
        return await inbox.unread_count(rows, user_id)


@strawberry.type(description="One e-mail to one recipient and how its delivery went.")
class MailDelivery:
    id: strawberry.ID
    kind: NotificationKind  # type: ignore[valid-type]
    to: str
    subject: str
    language: str
    status: MailDeliveryStatus  # type: ignore[valid-type]
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None = strawberry.field(description="When the next try is due, while retrying.")
    sent_at: datetime | None
    created_at: datetime
    recipient: User | None = strawberry.field(description="The account it went to; none for a company contact.")

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> MailDelivery:
        status = MailStatus(doc["status"])
        waiting = status in (MailStatus.PENDING, MailStatus.RETRYING)
        return cls(
            id=strawberry.ID(doc["_id"]), kind=NotificationKind(doc["kind"]), to=doc["to"], subject=doc["subject"],
            language=doc["language"], status=status, attempts=doc["attempts"],
            last_error=doc.get("lastError"), next_attempt_at=doc["nextAttemptAt"] if waiting else None,
            sent_at=doc.get("sentAt"), created_at=doc["createdAt"],
            recipient=User(id=strawberry.ID(doc["recipientId"])) if doc.get("recipientId") else None,
        )
