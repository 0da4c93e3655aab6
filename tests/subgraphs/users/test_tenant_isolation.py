"""Every users-subgraph operation, probed from another company, from lower roles and anonymously.

Each probe must be refused with the right code (or, for a cross-tenant read, answer null exactly as
for an id that does not exist) and must leave every company it could reach exactly as it was.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import ObjectTypeDefinitionNode, parse

from subgraphs.kernel.ids import new_id
from subgraphs.users.graphql.schema import build_schema
from tests.harness import Client, Result
from tests.subgraphs.users.conftest import CREATE_USER, PASSWORD, Factory, Person, Tenant

# Callers. OUTSIDER is the administrator of another company; STRANGER is a fresh user of yet another
# company, for operations that only ever act on the caller (they may sign the caller out); STAFF is
# platform support staff (platform_agent), who may read every company but change none.
ANONYMOUS, OUTSIDER, STRANGER, STAFF = "anonymous", "outsider", "stranger", "staff"
CUSTOMER, INTERN, AGENT, ADMIN, LEAD = "customer", "intern", "agent", "admin", "lead"

# Outcomes other than an error code.
NULL = "null"  # no error, and the field answers null (a cross-tenant read: as if nothing were there)
OK = "ok"  # allowed, because it only touches the caller; the victim must not show up in the answer

F, NF, UA, BAD = "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED", "BAD_USER_INPUT"
LOWER = {CUSTOMER: F, INTERN: F, AGENT: F}
COMPANY_ADMIN_ONLY = {ANONYMOUS: UA, OUTSIDER: F, STAFF: F, **LOWER}  # by company id
MANAGER_ONLY = {ANONYMOUS: UA, OUTSIDER: NF, STAFF: NF, **LOWER}  # by user or role id: others' are not found
PLATFORM_ONLY = {**COMPANY_ADMIN_ONLY, ADMIN: F}

# A 1x1 PNG: a real image, so a leaking upload would succeed and show.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

_serial = itertools.count(1)


def marker() -> str:
    return f"probe{next(_serial):04d}"


@dataclass(frozen=True)
class World:
    """The victim company and everyone who tries to reach into it."""

    company_id: str
    access_code: str
    admin_email: str
    deputy_id: str  # a second company administrator: a target whose loss the company survives
    member_id: str  # a customer
    inactive_id: str  # a deactivated customer
    role_id: str  # a custom role nobody holds
    lead_role_id: str  # a custom role at level 60, held by `lead`
    outsider_company_id: str
    outsider_code: str
    outsider_role_id: str
    outsider_member_id: str
    dormant_company_id: str  # a third company, suspended
    people: dict[str, Person]
    strangers: Tenant  # a fourth company, home of the strangers
    seen: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)  # the last snapshot taken

    async def unchanged(self, root: Person) -> None:
        """The three companies look as they did at the last check (a leak fails once, not in every later test)."""
        before = self.seen.copy()
        self.seen.clear()
        self.seen.update(await snapshot(root, self))
        assert self.seen == before

    def ids(self) -> list[str]:
        return [self.company_id, self.deputy_id, self.member_id, self.inactive_id, self.role_id, self.admin_email,
                self.people[ADMIN].id, self.access_code]

    def ghost(self) -> World:
        """The same world with every victim id replaced by one that does not exist."""
        fake = {f.name: new_id() for f in dataclasses.fields(self) if f.name.endswith("_id")}
        return dataclasses.replace(self, **{k: v for k, v in fake.items() if not k.startswith(("outsider", "lead"))})


async def create(admin: Client, document: str, variables: dict[str, Any], field: str) -> dict[str, Any]:
    return (await admin(document, variables)).ok()[field]


# A team lead may create customers and manage people and roles below level 60, and nothing else.
LEAD_PERMISSIONS = ["catalogue.read", "permissions.grant", "roles.assign", "roles.manage", "roles.read",
                    "tickets.create", "tickets.work", "users.create", "users.deactivate", "users.read", "users.update"]
CREATE_ROLE = "mutation($i: CreateRoleInput!) { createRole(input: $i) { id } }"
DEACTIVATE = "mutation($id: ID!) { deactivateUser(id: $id) { id } }"
SUSPEND = "mutation($c: ID!) { suspendCompany(companyId: $c, reason: \"unpaid\") { id } }"
SET_PERMISSIONS = "mutation($u: ID!, $g: [String!], $r: [String!]) {" \
                  " setUserPermissions(userId: $u, grant: $g, revoke: $r) { id } }"
ASSIGN = "mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { id } }"
UPDATE_ROLE = "mutation($id: ID!, $i: UpdateRoleInput!) { updateRole(id: $id, input: $i) { id } }"
DELETE_ROLE = "mutation($id: ID!) { deleteRole(id: $id) }"


def new_user(**fields: Any) -> dict[str, Any]:
    return {"input": {"email": f"{marker()}@probe.test", "firstName": "Mal", "lastName": "Lory", "password": PASSWORD,
                      **fields}}


def new_role(**fields: Any) -> Callable[[World], dict[str, Any]]:
    return lambda _: {"i": {"name": marker(), "level": 10, "permissions": ["tickets.create"], **fields}}


@pytest.fixture(scope="module")
async def world(factory: Factory, root: Person) -> World:
    victim, outsider, dormant, strangers = [await factory.tenant() for _ in range(4)]
    admin = victim.admin.client
    role_id = (await create(admin, CREATE_ROLE, {"i": {"name": "Night shift", "level": 20,
                                                       "permissions": ["tickets.work"]}}, "createRole"))["id"]
    lead_role_id = (await create(admin, CREATE_ROLE, {"i": {"name": "Team lead", "level": 60,
                                                            "permissions": LEAD_PERMISSIONS}}, "createRole"))["id"]
    outsider_role_id = (await create(outsider.admin.client, CREATE_ROLE, {"i": {
        "name": "Night shift", "level": 20, "permissions": ["tickets.work"]}}, "createRole"))["id"]
    people = {role: await factory.person(victim, role) for role in (CUSTOMER, INTERN, AGENT)}
    people[LEAD] = await factory.person(victim, "customer", roleId=lead_role_id)  # roleId overrides the key
    people[ADMIN], people[OUTSIDER] = victim.admin, outsider.admin
    platform = Tenant("company_hq", "Platform HQ", "", root)  # staff sign in without a code
    people[STAFF] = await factory.person(platform, "platform_agent")
    deputy = await factory.person(victim, "company_admin")
    member = await factory.person(victim, "customer")
    outsider_member = await factory.person(outsider, "customer")
    inactive = await factory.person(victim, "customer")
    (await admin(DEACTIVATE, {"id": inactive.id})).ok()
    (await root.client(SUSPEND, {"c": dormant.id})).ok()
    created = World(victim.id, victim.access_code, victim.admin.email, deputy.id, member.id, inactive.id, role_id,
                    lead_role_id, outsider.id, outsider.access_code, outsider_role_id,
                    outsider_member.id, dormant.id, people, strangers)
    created.seen.update(await snapshot(root, created))
    return created


SNAPSHOT_COMPANY = """
  %(v)sCompany: company(id: $%(v)s) { id name taxId email phone address status suspendedReason accessCode
    contacts { name email phone title } licence { plan startsAt endsAt } }
  %(v)sUsers: users(companyId: $%(v)s, first: 100) { totalCount edges { node {
    id email firstName lastName phone jobTitle language status activityStatus skills careGroups photoUrl
    updatedAt permissions role { id } } } }
  %(v)sRoles: roles(companyId: $%(v)s) { id name level permissions description }
