"""A person or a company as the read model keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Person:
    id: str
    company_id: str
    email: str
    first_name: str
    last_name: str
    language: str
    role_key: str | None
    permissions: frozenset[str]
    active: bool

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def may(self, permission: str) -> bool:
        return "*" in self.permissions or permission in self.permissions or f"{permission}.global" in self.permissions

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Person:
        return cls(
            id=doc["_id"], company_id=doc["companyId"], email=doc["email"], first_name=doc.get("firstName") or "",
            last_name=doc.get("lastName") or "", language=doc.get("language") or "es", role_key=doc.get("roleKey"),
            permissions=frozenset(doc.get("permissions") or ()),
            active=doc.get("status") == "active" and not doc.get("deleted"),
        )


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    email: str | None
    contacts: tuple[str, ...]
    active: bool

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Company:
        return cls(id=doc["_id"], name=doc.get("name") or "", email=doc.get("email"),
                   contacts=tuple(doc.get("contacts") or ()),
                   active=doc.get("status", "active") == "active" and not doc.get("deleted"))
