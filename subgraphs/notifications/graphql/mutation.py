"""Mutations of the notifications subgraph: each acts on the caller's own notifications and preferences."""

from __future__ import annotations

import strawberry

from subgraphs.kernel.errors import BadUserInput
from subgraphs.notifications.graphql.access import own_inbox, preferences_of
from subgraphs.notifications.graphql.enums import NotificationKind
from subgraphs.notifications.graphql.inputs import NotificationPreferenceInput
from subgraphs.notifications.graphql.types import Ctx, Notification, NotificationPreference
from subgraphs.notifications.inbox import service as inbox
from subgraphs.notifications.kinds import Channel
from subgraphs.notifications.preferences import service as preferences

MAX_CHANGES = 100


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Mark one of your notifications read (or, with read: false, unread again).")
    async def mark_notification_read(self, info: Ctx, id: strawberry.ID, read: bool = True) -> Notification:
        rows, user_id = own_inbox(info.context)
        return Notification.from_doc(await inbox.mark(rows, user_id, str(id), read=read))

    @strawberry.mutation(description="Mark all your unread notifications (of `kinds`, when given) read; "
                                     "answers how many changed.")
    async def mark_all_notifications_read(self, info: Ctx,
                                          kinds: list[NotificationKind] | None = None) -> int:  # type: ignore[valid-type]
        rows, user_id = own_inbox(info.context)
        return await inbox.mark_all(rows, user_id, tuple(k.value for k in kinds or ()))

    @strawberry.mutation(description="Delete one of your notifications.")
    async def delete_notification(self, info: Ctx, id: strawberry.ID) -> bool:
        rows, user_id = own_inbox(info.context)
        await inbox.delete(rows, user_id, str(id))
        return True

    @strawberry.mutation(description="Switch channels of kinds of notice on or off; security mail stays on.")
    async def update_notification_preferences(self, info: Ctx, changes: list[NotificationPreferenceInput]
                                              ) -> list[NotificationPreference]:
        rows, user_id = preferences_of(info.context)
        if not 1 <= len(changes) <= MAX_CHANGES:
            raise BadUserInput(f"send between 1 and {MAX_CHANGES} changes", field="changes")
        wanted = [(c.kind.value, Channel(c.channel), c.enabled) for c in changes]
        return NotificationPreference.all_of(await preferences.change(rows, user_id, wanted))