"""


async def snapshot(root: Person, world: World) -> dict[str, Any]:
    """Everything the platform root sees of the three companies, and whether the victim's admin is still in."""
    companies = {"a": world.company_id, "b": world.outsider_company_id, "c": world.dormant_company_id}
    query = ("query(" + ", ".join(f"${v}: ID!" for v in companies) + ") {"
             + "".join(SNAPSHOT_COMPANY % {"v": v} for v in companies) + " companies { totalCount } }")
    seen = (await root.client(query, companies)).ok()
    seen["victimAdminSignedIn"] = (await world.people[ADMIN].client("{ me { id } }")).codes
    return seen


@dataclass(frozen=True)
class Probe:
    field: str  # the root field under test
    document: str
    variables: Callable[[World], dict[str, Any]]
    expect: dict[str, str]  # caller -> error code, NULL or OK
    name: str = ""

    @property
    def id(self) -> str:
        return self.name or self.field


def no_vars(_: World) -> dict[str, Any]:
    return {}


def company_input(w: World) -> dict[str, Any]:
    m = marker()
    return {"i": {"name": m, "taxId": m.upper(), "email": f"{m}@probe.test",
                  "admin": {"email": f"boss@{m}.test", "firstName": "Mal", "lastName": "Lory", "password": PASSWORD}}}


