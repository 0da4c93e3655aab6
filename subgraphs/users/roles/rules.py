"""Who may grant what: nobody hands out a permission they do not hold or a rank above their own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from subgraphs.kernel.auth.principal import ROOT, Principal
from subgraphs.kernel.errors import BadUserInput, Forbidden
from subgraphs.users.permissions import all_permission_keys, is_global


def effective_permissions(user: dict[str, Any], role: dict[str, Any] | None) -> frozenset[str]:
    """A user's permissions: their role's, plus those granted to them directly."""
    return frozenset(role["permissions"] if role else ()) | frozenset(user.get("permissions") or ())


def validate_permissions(permissions: Iterable[str], *, platform: bool, field: str = "permissions") -> list[str]:
    known = all_permission_keys()
    result = sorted(set(permissions))
    unknown = [p for p in result if p not in known]
    if unknown:
        raise BadUserInput(f"unknown permissions: {', '.join(unknown)}", field=field, unknown=unknown)
    if not platform:
        cross = [p for p in result if is_global(p)]
        if cross:
            raise BadUserInput(
                f"global permissions are for platform staff only: {', '.join(cross)}", field=field, invalid=cross
            )
    return result


def ensure_can_grant(actor: Principal, permissions: Iterable[str]) -> None:
    missing = sorted(p for p in permissions if not actor.holds(p))
    if missing:
        raise Forbidden(f"you cannot grant permissions you do not hold: {', '.join(missing)}", missing=missing)


def outranks(actor: Principal, level: int) -> bool:
    """The actor may hand out or manage a rank of `level`: below their own, or equal with admins.manage."""
    if ROOT in actor.permissions:
        return True
    return level < actor.role_level or (level == actor.role_level and actor.holds("admins.manage"))


def ensure_can_assign(actor: Principal, role: dict[str, Any], *, target_is_platform: bool) -> None:
    if role.get("platformOnly") and not target_is_platform:
        raise BadUserInput(f"the role {role['name']} is for platform staff only", field="roleId")
    if not outranks(actor, role["level"]):
        raise Forbidden(f"you cannot give the role {role['name']}: its level is above what you may grant")
    ensure_can_grant(actor, role["permissions"])


def ensure_can_manage_user(actor: Principal, target_level: int, *, target_id: str) -> None:
    """Managing another user requires outranking them; nobody manages a superior."""
    if target_id != actor.user_id and not outranks(actor, target_level):
        raise Forbidden("you cannot manage a user whose role ranks at or above yours")
