"""The users service's events: people, companies, roles and sessions."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

USER_CREATED = "user.created"
USER_UPDATED = "user.updated"
USER_DEACTIVATED = "user.deactivated"
USER_REACTIVATED = "user.reactivated"
USER_DELETED = "user.deleted"
USER_PASSWORD_CHANGED = "user.password_changed"
USER_SIGNED_OUT = "user.signed_out"
USER_SESSION_REVOKED = "user.session_revoked"
PASSWORD_RESET_REQUESTED = "password.reset_requested"
COMPANY_CREATED = "company.created"
COMPANY_UPDATED = "company.updated"
COMPANY_ACCESS_CODE_CHANGED = "company.access_code_changed"
COMPANY_LICENCE_RENEWED = "company.licence_renewed"
COMPANY_SUSPENDED = "company.suspended"
COMPANY_REACTIVATED = "company.reactivated"
COMPANY_DELETED = "company.deleted"
ROLE_CREATED = "role.created"
ROLE_UPDATED = "role.updated"
ROLE_DELETED = "role.deleted"

# Every event that carries a person's whole snapshot, and every one that carries a company's.
PERSON_EVENTS = (USER_CREATED, USER_UPDATED, USER_DEACTIVATED, USER_REACTIVATED, USER_DELETED)
COMPANY_EVENTS = (COMPANY_CREATED, COMPANY_UPDATED, COMPANY_SUSPENDED, COMPANY_REACTIVATED, COMPANY_DELETED,
                  COMPANY_LICENCE_RENEWED, COMPANY_ACCESS_CODE_CHANGED)


class UserSnapshot(TypedDict):
    """What other services learn about a person (their read models of people use it)."""

    userId: str
    companyId: str
    email: str
    firstName: str
    lastName: str
    language: str
    jobTitle: str | None
    roleId: str
    roleKey: str | None
    roleName: str | None
    roleLevel: int
    permissions: list[str]
    skills: list[str]
    careGroups: list[str]
    activityStatus: str
    status: str


SNAPSHOT_FIELDS: tuple[str, ...] = tuple(UserSnapshot.__annotations__)


class UserCreated(UserSnapshot):
    setPasswordUrl: NotRequired[str]  # a welcome link, when no password was set
    setPasswordExpiresAt: NotRequired[str]


class UserChanged(UserSnapshot):
    changed: list[str]


class SessionEnded(TypedDict):
    userId: str
    sessionId: str | None


class SignedOut(SessionEnded):
    everywhere: bool


class SessionRevoked(SessionEnded):
    reason: str


class PasswordChanged(TypedDict):
    userId: str
    email: str
    language: str


class PasswordResetRequested(TypedDict):
    userId: str
    email: str
    firstName: str
    language: str
    resetUrl: str
    expiresAt: str
    requestedFrom: str | None


class CompanySnapshot(TypedDict):
    companyId: str
    name: str
    email: str
    status: str
    licence: dict[str, Any] | None
    contacts: list[str]


class CompanyChanged(CompanySnapshot):
    changed: NotRequired[list[str]]
    reason: NotRequired[str]  # why it was suspended


class RoleSnapshot(TypedDict):
    roleId: str
    name: str
    level: int
    permissions: list[str]


class RoleDeleted(TypedDict):
    roleId: str


CONTRACTS: dict[str, type] = {
    USER_CREATED: UserCreated,
    **dict.fromkeys((USER_UPDATED, USER_DEACTIVATED, USER_REACTIVATED, USER_DELETED), UserChanged),
    USER_PASSWORD_CHANGED: PasswordChanged,
    USER_SIGNED_OUT: SignedOut,
    USER_SESSION_REVOKED: SessionRevoked,
    PASSWORD_RESET_REQUESTED: PasswordResetRequested,
    COMPANY_CREATED: CompanySnapshot,
    **dict.fromkeys((COMPANY_UPDATED, COMPANY_ACCESS_CODE_CHANGED, COMPANY_LICENCE_RENEWED, COMPANY_SUSPENDED,
                     COMPANY_REACTIVATED, COMPANY_DELETED), CompanyChanged),
    ROLE_CREATED: RoleSnapshot,
    ROLE_UPDATED: RoleSnapshot,
    ROLE_DELETED: RoleDeleted,
}
