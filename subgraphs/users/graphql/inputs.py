"""GraphQL input types of the users subgraph."""

from __future__ import annotations

import strawberry

from subgraphs.users.accounts.drafts import UserDraft
from subgraphs.users.graphql.types import AccountStatus, ActivityStatus, LicencePlan


@strawberry.input
class LoginInput:
    access_code: str | None = strawberry.field(
        default=None, description="Your company's code; none for platform staff."
    )
    email: str
    password: str


@strawberry.input
class PasswordResetRequestInput:
    access_code: str | None = None
    email: str


@strawberry.input
class ResetPasswordInput:
    token: str
    new_password: str


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.input
class NewUserInput:
    email: str
    first_name: str
    last_name: str
    phone: str | None = None
    job_title: str | None = None
    language: str | None = strawberry.field(default=None, description="es (default) or en")
    password: str | None = strawberry.field(
        default=None, description="Leave empty to send the user a link to choose their own."
    )

    def draft(self, **extra: object) -> UserDraft:
        return UserDraft(email=self.email, first_name=self.first_name, last_name=self.last_name, phone=self.phone,
                         job_title=self.job_title, language=self.language, password=self.password, **extra)  # type: ignore[arg-type]


@strawberry.input
class CreateUserInput(NewUserInput):
    company_id: strawberry.ID | None = strawberry.field(default=None, description="Platform staff: the target company.")
    role_id: strawberry.ID | None = None
    skills: list[str] | None = None
    care_groups: list[str] | None = None
    permissions: list[str] | None = None

    def to_draft(self) -> UserDraft:
        return self.draft(role_id=self.role_id, skills=tuple(self.skills or ()),
                          care_groups=tuple(self.care_groups or ()), permissions=tuple(self.permissions or ()))


@strawberry.input
class UpdateProfileInput:
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    job_title: str | None = None
    language: str | None = None

    def values(self) -> dict[str, object]:
        return {"firstName": self.first_name, "lastName": self.last_name, "phone": self.phone,
                "jobTitle": self.job_title, "language": self.language}


@strawberry.input
class UpdateUserInput(UpdateProfileInput):
    email: str | None = None
    skills: list[str] | None = None
    care_groups: list[str] | None = None

    def values(self) -> dict[str, object]:
        return {**super().values(), "email": self.email}


@strawberry.input
class UserFilter:
    search: str | None = strawberry.field(default=None, description="Part of the name or e-mail.")
    role_id: strawberry.ID | None = None
    status: AccountStatus | None = None
    activity_status: ActivityStatus | None = None
    skill: str | None = None
    care_group: str | None = None


@strawberry.input
class ContactInput:
    name: str
    email: str | None = None
    phone: str | None = None
    title: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "email": self.email, "phone": self.phone, "title": self.title}


@strawberry.input
class CreateCompanyInput:
    name: str
    tax_id: str
    email: str
    phone: str | None = None
    address: str | None = None
    plan: LicencePlan = LicencePlan.MONTHLY
    contacts: list[ContactInput] | None = None
    admin: NewUserInput


@strawberry.input
class UpdateCompanyInput:
    name: str | None = None
    tax_id: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    contacts: list[ContactInput] | None = None

    def values(self) -> dict[str, object]:
        return {"name": self.name, "taxId": self.tax_id, "email": self.email, "phone": self.phone,
                "address": self.address,
                "contacts": None if self.contacts is None else [c.as_dict() for c in self.contacts]}


@strawberry.input
class CompanyFilter:
    search: str | None = None
    status: str | None = None


@strawberry.input
class CreateRoleInput:
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="The company; omit for your own. Set global: true for a platform-wide role."
    )
    is_global: bool = False
    name: str
    description: str | None = None
    level: int
    permissions: list[str]


@strawberry.input
class UpdateRoleInput:
    name: str | None = None
    description: str | None = None
    level: int | None = None
    permissions: list[str] | None = None