PROBES: tuple[Probe, ...] = (
    # --- queries -------------------------------------------------------------------------------------------------
    Probe("_entities", """query($r: [_Any!]!) { _entities(representations: $r) {
            ... on User { id email } ... on Company { id name } ... on Role { id name } } }""",
          lambda w: {"r": [{"__typename": "User", "id": w.deputy_id}, {"__typename": "Company", "id": w.company_id},
                           {"__typename": "Role", "id": w.role_id}]},
          {ANONYMOUS: UA, OUTSIDER: NULL}),
    Probe("_service", "{ _service { sdl } }", no_vars, {ANONYMOUS: OK}),
    Probe("me", "{ me { id email company { id } role { id } } }", no_vars, {ANONYMOUS: UA, STRANGER: OK}),
    Probe("user", "query($id: ID!) { user(id: $id) { id email } }", lambda w: {"id": w.deputy_id},
          {ANONYMOUS: UA, OUTSIDER: NULL, CUSTOMER: F}),
    Probe("users", "query($c: ID) { users(companyId: $c) { totalCount edges { node { id email } } } }",
          lambda w: {"c": w.company_id}, {ANONYMOUS: UA, OUTSIDER: F, CUSTOMER: F}),
    Probe("myCompany", "{ myCompany { id name accessCode } }", no_vars, {ANONYMOUS: UA, STRANGER: OK}),
    # every member reads their own company (as `myCompany`); the access code stays with those who manage it
    Probe("company", "query($id: ID!) { company(id: $id) { id name accessCode } }", lambda w: {"id": w.company_id},
          {ANONYMOUS: UA, OUTSIDER: F}),
    Probe("companies", "{ companies { totalCount edges { node { id } } } }", no_vars,
          {ANONYMOUS: UA, OUTSIDER: F, ADMIN: F, **LOWER}),
    Probe("role", "query($id: ID!) { role(id: $id) { id name permissions } }", lambda w: {"id": w.role_id},
          {ANONYMOUS: UA, OUTSIDER: NULL, CUSTOMER: F, INTERN: F, STAFF: F}),
    Probe("roles", "query($c: ID) { roles(companyId: $c) { id } }", lambda w: {"c": w.company_id},
          {ANONYMOUS: UA, OUTSIDER: F, CUSTOMER: F, INTERN: F, STAFF: F}),
    Probe("permissions", "{ permissions { key } }", no_vars, {ANONYMOUS: UA, STRANGER: OK}),
    # --- signing in and out --------------------------------------------------------------------------------------
    Probe("login", "mutation($c: String, $e: String!, $p: String!) {"
                   " login(input: {accessCode: $c, email: $e, password: $p}) { accessToken } }",
          lambda w: {"c": w.outsider_code, "e": w.admin_email, "p": PASSWORD}, {ANONYMOUS: UA},
          name="login-with-another-companys-code"),
    Probe("refreshToken", "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
          lambda w: {"t": f"rt.{new_id()}.forged"}, {ANONYMOUS: UA, STRANGER: UA}),
    Probe("logout", "mutation { logout(everywhere: true) }", no_vars, {ANONYMOUS: UA, STRANGER: OK}),
    Probe("requestPasswordReset", "mutation($c: String, $e: String!) {"
                                  " requestPasswordReset(input: {accessCode: $c, email: $e}) }",
          lambda w: {"c": w.outsider_code, "e": w.admin_email}, {ANONYMOUS: OK}),
    Probe("resetPassword", "mutation($t: String!) {"
                           " resetPassword(input: {token: $t, newPassword: \"N3w-Passw0rd-Long\"}) }",
          lambda w: {"t": "forged-reset-token"}, {ANONYMOUS: BAD}),
    Probe("changePassword", "mutation($p: String!) {"
                            " changePassword(input: {currentPassword: $p, newPassword: \"N3w-Passw0rd-Long\"}) }",
          lambda w: {"p": PASSWORD}, {ANONYMOUS: UA, STRANGER: OK}),
    # --- companies -----------------------------------------------------------------------------------------------
    Probe("createCompany", "mutation($i: CreateCompanyInput!) { createCompany(input: $i) { company { id } } }",
          company_input, PLATFORM_ONLY),
    Probe("updateCompany", "mutation($id: ID!) { updateCompany(id: $id, input: {name: \"Hijacked\","
                           " contacts: [{name: \"Mallory\", email: \"m@evil.test\"}]}) { id } }",
          lambda w: {"id": w.company_id}, COMPANY_ADMIN_ONLY),
    Probe("regenerateAccessCode", "mutation($c: ID!) { regenerateAccessCode(companyId: $c) { accessCode } }",
          lambda w: {"c": w.company_id}, COMPANY_ADMIN_ONLY),
    Probe("renewLicence", "mutation($c: ID!) { renewLicence(companyId: $c, plan: YEARLY) { id } }",
          lambda w: {"c": w.company_id}, PLATFORM_ONLY),
    Probe("suspendCompany", "mutation($c: ID!) { suspendCompany(companyId: $c, reason: \"rivals\") { id } }",
          lambda w: {"c": w.company_id}, PLATFORM_ONLY),
    Probe("reactivateCompany", "mutation($c: ID!) { reactivateCompany(companyId: $c) { id } }",
          lambda w: {"c": w.dormant_company_id}, PLATFORM_ONLY),
    Probe("deleteCompany", "mutation($c: ID!) { deleteCompany(companyId: $c) }",
          lambda w: {"c": w.company_id}, PLATFORM_ONLY),
    # --- users ---------------------------------------------------------------------------------------------------
    Probe("createUser", CREATE_USER,
          lambda w: {"input": {"companyId": w.company_id, "email": f"{marker()}@probe.test", "firstName": "Mal",
                               "lastName": "Lory", "password": PASSWORD}},
          COMPANY_ADMIN_ONLY),
    Probe("updateUser", "mutation($id: ID!) { updateUser(id: $id, input: {firstName: \"Hijacked\","
                        " email: \"hijacked@evil.test\"}) { id } }",
          lambda w: {"id": w.deputy_id}, MANAGER_ONLY),
    Probe("updateMyProfile", "mutation { updateMyProfile(input: {jobTitle: \"Prober\"}) { id company { id } } }",
          no_vars, {ANONYMOUS: UA, STRANGER: OK}),
    Probe("setMyActivityStatus", "mutation { setMyActivityStatus(status: BUSY) { id } }", no_vars,
          {ANONYMOUS: UA, STRANGER: OK}),
    Probe("assignRole", "mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { id } }",
          lambda w: {"u": w.member_id, "r": "role_company_admin"}, MANAGER_ONLY),
    Probe("setUserPermissions", "mutation($u: ID!) { setUserPermissions(userId: $u, grant: [\"users.delete\"],"
                                " revoke: [\"tickets.create\"]) { id } }",
          lambda w: {"u": w.member_id}, MANAGER_ONLY),
    Probe("deactivateUser", DEACTIVATE, lambda w: {"id": w.deputy_id}, MANAGER_ONLY),
    Probe("reactivateUser", "mutation($id: ID!) { reactivateUser(id: $id) { id } }", lambda w: {"id": w.inactive_id},
          MANAGER_ONLY),
    Probe("deleteUser", "mutation($id: ID!) { deleteUser(id: $id) }", lambda w: {"id": w.deputy_id},
          MANAGER_ONLY),
    Probe("uploadUserPhoto", "mutation($u: ID!, $p: String!) { uploadUserPhoto(userId: $u, contentBase64: $p) { id } }",
          lambda w: {"u": w.deputy_id, "p": PNG}, MANAGER_ONLY),
    Probe("importUsers", "mutation($c: ID, $csv: String!) { importUsers(csv: $csv, companyId: $c) { createdCount } }",
          lambda w: {"c": w.company_id, "csv": f"email,firstName,lastName\n{marker()}@probe.test,Mal,Lory\n"},
          COMPANY_ADMIN_ONLY),
    # --- roles ---------------------------------------------------------------------------------------------------
    Probe("createRole", CREATE_ROLE,
          lambda w: {"i": {**new_role()(w)["i"], "companyId": w.company_id}},
          COMPANY_ADMIN_ONLY),
    Probe("updateRole", "mutation($id: ID!) { updateRole(id: $id, input: {name: \"Hijacked\", level: 5,"
                        " permissions: [\"tickets.create\"]}) { id } }",
          lambda w: {"id": w.role_id}, MANAGER_ONLY),
    Probe("deleteRole", "mutation($id: ID!) { deleteRole(id: $id) }", lambda w: {"id": w.role_id},
          MANAGER_ONLY),
)

