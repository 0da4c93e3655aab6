"""Bulk creation of users from CSV: valid rows land together, invalid rows are reported with reasons."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import AppError, BadUserInput, Forbidden
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.users import store
from subgraphs.users.accounts.drafts import Prepared, UserDraft, prepare_user
from subgraphs.users.accounts.service import company_or_404, insert_prepared
from subgraphs.users.deps import UsersDeps

REQUIRED_COLUMNS = ("email", "firstName", "lastName")
OPTIONAL_COLUMNS = ("phone", "jobTitle", "language", "role", "skills", "careGroups")
MAX_ROWS = 5000


@dataclass
class RowError:
    row: int  # line number in the file, header being line 1
    email: str | None
    reasons: list[str]


@dataclass
class ImportReport:
    created: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in (value or "").replace(",", ";").split(";") if part.strip())


def parse(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise BadUserInput(f"the CSV header lacks the columns: {', '.join(missing)}", field="csv")
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise BadUserInput(f"the CSV header has unknown columns: {', '.join(unknown)}", field="csv")
    rows = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if any(row.values()):
            rows.append((line, row))
    if len(rows) > MAX_ROWS:
        raise BadUserInput(f"at most {MAX_ROWS} rows per import", field="csv")
    return rows


async def import_users(deps: UsersDeps, tenancy: Tenancy, actor: Principal, *, company_id: str | None,
                       text: str) -> ImportReport:
    company = await company_or_404(tenancy, company_id or actor.company_id, permission="users.import")
    if not actor.can("users.create", company["_id"]):
        raise Forbidden("importing users needs the users.create permission too")
    rows = parse(text)
    # A row names its role by system key ("agent"), by name ("Agent") or by id.
    role_ids: dict[str, str] = {}
    for role in await deps.db[store.ROLES].find({"companyId": {"$in": [None, company["_id"]]}}).to_list(None):
        role_ids[role["name"].lower()] = role["_id"]
        if role.get("key"):
            role_ids[role["key"]] = role["_id"]
    report = ImportReport()
    accepted: list[Prepared] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        role_ref = row.get("role") or None
        role_id = None if role_ref is None else role_ids.get(role_ref.lower(), role_ref)
        draft = UserDraft(
            email=row.get("email", ""), first_name=row.get("firstName", ""), last_name=row.get("lastName", ""),
            phone=row.get("phone") or None, job_title=row.get("jobTitle") or None,
            language=row.get("language") or None, role_id=role_id,
            skills=_split(row.get("skills")), care_groups=_split(row.get("careGroups")),
        )
        try:
            prepared = await prepare_user(deps.db, actor, company=company, draft=draft)
        except AppError as exc:
            reasons = exc.extensions.get("reasons") or [exc.message]
            report.errors.append(RowError(line, row.get("email") or None, reasons))
            continue
        email = prepared.doc["email"]
        if email in seen:
            report.errors.append(RowError(line, email, [f"the e-mail repeats line {seen[email]}"]))
            continue
        seen[email] = line
        accepted.append(prepared)
    taken = await _existing_emails(tenancy, company["_id"], list(seen))
    lines = {p.doc["email"]: seen[p.doc["email"]] for p in accepted}
    for prepared in [p for p in accepted if p.doc["email"] in taken]:
        report.errors.append(RowError(lines[prepared.doc["email"]], prepared.doc["email"],
                                      ["a user with this e-mail already exists in this company"]))
    accepted = [p for p in accepted if p.doc["email"] not in taken]
    users = tenancy.of(store.USERS, company["_id"], permission="users.import")

    async def work(uow: UnitOfWork) -> None:
        for prepared in accepted:
            await insert_prepared(deps, uow, users, prepared, actor_id=actor.user_id)

    if accepted:
        await deps.outbox.transaction(work)
    report.created = [p.doc for p in accepted]
    report.errors.sort(key=lambda e: e.row)
    return report


async def _existing_emails(tenancy: Tenancy, company_id: str, emails: list[str]) -> set[str]:
    users = tenancy.of(store.USERS, company_id, permission="users.import")
    rows = await users.find({"email": {"$in": emails}, "deleted": False}, projection={"email": 1}).to_list(None)
    return {row["email"] for row in rows}

