"""A new user's details, validated into a document ready to insert."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import AppError, BadUserInput, Forbidden
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.users import validation
from subgraphs.users.permissions import system_role_id
from subgraphs.users.roles.rules import ensure_can_assign, ensure_can_grant, validate_permissions
from subgraphs.users.roles.service import find_role
from subgraphs.users.security.passwords import check_policy


class ActivityStatus(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    OFFLINE = "offline"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class UserDraft:
    email: str
    first_name: str
    last_name: str
    phone: str | None = None
    job_title: str | None = None
    language: str | None = None
    role_id: str | None = None
    skills: tuple[str, ...] = ()
    care_groups: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    password: str | None = None


@dataclass
class Prepared:
    doc: dict[str, Any]
    role: dict[str, Any]
    password: str | None = None


@dataclass
class Reasons:
    """Collects every problem with one input instead of stopping at the first."""

    messages: list[str] = field(default_factory=list)
    fields: list[str | None] = field(default_factory=list)  # the input field each message is about, or None
    refusals: int = 0  # how many of the messages say the actor may not, rather than the input is wrong

    def check(self, step: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(*args, **kwargs)
        except AppError as exc:
            self.add(exc.message, exc.extensions.get("field"))
            self.refusals += isinstance(exc, Forbidden)
            return None

    def add(self, message: str, field: str | None = None) -> None:
        self.messages.append(message)
        self.fields.append(field)

    def raise_if_any(self) -> None:
        """A FORBIDDEN when every message is a refusal of the actor, else one BAD_USER_INPUT with every message
        (`reasons`) and each with the field it is about (`problems`, as `Problems` gives them)."""
        if not self.messages:
            return
        if self.refusals == len(self.messages):
            raise Forbidden("; ".join(self.messages), reasons=self.messages)
        raise BadUserInput("; ".join(self.messages), reasons=self.messages,
                           problems=[{"field": f, "message": m}
                                     for f, m in zip(self.fields, self.messages, strict=True)])


def default_role_key(company: dict[str, Any]) -> str:
    return "platform_agent" if company.get("isPlatform") else "customer"


async def prepare_user(
    db: Database, actor: Principal, *, company: dict[str, Any], draft: UserDraft
) -> Prepared:
    """Validate `draft` for `company` and check the actor may give its role and permissions."""
    reasons = Reasons()
    email = reasons.check(validation.email, draft.email)
    first = reasons.check(validation.text, draft.first_name, field="firstName", max_length=60)
    last = reasons.check(validation.text, draft.last_name, field="lastName", max_length=60)
    phone = reasons.check(validation.phone, draft.phone)
    job = reasons.check(validation.optional_text, draft.job_title, field="jobTitle", max_length=100)
    language = reasons.check(validation.language, draft.language)
    skills = reasons.check(validation.labels, draft.skills, field="skills") or []
    groups = reasons.check(validation.labels, draft.care_groups, field="careGroups") or []
    platform = bool(company.get("isPlatform"))
    permissions = reasons.check(validate_permissions, draft.permissions, platform=platform) or []
    if draft.password is not None:
        reasons.check(check_policy, draft.password, email=email)
    role = await find_role(db, draft.role_id or system_role_id(default_role_key(company)), company_id=company["_id"])
    if role is None:
        reasons.add(f"no role {draft.role_id} exists in this company", "roleId")
    else:
        reasons.check(ensure_can_assign, actor, role, target_is_platform=platform)
    if permissions:
        reasons.check(ensure_can_grant, actor, permissions)
    if (skills or groups) and not actor.can("skills.manage", company["_id"]):
        reasons.add("setting skills or care groups needs the skills.manage permission")
    reasons.raise_if_any()
    assert role is not None
    now = clock.now()
    doc = {
        "_id": new_id(), "companyId": company["_id"], "email": email, "firstName": first, "lastName": last,
        "phone": phone, "jobTitle": job, "language": language, "roleId": role["_id"], "permissions": permissions,
        "skills": skills, "careGroups": groups, "activityStatus": ActivityStatus.OFFLINE.value,
        "status": AccountStatus.ACTIVE.value, "deleted": False, "deletedAt": None, "photoUrl": None,
        "passwordHash": None, "passwordChangedAt": None, "lastLoginAt": None,
        "createdAt": now, "updatedAt": now, "createdBy": actor.user_id,
    }
    return Prepared(doc=doc, role=role, password=draft.password)