CASES = [pytest.param(probe, caller, id=f"{probe.id}-{caller}") for probe in PROBES for caller in probe.expect]


def root_fields() -> set[str]:
    """Every query and mutation the subgraph publishes, read from its SDL."""
    document = parse(build_schema().as_str())
    return {field.name.value for node in document.definitions
            if isinstance(node, ObjectTypeDefinitionNode) and node.name.value in ("Query", "Mutation")
            for field in node.fields or ()}


def test_every_operation_of_the_schema_has_a_probe() -> None:
    """A new query or mutation fails here until someone says who must be refused it."""
    assert {p.field for p in PROBES} == root_fields()
    for probe in PROBES:
        assert ANONYMOUS in probe.expect, f"{probe.id}: say what an anonymous caller gets"


async def client_of(caller: str, world: World, factory: Factory, anonymous: Client) -> Client:
    if caller == ANONYMOUS:
        # From an address of its own, so failed sign-ins here lock out nobody else.
        return anonymous.as_(None, **{"x-forwarded-for": "198.51.100.23"})
    if caller == STRANGER:
        return (await factory.person(world.strangers, "customer")).client
    return world.people[caller].client


def answer(result: Result, field: str) -> Any:
    return (result.data or {}).get(field)


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(item is None for item in value))


@pytest.mark.parametrize(("probe", "caller"), CASES)
async def test_probe_cannot_reach_the_victim(probe: Probe, caller: str, world: World, root: Person,
                                                    factory: Factory, anonymous: Client) -> None:
    client = await client_of(caller, world, factory, anonymous)
    result = await client(probe.document, probe.variables(world))
    expected = probe.expect[caller]
    if expected in (NULL, OK):
        assert not result.errors, result.errors
    else:
        assert result.errors and set(result.codes) == {expected}, result.errors
    if expected != OK:
        assert is_empty(answer(result, probe.field)), result.data
    else:
        shown = json.dumps(result.data)
        assert not [i for i in world.ids() if i in shown], f"{probe.id} shows the victim: {shown}"
    await world.unchanged(root)
    if caller == OUTSIDER:
        # The answer about the victim's ids is the answer about ids that do not exist: no existence oracle.
        ghost = await client(probe.document, probe.variables(world.ghost()))
        assert (ghost.codes, is_empty(answer(ghost, probe.field))) == (result.codes, True)


