"""Roles and permissions: catalogue, system roles, custom roles, levels, and changes that apply at once."""

from __future__ import annotations

from tests.subgraphs.users.conftest import Factory, Person, Tenant

CREATE = """mutation($i: CreateRoleInput!) { createRole(input: $i) { id name level permissions isSystem scope } }"""
UPDATE = """mutation($id: ID!, $i: UpdateRoleInput!) { updateRole(id: $id, input: $i) { id permissions level } }"""
ASSIGN = "mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { role { key name } } }"
GRANT = (
    "mutation($u: ID!, $g: [String!], $r: [String!]) {"
    " setUserPermissions(userId: $u, grant: $g, revoke: $r) { permissions effectivePermissions } }"
)


async def _role_id(client_owner: Person, key: str) -> str:
    roles = (await client_owner.client("{ roles { id key } }")).ok()["roles"]
    return next(r["id"] for r in roles if r["key"] == key)


async def test_permission_catalogue_has_local_global_and_root(tenant: Tenant) -> None:
    permissions = (await tenant.admin.client("{ permissions { key scope group } }")).ok()["permissions"]
    keys = {p["key"]: p for p in permissions}
    assert keys["users.read"]["scope"] == "LOCAL" and keys["users.read.global"]["scope"] == "GLOBAL"
    assert keys["*"]["scope"] == "GLOBAL"
    assert "companies.create" not in keys and "companies.create.global" in keys  # global-only
    groups = {p["group"] for p in permissions}
    assert {"users", "tickets", "companies", "roles", "catalogue", "skills", "admins"} <= groups


async def test_system_roles_are_listed_and_immutable(tenant: Tenant, root: Person) -> None:
    roles = (await tenant.admin.client("{ roles { id key isSystem level scope } }")).ok()["roles"]
    keys = {r["key"] for r in roles if r["isSystem"]}
    assert {"company_admin", "agent", "intern", "customer", "platform_root"} <= keys
    admin_role = next(r for r in roles if r["key"] == "company_admin")
    for who in (tenant.admin, root):
        result = await who.client(UPDATE, {"id": admin_role["id"], "i": {"level": 10}})
        assert result.codes == ["FORBIDDEN"]
        assert (await who.client("mutation($id: ID!) { deleteRole(id: $id) }", {"id": admin_role["id"]})).codes == [
            "FORBIDDEN"]


async def test_company_role_lifecycle_and_changes_apply_at_once(factory: Factory, tenant: Tenant) -> None:
    created = (await tenant.admin.client(CREATE, {"i": {"name": "Dispatcher", "level": 45,
                                                        "permissions": ["tickets.read", "tickets.assign"]}})).ok()
    role = created["createRole"]
    assert role["scope"] == "COMPANY" and not role["isSystem"]
    person = await factory.person(tenant, "customer")
    assert (await tenant.admin.client(ASSIGN, {"u": person.id, "r": role["id"]})).ok()["assignRole"]["role"][
        "name"] == "Dispatcher"
    perms = (await person.client("{ me { effectivePermissions } }")).ok()["me"]["effectivePermissions"]
    assert perms == ["tickets.assign", "tickets.read"]
    # The holder's very next request (same access token) sees the role's new permissions.
    (await tenant.admin.client(UPDATE, {"id": role["id"], "i": {"permissions": ["tickets.read", "users.read"]}})).ok()
    assert (await person.client("{ users { totalCount } }")).ok()["users"]["totalCount"] >= 2
    perms = (await person.client("{ me { effectivePermissions } }")).ok()["me"]["effectivePermissions"]
    assert perms == ["tickets.read", "users.read"]
    in_use = await tenant.admin.client("mutation($id: ID!) { deleteRole(id: $id) }", {"id": role["id"]})
    assert in_use.codes == ["CONFLICT"]
    (await tenant.admin.client(ASSIGN, {"u": person.id, "r": await _role_id(tenant.admin, "customer")})).ok()
    assert (await tenant.admin.client("mutation($id: ID!) { deleteRole(id: $id) }", {"id": role["id"]})).ok()
    duplicate = {"name": "Twin", "level": 20, "permissions": []}
    (await tenant.admin.client(CREATE, {"i": duplicate})).ok()
    assert (await tenant.admin.client(CREATE, {"i": duplicate})).codes == ["CONFLICT"]


