"""The live feed of new notifications: every instance sees each one and passes on the subscriber's own, once (a
notification's event may come twice: an outbox relay that died before recording what it published is repeated)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from subgraphs.kernel.events.broadcast import LiveFeed
from subgraphs.notifications.graphql.access import own_inbox
from subgraphs.notifications.graphql.types import Ctx, Notification
from subgraphs.notifications.inbox.live import recipient_key


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Your notifications as they arrive.")
    async def notification_added(self, info: Ctx) -> AsyncGenerator[Notification, None]:
        _, user_id = own_inbox(info.context)
        company_id = info.context.require().company_id
        live: LiveFeed = info.context.runtime.state["notifications_live"]
        async with live.listen(recipient_key(company_id, user_id)) as events:
            async for event in events:
                yield Notification.from_doc(event.data)
