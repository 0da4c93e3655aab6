"""The tickets service's shared parts, built once at start and reached from any resolver."""

from __future__ import annotations

from dataclasses import dataclass, field

from subgraphs.kernel.events.contracts import catalogue as catalogue_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.follow import FollowedCache
from subgraphs.kernel.events.outbox import Outbox
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.storage import Storage
from subgraphs.tickets.desk.model import Desk
from subgraphs.tickets.settings import TicketsSettings

# Each company's desk settings as this replica last read them (every ticket raised, moved or answered reads them),
# kept until a `desk.updated` says they changed: this replica's own commit at once, the others' through the live feed.
Desks = FollowedCache[str, Desk]


def desk_tag(company_id: str) -> str:
    return f"desk:{company_id}"


def _desk_of(event: Event) -> tuple[str, ...]:
    company = event.data.get("companyId")
    return (desk_tag(company),) if isinstance(company, str) else ()


def new_desks() -> Desks:
    return FollowedCache((catalogue_events.DESK_UPDATED,), _desk_of)


@dataclass
class TicketsDeps:
    settings: TicketsSettings
    db: Database
    outbox: Outbox
    storage: Storage
    desks: Desks = field(default_factory=new_desks)


def deps_of(ctx: RequestContext) -> TicketsDeps:
    return ctx.runtime.state["tickets"]
