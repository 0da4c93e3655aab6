"""Reading and changing a company's desk settings; companies that set none get the defaults."""

from __future__ import annotations

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.events.contracts import catalogue as catalogue_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.tickets import store
from subgraphs.tickets.deps import TicketsDeps, desk_tag
from subgraphs.tickets.desk.model import Desk, desk_from_doc
from subgraphs.tickets.sla.calendar import BusinessCalendar, calendar_to_doc


async def desk_of(deps: TicketsDeps, company_id: str) -> Desk:
    """The settings the service itself works with (ticket creation, SLA scans, consumers), kept per replica until
    they change (`TicketsDeps.desks`)."""
    kept = deps.desks.get(company_id)
    if kept is not None:
        return kept
    since = deps.desks.began()
    desk = desk_from_doc(company_id, await deps.db[store.DESKS].find_one({"_id": company_id}),
                         deps.settings.default_timezone)
    deps.desks.put(company_id, desk, (desk_tag(company_id),), since=since)
    return desk


async def read_desk(deps: TicketsDeps, tenancy: Tenancy, *, company_id: str) -> Desk:
    desks = tenancy.of(store.DESKS, company_id, permission="catalogue.read")
    return desk_from_doc(company_id, await desks.find_one({"_id": company_id}), deps.settings.default_timezone)


async def update_desk(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, *, company_id: str,
                      calendar: BusinessCalendar | None, auto_assign: bool | None) -> Desk:
    """Change what is given; deadlines of tickets already open stay as they were computed."""
    desks = tenancy.of(store.DESKS, company_id, permission="catalogue.manage")
    current = desk_from_doc(company_id, await desks.find_one({"_id": company_id}), deps.settings.default_timezone)
    desk = Desk(company_id, calendar or current.calendar,
                current.auto_assign if auto_assign is None else auto_assign, True)
    doc = {"calendar": calendar_to_doc(desk.calendar), "autoAssign": desk.auto_assign, "updatedAt": clock.now(),
           "updatedBy": actor.user_id}

    async def work(uow: UnitOfWork) -> None:
        await desks.update_one({"_id": company_id}, {"$set": doc}, upsert=True, session=uow.session)
        uow.emit(catalogue_events.DESK_UPDATED, {"companyId": company_id, **doc}, company_id=company_id,
                 actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return desk