@dataclass(frozen=True)
class Attempt:
    """Someone inside a company reaching for more than they hold."""

    name: str
    actor: str
    document: str
    variables: Callable[[World], dict[str, Any]]
    code: str


ATTEMPTS: tuple[Attempt, ...] = (
    # Granting permissions one does not hold, or that no company may hold.
    Attempt("agent-grants-themself", AGENT, SET_PERMISSIONS,
            lambda w: {"u": w.people[AGENT].id, "g": ["users.delete"]}, F),
    Attempt("lead-grants-what-they-lack", LEAD, SET_PERMISSIONS, lambda w: {"u": w.member_id, "g": ["users.delete"]},
            F),
    Attempt("lead-grants-themself-what-they-lack", LEAD, SET_PERMISSIONS,
            lambda w: {"u": w.people[LEAD].id, "g": ["companies.update"]}, F),
    Attempt("lead-revokes-from-a-superior", LEAD, SET_PERMISSIONS, lambda w: {"u": w.deputy_id, "r": ["users.read"]},
            F),
    Attempt("admin-grants-a-global-permission", ADMIN, SET_PERMISSIONS,
            lambda w: {"u": w.member_id, "g": ["users.read.global"]}, BAD),
    Attempt("admin-grants-root", ADMIN, SET_PERMISSIONS, lambda w: {"u": w.member_id, "g": ["*"]}, BAD),
    Attempt("admin-grants-a-platform-only-permission", ADMIN, SET_PERMISSIONS,
            lambda w: {"u": w.member_id, "g": ["companies.create"]}, BAD),
    Attempt("admin-creates-a-user-with-a-global-permission", ADMIN, CREATE_USER,
            lambda w: new_user(permissions=["companies.read.global"]), BAD),
    Attempt("lead-creates-a-user-with-what-they-lack", LEAD, CREATE_USER,
            lambda w: new_user(permissions=["users.delete"]), F),
    # Handing out ranks above one's own.
    Attempt("lead-assigns-a-role-above-them", LEAD, ASSIGN, lambda w: {"u": w.member_id, "r": "role_company_admin"}, F),
    Attempt("lead-assigns-their-own-rank", LEAD, ASSIGN, lambda w: {"u": w.member_id, "r": w.lead_role_id}, F),
    Attempt("lead-creates-an-admin", LEAD, CREATE_USER, lambda w: new_user(roleId="role_company_admin"), F),
    Attempt("lead-creates-an-admin-with-extra-permissions", LEAD, CREATE_USER,
            lambda w: new_user(roleId="role_company_admin", permissions=["users.delete"]), F),
    Attempt("lead-demotes-an-admin", LEAD, ASSIGN, lambda w: {"u": w.deputy_id, "r": "role_customer"}, F),
    Attempt("lead-deactivates-an-admin", LEAD, DEACTIVATE, lambda w: {"id": w.deputy_id}, F),
    Attempt("agent-deactivates-an-admin", AGENT, DEACTIVATE, lambda w: {"id": w.deputy_id}, F),
    Attempt("lead-edits-an-admin", LEAD, "mutation($id: ID!) { updateUser(id: $id, input: {email: \"x@evil.test\"})"
                                         " { id } }", lambda w: {"id": w.deputy_id}, F),
    # Platform roles stay with platform staff.
    *(Attempt(f"admin-assigns-{key}", ADMIN, ASSIGN, lambda w, key=key: {"u": w.member_id, "r": f"role_{key}"}, BAD)
      for key in ("platform_root", "platform_admin", "platform_agent")),
    Attempt("admin-creates-a-platform-root", ADMIN, CREATE_USER, lambda w: new_user(roleId="role_platform_root"),
            BAD),
    # Changing one's own role.
    Attempt("admin-changes-own-role", ADMIN, ASSIGN, lambda w: {"u": w.people[ADMIN].id, "r": "role_customer"}, BAD),
    Attempt("lead-changes-own-role", LEAD, ASSIGN, lambda w: {"u": w.people[LEAD].id, "r": "role_agent"}, BAD),
    Attempt("agent-makes-themself-admin", AGENT, ASSIGN,
            lambda w: {"u": w.people[AGENT].id, "r": "role_company_admin"}, F),
    # Roles: no global reach, no rank above one's own, system roles untouchable.
    Attempt("admin-creates-a-role-with-a-global-permission", ADMIN, CREATE_ROLE,
            new_role(permissions=["users.read.global"]), BAD),
    Attempt("admin-creates-a-root-role", ADMIN, CREATE_ROLE, new_role(permissions=["*"]), BAD),
    Attempt("admin-creates-a-global-role", ADMIN, CREATE_ROLE, new_role(isGlobal=True), F),
    Attempt("admin-creates-a-role-above-them", ADMIN, CREATE_ROLE, new_role(level=90), F),
    Attempt("outsider-creates-a-role-in-the-victim", OUTSIDER, CREATE_ROLE,
            lambda w: {"i": {**new_role()(w)["i"], "companyId": w.company_id}}, F),
    Attempt("lead-creates-a-role-at-their-rank", LEAD, CREATE_ROLE, new_role(level=60), F),
    Attempt("lead-creates-a-role-with-what-they-lack", LEAD, CREATE_ROLE, new_role(permissions=["users.delete"]), F),
    Attempt("lead-raises-their-own-role", LEAD, UPDATE_ROLE, lambda w: {"id": w.lead_role_id, "i": {"level": 61}}, F),
    Attempt("lead-widens-their-own-role", LEAD, UPDATE_ROLE,
            lambda w: {"id": w.lead_role_id, "i": {"permissions": [*LEAD_PERMISSIONS, "users.delete"]}}, F),
    Attempt("lead-raises-a-lower-role-above-them", LEAD, UPDATE_ROLE, lambda w: {"id": w.role_id, "i": {"level": 70}},
            F),
    Attempt("lead-widens-a-lower-role", LEAD, UPDATE_ROLE,
            lambda w: {"id": w.role_id, "i": {"permissions": ["tickets.work", "users.delete"]}}, F),
    Attempt("admin-edits-a-system-role", ADMIN, UPDATE_ROLE,
            lambda w: {"id": "role_agent", "i": {"permissions": ["users.read"]}}, F),
    Attempt("admin-widens-their-own-system-role", ADMIN, UPDATE_ROLE,
            lambda w: {"id": "role_company_admin", "i": {"permissions": ["*"]}}, F),
    Attempt("admin-deletes-a-system-role", ADMIN, DELETE_ROLE, lambda w: {"id": "role_customer"}, F),
    Attempt("admin-edits-another-companys-role", ADMIN, UPDATE_ROLE,
            lambda w: {"id": w.outsider_role_id, "i": {"name": "Hijacked"}}, NF),
    # Another company's ids in inputs.
    Attempt("admin-assigns-another-companys-role", ADMIN, ASSIGN, lambda w: {"u": w.member_id, "r": w.outsider_role_id},
            NF),
    Attempt("outsider-gives-own-user-a-victim-role", OUTSIDER, ASSIGN,
            lambda w: {"u": w.outsider_member_id, "r": w.role_id}, NF),
    Attempt("admin-creates-a-user-with-another-companys-role", ADMIN, CREATE_USER,
            lambda w: new_user(roleId=w.outsider_role_id), BAD),
    Attempt("outsider-creates-a-user-in-the-victim", OUTSIDER, CREATE_USER,
            lambda w: new_user(companyId=w.company_id), F),
    Attempt("outsider-imports-into-the-victim", OUTSIDER,
            "mutation($c: ID, $csv: String!) { importUsers(csv: $csv, companyId: $c) { createdCount } }",
            lambda w: {"c": w.company_id, "csv": f"email,firstName,lastName\n{marker()}@probe.test,Mal,Lory\n"}, F),
    Attempt("outsider-lists-victim-users", OUTSIDER, "query($c: ID) { users(companyId: $c) { totalCount } }",
            lambda w: {"c": w.company_id}, F),
    Attempt("outsider-lists-victim-roles", OUTSIDER, "query($c: ID) { roles(companyId: $c) { id } }",
            lambda w: {"c": w.company_id}, F),
    # Company settings reserved to the platform.
    Attempt("admin-changes-the-tax-id", ADMIN,
            "mutation($id: ID!) { updateCompany(id: $id, input: {taxId: \"TAX-99999\"}) { id } }",
            lambda w: {"id": w.company_id}, F),
    Attempt("admin-renews-own-licence", ADMIN, "mutation($c: ID!) { renewLicence(companyId: $c, plan: YEARLY) { id } }",
            lambda w: {"c": w.company_id}, F),
    Attempt("admin-reactivates-a-suspended-company", ADMIN,
            "mutation($c: ID!) { reactivateCompany(companyId: $c) { id } }", lambda w: {"c": w.dormant_company_id}, F),
)


