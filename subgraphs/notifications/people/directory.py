"""Looks people and companies up in the read model, inside the handler's transaction or outside it."""

from __future__ import annotations

from collections.abc import Iterable

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store
from subgraphs.notifications.people.model import Company, Person

ADMIN_ROLE = "company_admin"


class Directory:
    """Read-only access to the read model, inside a transaction (`session`) or outside one (None)."""

    def __init__(self, db: Database, session: AsyncClientSession | None = None) -> None:
        self.db = db
        self.session = session

    async def person(self, user_id: str | None) -> Person | None:
        if not user_id:
            return None
        doc = await self.db[store.PEOPLE].find_one({"_id": user_id}, session=self.session)
        return Person.from_doc(doc) if doc else None

    async def people(self, user_ids: Iterable[str | None]) -> list[Person]:
        """The people among `user_ids` the read model knows, in the order given, each once."""
        wanted = list(dict.fromkeys(i for i in user_ids if i))
        docs = await self.db[store.PEOPLE].find({"_id": {"$in": wanted}}, session=self.session).to_list(None)
        found = {doc["_id"]: Person.from_doc(doc) for doc in docs}
        return [found[i] for i in wanted if i in found]

    async def company_admins(self, company_id: str) -> list[Person]:
        docs = await self.db[store.PEOPLE].find({"companyId": company_id, "roleKey": ADMIN_ROLE, "deleted": False},
                                                session=self.session).sort("_id", 1).to_list(None)
        return [Person.from_doc(doc) for doc in docs]

    async def company(self, company_id: str | None) -> Company | None:
        if not company_id:
            return None
        doc = await self.db[store.COMPANIES].find_one({"_id": company_id}, session=self.session)
        return Company.from_doc(doc) if doc else None

    async def person_by_email(self, company_id: str, email: str) -> Person | None:
        doc = await self.db[store.PEOPLE].find_one({"companyId": company_id, "email": email.lower(),
                                                    "deleted": False}, session=self.session)
        return Person.from_doc(doc) if doc else None
