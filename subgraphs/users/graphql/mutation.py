"""Mutations of the users subgraph: each one validates, checks, and writes in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload as FileUpload

from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.users.accounts import csv_import
from subgraphs.users.accounts import service as accounts
from subgraphs.users.accounts.drafts import ActivityStatus as DomainActivity
from subgraphs.users.auth import service as auth
from subgraphs.users.auth.principal import load_principal
from subgraphs.users.companies import service as companies
from subgraphs.users.companies.licence import Plan
from subgraphs.users.deps import deps_of
from subgraphs.users.graphql.inputs import (
    ChangePasswordInput,
    CreateCompanyInput,
    CreateRoleInput,
    CreateUserInput,
    LoginInput,
    PasswordResetRequestInput,
    ResetPasswordInput,
    UpdateCompanyInput,
    UpdateProfileInput,
    UpdateRoleInput,
    UpdateUserInput,
)
from subgraphs.users.graphql.types import (
    ActivityStatus,
    AuthPayload,
    Company,
    CreateCompanyPayload,
    Ctx,
    LicencePlan,
    Role,
    User,
    UserImportReport,
    UserImportRowError,
)
from subgraphs.users.roles import service as roles


async def _signed_in(ctx: RequestContext, tokens: auth.Tokens) -> AuthPayload:
    """The payload of a fresh sign-in; the rest of this request runs as the signed-in user."""
    ctx.principal = await load_principal(ctx.runtime, tokens.claims)
    return AuthPayload(
        access_token=tokens.access_token,
        access_token_expires_at=datetime.fromtimestamp(tokens.access_expires_at, UTC),
        refresh_token=tokens.refresh_token,
        refresh_token_expires_at=tokens.refresh_expires_at,
        token_type="Bearer",
        user=User.from_doc(tokens.user),
    )


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Sign in with your company's access code, e-mail and password.")
    async def login(self, info: Ctx, input: LoginInput) -> AuthPayload:
        ctx = info.context
        tokens = await auth.login(deps_of(ctx), access_code=input.access_code, email=input.email,
                                  password=input.password, ip=ctx.client_ip, user_agent=ctx.headers.get("user-agent"))
        return await _signed_in(ctx, tokens)

    @strawberry.mutation(description="Trade a refresh token for new tokens; each refresh token works once.")
    async def refresh_token(self, info: Ctx, refresh_token: str) -> AuthPayload:
        return await _signed_in(info.context, await auth.refresh(deps_of(info.context), refresh_token=refresh_token))

    @strawberry.mutation(description="End this session, or every session of yours with everywhere: true.")
    async def logout(self, info: Ctx, everywhere: bool = False) -> bool:
        principal = info.context.require()
        await auth.logout(deps_of(info.context), principal, everywhere=everywhere)
        return True

    @strawberry.mutation(description="Ask for a password-reset link by e-mail; the answer is always true.")
    async def request_password_reset(self, info: Ctx, input: PasswordResetRequestInput) -> bool:
        await auth.request_reset(deps_of(info.context), access_code=input.access_code, email=input.email,
                                 ip=info.context.client_ip)
        return True

    @strawberry.mutation(description="Set a new password with the token from a reset or welcome e-mail.")
    async def reset_password(self, info: Ctx, input: ResetPasswordInput) -> bool:
        return await auth.reset_password(deps_of(info.context), token=input.token, new_password=input.new_password)

    @strawberry.mutation
    async def change_password(self, info: Ctx, input: ChangePasswordInput) -> bool:
        principal = info.context.require()
        return await auth.change_password(deps_of(info.context), principal, current=input.current_password,
                                          new=input.new_password)


@strawberry.type
class CompanyMutation:
    @strawberry.mutation(description="Create a company with its first administrator (platform staff).")
    async def create_company(self, info: Ctx, input: CreateCompanyInput) -> CreateCompanyPayload:
        ctx = info.context
        principal = ctx.require("companies.create.global")
        draft = companies.CompanyDraft(
            name=input.name, tax_id=input.tax_id, email=input.email, phone=input.phone, address=input.address,
            contacts=tuple(c.as_dict() for c in input.contacts or ()), plan=Plan(input.plan.value),
        )
        company, admin = await companies.create_company(deps_of(ctx), ctx.tenancy, principal, draft=draft,
                                                        admin=input.admin.draft())
        return CreateCompanyPayload(company=Company.from_doc(company), admin=User.from_doc(admin))

    @strawberry.mutation
    async def update_company(self, info: Ctx, id: strawberry.ID, input: UpdateCompanyInput) -> Company:
        ctx = info.context
        doc = await companies.update_company(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), values=input.values())
        return Company.from_doc(doc)

    @strawberry.mutation(description="Issue a new access code; the old one stops working at once.")
    async def regenerate_access_code(self, info: Ctx, company_id: strawberry.ID) -> Company:
        ctx = info.context
        doc = await companies.regenerate_access_code(deps_of(ctx), ctx.tenancy, ctx.require(), str(company_id))
        return Company.from_doc(doc)

    @strawberry.mutation
    async def renew_licence(self, info: Ctx, company_id: strawberry.ID, plan: LicencePlan) -> Company:
        ctx = info.context
        doc = await companies.renew_licence(deps_of(ctx), ctx.tenancy, ctx.require(), str(company_id),
                                            Plan(plan.value))
        return Company.from_doc(doc)

    @strawberry.mutation(description="Suspend a company: its users are signed out and cannot sign in.")
    async def suspend_company(self, info: Ctx, company_id: strawberry.ID, reason: str) -> Company:
        ctx = info.context
        doc = await companies.set_suspended(deps_of(ctx), ctx.tenancy, ctx.require(), str(company_id),
                                            suspended=True, reason=reason)
        return Company.from_doc(doc)

    @strawberry.mutation
    async def reactivate_company(self, info: Ctx, company_id: strawberry.ID) -> Company:
        ctx = info.context
        doc = await companies.set_suspended(deps_of(ctx), ctx.tenancy, ctx.require(), str(company_id),
                                            suspended=False)
        return Company.from_doc(doc)

    @strawberry.mutation(description="Soft-delete a company; the platform company cannot be deleted.")
    async def delete_company(self, info: Ctx, company_id: strawberry.ID) -> bool:
        ctx = info.context
        return await companies.delete_company(deps_of(ctx), ctx.tenancy, ctx.require(), str(company_id))


@strawberry.type
class UserMutation:
    @strawberry.mutation
    async def create_user(self, info: Ctx, input: CreateUserInput) -> User:
        ctx = info.context
        company_id = str(input.company_id) if input.company_id else None
        doc = await accounts.create_user(deps_of(ctx), ctx.tenancy, ctx.require(), company_id=company_id,
                                         draft=input.to_draft())
        return User.from_doc(doc)

    @strawberry.mutation
    async def update_user(self, info: Ctx, id: strawberry.ID, input: UpdateUserInput) -> User:
        ctx = info.context
        doc = await accounts.update_user(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), values=input.values(),
                                         skills=input.skills, care_groups=input.care_groups)
        return User.from_doc(doc)

    @strawberry.mutation
    async def update_my_profile(self, info: Ctx, input: UpdateProfileInput) -> User:
        ctx = info.context
        return User.from_doc(await accounts.update_me(deps_of(ctx), ctx.tenancy, ctx.require(), values=input.values()))

    @strawberry.mutation(description="Set your own activity status. Not needed to start work: signing in already "
                                      "made you AVAILABLE if you were OFFLINE; choose BUSY or OFFLINE here (BUSY is "
                                      "kept across sign-ins; signing out of your last session sets OFFLINE).")
    async def set_my_activity_status(self, info: Ctx, status: ActivityStatus) -> User:
        ctx = info.context
        doc = await accounts.set_activity(deps_of(ctx), ctx.tenancy, ctx.require(), DomainActivity(status.value))
        return User.from_doc(doc)

    @strawberry.mutation
    async def assign_role(self, info: Ctx, user_id: strawberry.ID, role_id: strawberry.ID) -> User:
        ctx = info.context
        doc = await accounts.assign_role(deps_of(ctx), ctx.tenancy, ctx.require(), str(user_id), str(role_id))
        return User.from_doc(doc)

    @strawberry.mutation(description="Grant or take away permissions held by the user directly.")
    async def set_user_permissions(self, info: Ctx, user_id: strawberry.ID, grant: list[str] | None = None,
                                   revoke: list[str] | None = None) -> User:
        ctx = info.context
        doc = await accounts.set_permissions(deps_of(ctx), ctx.tenancy, ctx.require(), str(user_id),
                                             grant=grant or [], revoke=revoke or [])
        return User.from_doc(doc)

    @strawberry.mutation(description="Deactivate a user: signed out at once and unable to sign in.")
    async def deactivate_user(self, info: Ctx, id: strawberry.ID) -> User:
        ctx = info.context
        return User.from_doc(await accounts.deactivate(deps_of(ctx), ctx.tenancy, ctx.require(), str(id)))

    @strawberry.mutation
    async def reactivate_user(self, info: Ctx, id: strawberry.ID) -> User:
        ctx = info.context
        return User.from_doc(await accounts.reactivate(deps_of(ctx), ctx.tenancy, ctx.require(), str(id)))

    @strawberry.mutation
    async def delete_user(self, info: Ctx, id: strawberry.ID) -> bool:
        ctx = info.context
        return await accounts.delete(deps_of(ctx), ctx.tenancy, ctx.require(), str(id))

    @strawberry.mutation(description="Upload a profile photo (PNG, JPEG, GIF or WebP): the file itself (`file`, the "
                                     "GraphQL multipart request spec), or, until the next release, base64 text.")
    async def upload_user_photo(
            self, info: Ctx, user_id: strawberry.ID,
            content_base64: Annotated[str | None, strawberry.argument(
                deprecation_reason="Send the file itself in `file` (a multipart request).")] = None,
            file: FileUpload | None = None) -> User:
        ctx = info.context
        data = None if file is None else await file.read()  # type: ignore[attr-defined]  # a Starlette UploadFile
        doc = await accounts.upload_photo(deps_of(ctx), ctx.tenancy, ctx.require(), str(user_id),
                                          content_base64=content_base64, data=data)
        return User.from_doc(doc)

    @strawberry.mutation(description="Create users from CSV (header: email,firstName,lastName[,phone,jobTitle,"
                                     "language,role,skills,careGroups]). Valid rows are created; the others listed.")
    async def import_users(self, info: Ctx, csv: str, company_id: strawberry.ID | None = None) -> UserImportReport:
        ctx = info.context
        report = await csv_import.import_users(deps_of(ctx), ctx.tenancy, ctx.require(),
                                               company_id=str(company_id) if company_id else None, text=csv)
        return UserImportReport(
            created_count=len(report.created),
            created=[User.from_doc(d) for d in report.created],
            errors=[UserImportRowError(row=e.row, email=e.email, reasons=e.reasons) for e in report.errors],
        )


@strawberry.type
class RoleMutation:
    @strawberry.mutation
    async def create_role(self, info: Ctx, input: CreateRoleInput) -> Role:
        ctx = info.context
        principal = ctx.require()
        company_id = None if input.is_global else str(input.company_id or principal.company_id)
        doc = await roles.create_role(deps_of(ctx), ctx.tenancy, principal, company_id=company_id, name=input.name,
                                      description=input.description, level=input.level,
                                      permissions=input.permissions)
        return Role.from_doc(doc)

    @strawberry.mutation(description="Change a role; its holders get the new permissions at once.")
    async def update_role(self, info: Ctx, id: strawberry.ID, input: UpdateRoleInput) -> Role:
        ctx = info.context
        doc = await roles.update_role(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), name=input.name,
                                      description=input.description, level=input.level,
                                      permissions=input.permissions)
        return Role.from_doc(doc)

    @strawberry.mutation
    async def delete_role(self, info: Ctx, id: strawberry.ID) -> bool:
        ctx = info.context
        return await roles.delete_role(deps_of(ctx), ctx.tenancy, ctx.require(), str(id))


@strawberry.type
class Mutation(AuthMutation, CompanyMutation, UserMutation, RoleMutation):
    pass