@pytest.mark.parametrize("attempt", [pytest.param(a, id=a.name) for a in ATTEMPTS])
async def test_escalation_is_refused_and_changes_nothing(attempt: Attempt, world: World, root: Person) -> None:
    result = await world.people[attempt.actor].client(attempt.document, attempt.variables(world))
    assert result.codes == [attempt.code], result.errors or result.data
    await world.unchanged(root)


async def test_outsider_sees_only_their_own_company_through_filters_and_nesting(world: World) -> None:
    outsider = world.people[OUTSIDER].client
    victim_admin = world.admin_email
    found = (await outsider("""query($s: String, $r: ID) {
        bySearch: users(filter: {search: $s}) { totalCount edges { node { id } } }
        byRole: users(filter: {roleId: $r}) { totalCount }
        agents: role(id: "role_agent") { holderCount }
        myCompany { id users(first: 100) { edges { node { company { id } } } } }
    }""", {"s": victim_admin, "r": world.role_id})).ok()
    assert found["bySearch"] == {"totalCount": 0, "edges": []}
    assert found["byRole"] == {"totalCount": 0}
    assert found["agents"] == {"holderCount": 0}  # the victim's agent is not counted
    assert found["myCompany"]["id"] == world.outsider_company_id
    assert {e["node"]["company"]["id"] for e in found["myCompany"]["users"]["edges"]} == {world.outsider_company_id}


