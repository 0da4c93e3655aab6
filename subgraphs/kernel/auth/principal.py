"""Who is calling: the verified user, their company and what they may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROOT = "*"
GLOBAL_SUFFIX = ".global"


def holds(permissions: frozenset[str] | set[str], permission: str) -> bool:
    """`permission` is held directly, through its global form, or through the root `*`."""
    if ROOT in permissions or permission in permissions:
        return True
    return not permission.endswith(GLOBAL_SUFFIX) and permission + GLOBAL_SUFFIX in permissions


@dataclass(frozen=True)
class Principal:
    user_id: str
    company_id: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    role_id: str | None = None
    role_level: int = 0
    is_platform: bool = False
    session_id: str | None = None
    issued_at: int = 0

    def holds(self, permission: str) -> bool:
        return holds(self.permissions, permission)

    def can(self, permission: str, company_id: str | None = None) -> bool:
        """May act with `permission` on `company_id` (own company: local form; others: global)."""
        if company_id is None or company_id == self.company_id:
            return self.holds(permission)
        return self.holds(permission + GLOBAL_SUFFIX)

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        return cls(
            user_id=str(claims["sub"]),
            company_id=str(claims["cid"]),
            permissions=frozenset(claims.get("perm") or ()),
            role_id=claims.get("rid"),
            role_level=int(claims.get("lvl") or 0),
            is_platform=bool(claims.get("plat")),
            session_id=claims.get("sid"),
            issued_at=int(claims.get("iat") or 0),
        )
