"""The live feed of new notifications: every instance sees each one and passes on the subscriber's own."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from subgraphs.notifications.graphql.access import own_inbox
from subgraphs.notifications.graphql.types import Ctx, Notification
from subgraphs.notifications.inbox.service import ADDED


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Your notifications as they arrive.")
    async def notification_added(self, info: Ctx) -> AsyncGenerator[Notification, None]:
        _, user_id = own_inbox(info.context)
        company_id = info.context.require().company_id
        async with info.context.runtime.bus.live((ADDED,)) as events:
            async for event in events:
                if event.data.get("recipientId") == user_id and event.company_id == company_id:
                    yield Notification.from_doc(event.data)