async def test_lower_roles_see_neither_the_access_code_nor_role_holders(world: World) -> None:
    for caller in (CUSTOMER, INTERN, AGENT):
        client = world.people[caller].client
        company = (await client("{ myCompany { id accessCode } }")).ok()["myCompany"]
        assert company == {"id": world.company_id, "accessCode": None}
        if caller == CUSTOMER:
            assert (await client("{ me { role { holderCount } } }")).code() == F
    # Platform support staff read every company, but not the code its people sign in with.
    seen = (await world.people[STAFF].client("query($id: ID!) { company(id: $id) { id accessCode } }",
                                             {"id": world.company_id})).ok()["company"]
    assert seen == {"id": world.company_id, "accessCode": None}


async def test_import_cannot_hand_out_platform_or_foreign_roles(world: World, root: Person) -> None:
    rows = [(key, f"{marker()}@probe.test") for key in ("platform_root", "platform_admin", "Platform agent",
                                                         "role_platform_root", world.outsider_role_id)]
    csv = "email,firstName,lastName,role\n" + "".join(f"{email},Mal,Lory,{role}\n" for role, email in rows)
    report = (await world.people[ADMIN].client(
        "mutation($csv: String!) { importUsers(csv: $csv) { createdCount errors { row email } } }", {"csv": csv}
    )).ok()["importUsers"]
    assert report["createdCount"] == 0
    assert [e["email"] for e in report["errors"]] == [email for _, email in rows]
    await world.unchanged(root)


