"""The permission catalogue and the immutable system roles.

A permission `resource.action` applies in the holder's own company; its global form
`resource.action.global` applies in every company and is only for platform staff. `*` (root)
holds everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.kernel.auth.principal import GLOBAL_SUFFIX, ROOT


@dataclass(frozen=True)
class PermissionSpec:
    key: str
    group: str
    description: str
    global_only: bool = False  # meaningful only across companies (e.g. creating a company)


CATALOGUE: tuple[PermissionSpec, ...] = (
    PermissionSpec("users.read", "users", "See the users of a company"),
    PermissionSpec("users.create", "users", "Create users"),
    PermissionSpec("users.update", "users", "Edit users' profiles"),
    PermissionSpec("users.deactivate", "users", "Deactivate and reactivate users"),
    PermissionSpec("users.delete", "users", "Delete users"),
    PermissionSpec("users.import", "users", "Import users from CSV"),
    PermissionSpec("admins.manage", "admins", "Create, promote and demote company administrators"),
    PermissionSpec("roles.read", "roles", "See roles and their permissions"),
    PermissionSpec("roles.manage", "roles", "Create, edit and delete roles"),
    PermissionSpec("roles.assign", "roles", "Give users a role"),
    PermissionSpec("permissions.grant", "roles", "Grant users permissions of their own"),
    PermissionSpec("skills.manage", "skills", "Set users' skills and care groups"),
    PermissionSpec("companies.read", "companies", "See company details and licence"),
    PermissionSpec("companies.update", "companies", "Edit company details and contacts"),
    PermissionSpec("companies.access_code", "companies", "See and regenerate the company access code"),
    PermissionSpec("companies.create", "companies", "Create companies", global_only=True),
    PermissionSpec("companies.suspend", "companies", "Suspend and reactivate companies", global_only=True),
    PermissionSpec("companies.delete", "companies", "Delete companies", global_only=True),
    PermissionSpec("companies.license", "companies", "Renew and change licences", global_only=True),
    PermissionSpec("catalogue.read", "catalogue", "See the service catalogue"),
    PermissionSpec("catalogue.manage", "catalogue", "Edit the service catalogue"),
    PermissionSpec("tickets.create", "tickets", "Open tickets"),
    PermissionSpec("tickets.read", "tickets", "See every ticket of the company"),
    PermissionSpec("tickets.update", "tickets", "Edit and move tickets through their lifecycle"),
    PermissionSpec("tickets.manage", "tickets", "Supervise: move, cancel and close any ticket, whoever works it"),
    PermissionSpec("tickets.work", "tickets", "Be assigned tickets and work on them"),
    PermissionSpec("tickets.assign", "tickets", "Assign and reassign tickets"),
    PermissionSpec("tickets.delegate", "tickets", "Delegate tickets to interns"),
    PermissionSpec("tickets.internal_notes", "tickets", "Read and write internal notes"),
    PermissionSpec("tickets.merge", "tickets", "Merge and link tickets"),
    PermissionSpec("tickets.stats", "tickets", "See ticket statistics"),
)

_BY_KEY = {spec.key: spec for spec in CATALOGUE}


def all_permission_keys() -> frozenset[str]:
    keys = {spec.key + GLOBAL_SUFFIX for spec in CATALOGUE}
    keys |= {spec.key for spec in CATALOGUE if not spec.global_only}
    return frozenset(keys | {ROOT})


def is_global(permission: str) -> bool:
    return permission == ROOT or permission.endswith(GLOBAL_SUFFIX)


def describe(permission: str) -> PermissionSpec | None:
    return _BY_KEY.get(permission.removesuffix(GLOBAL_SUFFIX))


def _local(*groups: str, exclude: tuple[str, ...] = ()) -> frozenset[str]:
    return frozenset(
        s.key for s in CATALOGUE if s.group in groups and not s.global_only and s.key not in exclude
    )


def _global(*groups: str) -> frozenset[str]:
    return frozenset(s.key + GLOBAL_SUFFIX for s in CATALOGUE if s.group in groups)


@dataclass(frozen=True)
class SystemRole:
    key: str
    name: str
    level: int
    permissions: frozenset[str]
    platform_only: bool
    description: str


_EVERY_LOCAL = frozenset(s.key for s in CATALOGUE if not s.global_only)

SYSTEM_ROLES: tuple[SystemRole, ...] = (
    SystemRole("platform_root", "Platform root", 100, frozenset({ROOT}), True,
               "The operator's superuser: every permission everywhere."),
    SystemRole("platform_admin", "Platform administrator", 90,
               _global("users", "admins", "roles", "skills", "companies", "catalogue", "tickets") | _EVERY_LOCAL, True,
               "Operator staff who run tenants: companies, licences, users and roles everywhere."),
    SystemRole("platform_agent", "Platform agent", 50,
               frozenset({"users.read.global", "companies.read.global", "catalogue.read.global",
                          "tickets.read.global", "tickets.update.global", "tickets.internal_notes.global",
                          "tickets.work", "tickets.read", "tickets.create", "users.read", "catalogue.read"}), True,
               "Operator support staff who work tickets of any company."),
    SystemRole("company_admin", "Company administrator", 80, _EVERY_LOCAL, False,
               "Runs one company: its users, roles, catalogue and tickets."),
    SystemRole("agent", "Agent", 40,
               frozenset({"users.read", "catalogue.read", "tickets.create", "tickets.read", "tickets.update",
                          "tickets.work", "tickets.assign", "tickets.delegate", "tickets.internal_notes",
                          "tickets.merge", "roles.read"}), False,
               "Support agent: works and routes the company's tickets."),
    SystemRole("intern", "Intern", 30,
               frozenset({"users.read", "catalogue.read", "tickets.create", "tickets.work", "tickets.internal_notes"}),
               False, "Works tickets delegated by an agent, who stays on as tutor."),
    SystemRole("customer", "Customer", 10, frozenset({"catalogue.read", "tickets.create"}), False,
               "Opens tickets and follows their own."),
)

SYSTEM_ROLE_BY_KEY = {role.key: role for role in SYSTEM_ROLES}


def system_role_id(key: str) -> str:
    """System roles have stable ids so every service and every installation agree on them."""
    return f"role_{key}"