async def test_nobody_grants_what_they_do_not_hold(factory: Factory, tenant: Tenant) -> None:
    # A delegated role manager with limited powers.
    manager_role = (await tenant.admin.client(CREATE, {"i": {"name": "Role manager", "level": 60, "permissions": [
        "roles.read", "roles.manage", "roles.assign", "permissions.grant", "users.read", "tickets.read"]}})).ok()
    manager = await factory.person(tenant, "customer")
    (await tenant.admin.client(ASSIGN, {"u": manager.id, "r": manager_role["createRole"]["id"]})).ok()
    target = await factory.person(tenant, "customer")
    refused = await manager.client(CREATE, {"i": {"name": "Too much", "level": 10, "permissions": ["users.delete"]}})
    assert refused.codes == ["FORBIDDEN"]
    assert (await manager.client(CREATE, {"i": {"name": "Too high", "level": 60, "permissions": []}})).codes == [
        "FORBIDDEN"]
    assert (await manager.client(GRANT, {"u": target.id, "g": ["users.delete"]})).codes == ["FORBIDDEN"]
    assert (await manager.client(GRANT, {"u": target.id, "g": ["tickets.read"]})).ok()["setUserPermissions"][
        "permissions"] == ["tickets.read"]
    admin_role = await _role_id(tenant.admin, "company_admin")
    assert (await manager.client(ASSIGN, {"u": target.id, "r": admin_role})).codes == ["FORBIDDEN"]
    # Company roles cannot carry platform-wide powers, even for the company admin.
    for perms in (["users.read.global"], ["*"]):
        assert (await tenant.admin.client(CREATE, {"i": {"name": "Sneaky", "level": 5, "permissions": perms}})
                ).codes == ["BAD_USER_INPUT"]
    assert (await tenant.admin.client(GRANT, {"u": target.id, "g": ["companies.create.global"]})).codes == [
        "BAD_USER_INPUT"]
    assert (await tenant.admin.client(GRANT, {"u": target.id, "g": ["no.such.permission"]})).codes == [
        "BAD_USER_INPUT"]
    platform_agent = await _role_id(tenant.admin, "platform_agent")
    assert (await tenant.admin.client(ASSIGN, {"u": target.id, "r": platform_agent})).codes in (
        ["BAD_USER_INPUT"], ["FORBIDDEN"])


async def test_own_permissions_add_to_the_role_and_can_be_revoked(factory: Factory, tenant: Tenant) -> None:
    person = await factory.person(tenant, "customer")
    granted = (await tenant.admin.client(GRANT, {"u": person.id, "g": ["users.read"]})).ok()["setUserPermissions"]
    assert "users.read" in granted["effectivePermissions"] and "tickets.create" in granted["effectivePermissions"]
    assert (await person.client("{ users { totalCount } }")).ok()
    (await tenant.admin.client(GRANT, {"u": person.id, "r": ["users.read"]})).ok()
    assert (await person.client("{ users { totalCount } }")).codes == ["FORBIDDEN"]


async def test_platform_staff_create_global_roles(root: Person, tenant: Tenant) -> None:
    created = await root.client(CREATE, {"i": {"isGlobal": True, "name": "Auditor", "level": 20,
                                               "permissions": ["tickets.read", "tickets.stats"]}})
    role = created.ok()["createRole"]
    assert role["scope"] == "GLOBAL"
    visible = (await tenant.admin.client("{ roles { id } }")).ok()["roles"]
    assert role["id"] in {r["id"] for r in visible}  # every company can use it
    assert (await tenant.admin.client(CREATE, {"i": {"isGlobal": True, "name": "Mine", "level": 5,
                                                     "permissions": []}})).codes == ["FORBIDDEN"]


async def test_a_colleagues_powers_are_not_everyones_business(factory: Factory, tenant: Tenant) -> None:
    customer = await factory.person(tenant, "customer")
    query = """query($r: [_Any!]!) { _entities(representations: $r) { ... on User { name effectivePermissions } } }"""
    seen = (await customer.client(query, {"r": [{"__typename": "User", "id": tenant.admin.id}]})).ok()["_entities"]
    assert seen[0]["name"] and seen[0]["effectivePermissions"] == []
    own = (await customer.client("{ me { effectivePermissions } }")).ok()["me"]["effectivePermissions"]
    assert "tickets.create" in own
    by_admin = (await tenant.admin.client(query, {"r": [{"__typename": "User", "id": customer.id}]})).ok()
    assert by_admin["_entities"][0]["effectivePermissions"] == own
