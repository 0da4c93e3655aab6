"""Bulk import of users from CSV: valid rows land, invalid rows come back with their reasons."""

from __future__ import annotations

from tests.harness import RunningService
from tests.subgraphs.users.conftest import Factory, Tenant, last_event

IMPORT = """mutation($csv: String!, $c: ID) { importUsers(csv: $csv, companyId: $c) {
  createdCount created { email role { key } skills } errors { row email reasons } } }"""


async def test_import_reports_bad_rows_and_creates_the_rest(users_service: RunningService, tenant: Tenant) -> None:
    existing = tenant.admin.email
    csv = "\n".join([
        "email,firstName,lastName,role,skills,language",
        "ana@import.test,Ana,Uno,agent,Printers;VPN,en",
        "not-an-email,Bad,Row,,,",
        "ben@import.test,,NoFirst,,,",
        "ANA@import.test,Ana,Again,,,",  # repeats line 2
        f"{existing},Already,There,,,",
        "cid@import.test,Cid,Tres,no-such-role,,",
        "dee@import.test,Dee,Cuatro,customer,,fr",
        "",
        "eve@import.test,Eve,Cinco,Customer,,es",
    ])
    report = (await tenant.admin.client(IMPORT, {"csv": csv})).ok()["importUsers"]
    assert report["createdCount"] == 2
    assert {u["email"] for u in report["created"]} == {"ana@import.test", "eve@import.test"}
    assert next(u for u in report["created"] if u["email"] == "ana@import.test")["role"]["key"] == "agent"
    rows = {e["row"]: e for e in report["errors"]}
    assert sorted(rows) == [3, 4, 5, 6, 7, 8]
    assert "not a valid e-mail" in rows[3]["reasons"][0]
    assert "firstName" in rows[4]["reasons"][0]
    assert "repeats line 2" in rows[5]["reasons"][0]
    assert "already exists" in rows[6]["reasons"][0]
    assert "no-such-role" in rows[7]["reasons"][0]
    assert "language" in rows[8]["reasons"][0]
    created = await last_event(users_service, "user.created", email="eve@import.test")
    assert created["data"]["setPasswordUrl"]  # imported people choose their own password


async def test_import_refuses_a_bad_header_and_writes_nothing(tenant: Tenant) -> None:
    before = (await tenant.admin.client("{ users { totalCount } }")).ok()["users"]["totalCount"]
    for csv in ["mail,name\nx@y.test,X", "email,firstName,lastName,password\nx@y.test,X,Y,secret"]:
        result = await tenant.admin.client(IMPORT, {"csv": csv})
        assert result.codes == ["BAD_USER_INPUT"] and result.errors[0]["extensions"]["field"] == "csv"
    after = (await tenant.admin.client("{ users { totalCount } }")).ok()["users"]["totalCount"]
    assert after == before


async def test_import_needs_the_permission_and_stays_in_the_company(factory: Factory, tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    csv = "email,firstName,lastName\nz@import.test,Z,Z"
    assert (await agent.client(IMPORT, {"csv": csv})).codes == ["FORBIDDEN"]
    other = await factory.tenant()
    assert (await other.admin.client(IMPORT, {"csv": csv, "c": tenant.id})).codes == ["FORBIDDEN"]
    # A role named in the file may not outrank the importer's right to give it.
    manager_role = (await tenant.admin.client(
        'mutation { createRole(input: {name: "Importer", level: 50, permissions: ["users.create", "users.import", '
        '"users.read", "roles.read"]}) { id } }')).ok()["createRole"]["id"]
    (await tenant.admin.client("mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { id } }",
                               {"u": agent.id, "r": manager_role})).ok()
    report = (await agent.client(IMPORT, {"csv": "email,firstName,lastName,role\nboss@import.test,B,S,company_admin"})
              ).ok()["importUsers"]
    assert report["createdCount"] == 0 and report["errors"][0]["row"] == 2