async def test_a_company_admin_cannot_reach_the_platform_company(world: World, root: Person) -> None:
    admin = world.people[ADMIN].client
    hq = "company_hq"
    result = await admin("""query($r: [_Any!]!) { _entities(representations: $r) { ... on Company { id } } }""",
                         {"r": [{"__typename": "Company", "id": hq}, {"__typename": "User", "id": root.id}]})
    assert result.ok()["_entities"] == [None, None]
    for document in ("query($c: ID!) { users(companyId: $c) { totalCount } }",
                     "query($c: ID!) { company(id: $c) { id } }",
                     "mutation($c: ID!) { deleteCompany(companyId: $c) }"):
        assert (await admin(document, {"c": hq})).code() == F
    for document in ("mutation($c: ID!) { deactivateUser(id: $c) { id } }",
                     "mutation($c: ID!) { assignRole(userId: $c, roleId: \"role_customer\") { id } }"):
        assert (await admin(document, {"c": root.id})).code() == NF
    assert (await root.client("{ me { status role { key } } }")).ok()["me"] == {
        "status": "ACTIVE", "role": {"key": "platform_root"}}


async def test_a_global_role_cannot_carry_global_permissions_into_a_company(root: Person, factory: Factory) -> None:
    """Platform staff widening a global role must not hand its holders in customer companies another company."""
    home, other = await factory.tenant(), await factory.tenant()
    holder = await factory.person(home, "customer")
    role = (await root.client(CREATE_ROLE.replace("{ id }", "{ id platformOnly }"), {"i": {
        "isGlobal": True, "name": marker(), "level": 15, "permissions": ["tickets.create"]}})).ok()["createRole"]
    assert role["platformOnly"] is False
    try:
        (await root.client(ASSIGN, {"u": holder.id, "r": role["id"]})).ok()
        widened = await root.client(UPDATE_ROLE, {"id": role["id"], "i": {
            "permissions": ["tickets.create", "users.read.global"]}})
        assert widened.code() == "CONFLICT"
        seen = (await holder.client("{ me { effectivePermissions role { platformOnly } } }")).ok()["me"]
        assert seen == {"effectivePermissions": ["tickets.create"], "role": {"platformOnly": False}}
        reach = await holder.client("query($c: ID) { users(companyId: $c) { totalCount } }", {"c": other.id})
        assert reach.code() == F
        # Once nobody outside the platform holds it, it may widen, and then stays with platform staff.
        (await root.client(ASSIGN, {"u": holder.id, "r": "role_customer"})).ok()
        (await root.client(UPDATE_ROLE, {"id": role["id"], "i": {
            "permissions": ["tickets.create", "users.read.global"]}})).ok()
        assert (await root.client(ASSIGN, {"u": holder.id, "r": role["id"]})).code() == BAD
    finally:
        await root.client(ASSIGN, {"u": holder.id, "r": "role_customer"})
        (await root.client(DELETE_ROLE, {"id": role["id"]})).ok()
