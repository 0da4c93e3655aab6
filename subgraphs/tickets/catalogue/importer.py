"""Bulk import of catalogue items: valid rows land together, every invalid row is reported with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo.errors import BulkWriteError, DuplicateKeyError

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Conflict
from subgraphs.kernel.events.contracts import catalogue as catalogue_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.tickets.catalogue.items import ItemDraft, item_event, prepare_item
from subgraphs.tickets.catalogue.service import new_item, scoped
from subgraphs.tickets.deps import TicketsDeps

MAX_ROWS = 500


@dataclass
class RowError:
    row: int  # 1-based position in the list sent
    name: str | None
    reasons: list[str]


@dataclass
class ImportReport:
    created: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _validate(drafts: list[ItemDraft], taken: set[str], report: ImportReport) -> list[dict[str, Any]]:
    prepared = []
    for row, draft in enumerate(drafts, start=1):
        try:
            item = prepare_item(draft)
        except BadUserInput as exc:
            report.errors.append(RowError(row, draft.name, exc.extensions.get("reasons") or [exc.message]))
            continue
        if item["nameKey"] in taken:
            report.errors.append(RowError(row, draft.name, [f"the catalogue already has an item named {item['name']}"]))
            continue
        taken.add(item["nameKey"])
        prepared.append(item)
    return prepared


async def import_items(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, *, company_id: str | None,
                       drafts: list[ItemDraft]) -> ImportReport:
    """Create every valid row in one transaction; the report names the rows that were refused and why."""
    items = scoped(tenancy, company_id, permission="catalogue.manage")
    if not 1 <= len(drafts) <= MAX_ROWS:
        raise BadUserInput(f"send between 1 and {MAX_ROWS} items", field="items")
    existing = await items.find({}, projection={"nameKey": 1}).to_list(None)
    report = ImportReport()
    prepared = _validate(drafts, {row["nameKey"] for row in existing}, report)
    report.created = [new_item(item, company_id=company_id, actor_id=actor.user_id) for item in prepared]
    if not report.created:
        return report

    async def work(uow: UnitOfWork) -> None:
        try:
            await items.insert_many(report.created, session=uow.session)
        except (DuplicateKeyError, BulkWriteError):
            raise Conflict("an item of the same name was created meanwhile; send the import again") from None
        for item in report.created:
            uow.emit(catalogue_events.ITEM_CREATED, item_event(item), company_id=company_id, actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return report
