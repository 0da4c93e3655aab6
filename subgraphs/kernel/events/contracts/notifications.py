"""The notifications service's events: a notification as its owner may see it (the live bell shows it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from typing_extensions import TypedDict

CREATED = "notification.created"


class NotificationCreated(TypedDict):
    id: str
    recipientId: str
    companyId: str
    kind: str
    title: str
    body: str
    link: str | None
    target: Any
    read: bool
    readAt: datetime | None
    createdAt: datetime


CONTRACTS: dict[str, type] = {CREATED: NotificationCreated}
