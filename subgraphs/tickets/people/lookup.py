"""Who may take a ticket: active agents and interns of a company, by role and care group."""

from __future__ import annotations

from typing import Any

from subgraphs.kernel.auth.principal import holds
from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store

Person = dict[str, Any]


def can(person: Person, permission: str) -> bool:
    return holds(frozenset(person.get("permissions") or ()), permission)


def is_agent(person: Person) -> bool:
    """Works tickets and may move them on: an agent (or an administrator who works tickets)."""
    return can(person, "tickets.work") and can(person, "tickets.update")


def is_intern(person: Person) -> bool:
    """Works only what is delegated to them, under a tutor."""
    return can(person, "tickets.work") and not can(person, "tickets.update")


def fits_care_group(person: Person, care_group: str | None) -> bool:
    return care_group is None or care_group.lower() in {g.lower() for g in person.get("careGroups") or ()}


async def active_person(db: Database, *, company_id: str, user_id: str) -> Person | None:
    """A person of `company_id` who can still sign in."""
    return await db[store.PEOPLE].find_one({"_id": user_id, "companyId": company_id, "status": "active",
                                            "deleted": False})


async def active_people(db: Database, *, company_id: str, user_ids: list[str]) -> dict[str, Person]:
    """The active people of `company_id` among `user_ids`, by id; no read for none (a comment that mentions nobody,
    a ticket raised without watchers)."""
    if not user_ids:
        return {}
    rows = await db[store.PEOPLE].find({"_id": {"$in": user_ids}, "companyId": company_id, "status": "active",
                                        "deleted": False}).to_list(None)
    return {row["_id"]: row for row in rows}
