"""Queries of the notifications subgraph."""

from __future__ import annotations

import strawberry

from subgraphs.kernel.errors import NotFound
from subgraphs.kernel.graphql.pagination import Connection, paginate
from subgraphs.notifications.graphql.access import deliveries_of, own_inbox, preferences_of
from subgraphs.notifications.graphql.inputs import MailDeliveryFilter, NotificationFilter
from subgraphs.notifications.graphql.types import Ctx, MailDelivery, Notification, NotificationPreference
from subgraphs.notifications.inbox import service as inbox
from subgraphs.notifications.inbox.service import Filter
from subgraphs.notifications.preferences import service as preferences


@strawberry.type
class Query:
    @strawberry.field(description="Your notifications, newest first.")
    async def notifications(self, info: Ctx, filter: NotificationFilter | None = None, first: int | None = None,
                            after: str | None = None) -> Connection[Notification]:
        rows, user_id = own_inbox(info.context)
        query = (filter.domain() if filter else Filter()).query(user_id)
        return await paginate(rows, query, first=first, after=after, to_node=Notification.from_doc)

    @strawberry.field(description="One of your notifications; null when it is not yours or does not exist.")
    async def notification(self, info: Ctx, id: strawberry.ID) -> Notification | None:
        rows, user_id = own_inbox(info.context)
        try:
            return Notification.from_doc(await inbox.find(rows, user_id, str(id)))
        except NotFound:
            return None

    @strawberry.field(description="How many of your notifications are unread.")
    async def unread_notification_count(self, info: Ctx) -> int:
        rows, user_id = own_inbox(info.context)
        return await inbox.unread_count(rows, user_id)

    @strawberry.field(description="How you hear about each kind of notice (defaults: everything on).")
    async def notification_preferences(self, info: Ctx) -> list[NotificationPreference]:
        rows, user_id = preferences_of(info.context)
        return NotificationPreference.all_of(await preferences.choices_of(rows, user_id))

    @strawberry.field(description="The mails sent to your company's people and how each went, newest first "
                                  "(with users.update; platform staff may name another company).")
    async def mail_deliveries(self, info: Ctx, company_id: strawberry.ID | None = None,
                              filter: MailDeliveryFilter | None = None, first: int | None = None,
                              after: str | None = None) -> Connection[MailDelivery]:
        rows = deliveries_of(info.context, str(company_id) if company_id else None)
        return await paginate(rows, filter.query() if filter else {}, first=first, after=after,
                              to_node=MailDelivery.from_doc)
