"""Who may see what: an inbox is its owner's alone; mail deliveries are for those who manage users."""

from __future__ import annotations

from subgraphs.kernel.errors import Forbidden
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.tenancy import TenantCollection
from subgraphs.notifications import store

# Delivery status shows whose mail did not arrive; those who look after accounts need it, colleagues not.
DELIVERY_READERS = "users.update"


def own_inbox(ctx: RequestContext, user_id: str | None = None) -> tuple[TenantCollection, str]:
    """The caller's notifications and id; asking for anyone else's is refused, whoever asks."""
    principal = ctx.require()
    if user_id is not None and user_id != principal.user_id:
        raise Forbidden("notifications are private: only their owner sees them")
    return ctx.tenancy.collection(store.NOTIFICATIONS), principal.user_id


def preferences_of(ctx: RequestContext) -> tuple[TenantCollection, str]:
    principal = ctx.require()
    return ctx.tenancy.collection(store.PREFERENCES), principal.user_id


def deliveries_of(ctx: RequestContext, company_id: str | None) -> TenantCollection:
    """The mail deliveries of the caller's company, or of `company_id` for platform staff."""
    principal = ctx.require()
    return ctx.tenancy.of(store.MAIL, company_id or principal.company_id, permission=DELIVERY_READERS)
