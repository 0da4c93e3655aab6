"""Companies: creation with a first admin, uniqueness, access codes, licences, suspension, deletion."""

from __future__ import annotations

import re
from datetime import datetime

from tests.harness import Client, RunningService
from tests.subgraphs.users.conftest import (
    CREATE_COMPANY,
    LOGIN,
    PASSWORD,
    Factory,
    Person,
    Tenant,
    last_event,
    sign_in,
    unique,
)

COMPANY = """query($id: ID!) { company(id: $id) {
  id name taxId email phone status isPlatform accessCode suspendedReason
  contacts { name email phone title } licence { plan startsAt endsAt active daysLeft }
} }"""


def company_input(**overrides: object) -> dict:
    slug = unique("co")
    return {"name": f"Company {slug}", "taxId": f"TAX-{slug}".upper(), "email": f"it@{slug}.test", "plan": "MONTHLY",
            "admin": {"email": f"boss@{slug}.test", "firstName": "Bo", "lastName": "Ss", "password": PASSWORD},
            **overrides}


async def test_create_company_with_its_first_admin(users_service: RunningService, root: Person) -> None:
    payload = company_input(plan="QUARTERLY", phone="+34 600 123 456",
                            contacts=[{"name": "Carla Contact", "email": "Carla@Contact.test", "title": "CFO"}])
    created = (await root.client(CREATE_COMPANY, {"input": payload})).ok()["createCompany"]
    company = (await root.client(COMPANY, {"id": created["company"]["id"]})).ok()["company"]
    assert re.fullmatch(r"[A-Za-z0-9]{8}", company["accessCode"])
    assert any(c.isupper() for c in company["accessCode"]) and any(c.isdigit() for c in company["accessCode"])
    assert company["phone"] == "+34600123456"
    assert company["contacts"] == [{"name": "Carla Contact", "email": "carla@contact.test", "phone": None,
                                    "title": "CFO"}]
    licence = company["licence"]
    start, end = datetime.fromisoformat(licence["startsAt"]), datetime.fromisoformat(licence["endsAt"])
    assert licence["plan"] == "QUARTERLY" and licence["active"]
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == 3
    admin = await sign_in(root.client, email=payload["admin"]["email"], password=PASSWORD,
                          access_code=company["accessCode"])
    me = (await admin.client("{ me { role { key } company { id } } }")).ok()["me"]
    assert me == {"role": {"key": "company_admin"}, "company": {"id": company["id"]}}
    event = await last_event(users_service, "company.created", companyId=company["id"])
    assert event["actorId"] == root.id


async def test_tax_id_and_email_are_unique(root: Person) -> None:
    first = company_input()
    (await root.client(CREATE_COMPANY, {"input": first})).ok()
    same_tax = company_input(taxId=first["taxId"].lower())
    result = await root.client(CREATE_COMPANY, {"input": same_tax})
    assert result.codes == ["CONFLICT"] and result.errors[0]["extensions"]["field"] == "taxId"
    same_email = company_input(email=first["email"].upper())
    result = await root.client(CREATE_COMPANY, {"input": same_email})
    assert result.codes == ["CONFLICT"] and result.errors[0]["extensions"]["field"] == "email"
    # Nothing half-written: the refused company's admin does not exist either.
    listing = await root.client("query($s: String) { companies(filter: {search: $s}) { totalCount } }",
                                {"s": same_email["name"]})
    assert listing.ok()["companies"]["totalCount"] == 0


async def test_bad_company_input_is_refused_with_the_field(root: Person) -> None:
    for field, value in [("taxId", "x"), ("email", "not-an-email"), ("phone", "call me"), ("name", "")]:
        result = await root.client(CREATE_COMPANY, {"input": company_input(**{field: value})})
        assert result.codes == ["BAD_USER_INPUT"], field
        assert result.errors[0]["extensions"]["field"] == field
    weak_admin = company_input()
    weak_admin["admin"]["password"] = "password"
    assert (await root.client(CREATE_COMPANY, {"input": weak_admin})).codes == ["BAD_USER_INPUT"]


async def test_regenerated_access_code_replaces_the_old_one(users_service: RunningService, anonymous: Client,
                                                            tenant: Tenant) -> None:
    regenerate = "mutation($id: ID!) { regenerateAccessCode(companyId: $id) { accessCode } }"
    new_code = (await tenant.admin.client(regenerate, {"id": tenant.id})).ok()["regenerateAccessCode"]["accessCode"]
    assert new_code != tenant.access_code
    old = await Client(anonymous.http, anonymous.url)(
        LOGIN, {"code": tenant.access_code, "email": tenant.admin.email, "password": PASSWORD})
    assert old.codes == ["UNAUTHENTICATED"]
    await sign_in(anonymous, email=tenant.admin.email, password=PASSWORD, access_code=new_code)
    event = await last_event(users_service, "company.access_code_changed", companyId=tenant.id)
    assert new_code not in str(event)  # a security notice, not the secret


async def test_access_code_is_hidden_from_those_who_do_not_manage_it(factory: Factory, tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    seen = (await agent.client("{ myCompany { name accessCode } }")).ok()["myCompany"]
    assert seen == {"name": tenant.name, "accessCode": None}


async def test_licence_renewal_extends_from_the_current_end(root: Person, tenant: Tenant) -> None:
    before = (await root.client(COMPANY, {"id": tenant.id})).ok()["company"]["licence"]
    renew = "mutation($id: ID!) { renewLicence(companyId: $id, plan: MONTHLY) { licence { plan startsAt endsAt } } }"
    after = (await root.client(renew, {"id": tenant.id})).ok()["renewLicence"]["licence"]
    assert after["startsAt"] == before["endsAt"] and after["plan"] == "MONTHLY"
    assert (await tenant.admin.client(renew, {"id": tenant.id})).codes == ["FORBIDDEN"]


async def test_update_company_details_and_contacts(tenant: Tenant, root: Person) -> None:
    update = """mutation($id: ID!, $input: UpdateCompanyInput!) { updateCompany(id: $id, input: $input) {
      name address contacts { name email } } }"""
    changes = {"name": "Renamed Ltd", "address": "1 Main  St", "contacts": [{"name": "Dan", "email": "dan@x.test"}]}
    updated = (await tenant.admin.client(update, {"id": tenant.id, "input": changes})).ok()["updateCompany"]
    assert updated == {"name": "Renamed Ltd", "address": "1 Main St",
                       "contacts": [{"name": "Dan", "email": "dan@x.test"}]}
    own_tax = await tenant.admin.client(update, {"id": tenant.id, "input": {"taxId": "NEW-TAX-1"}})
    assert own_tax.codes == ["FORBIDDEN"]  # only the platform changes a tax id
    assert (await root.client(update, {"id": tenant.id, "input": {"taxId": unique("NEWTAX")}})).ok()


async def test_suspend_and_reactivate(users_service: RunningService, root: Person, factory: Factory) -> None:
    victim = await factory.tenant()
    suspend = (
        "mutation($id: ID!, $r: String!) { suspendCompany(companyId: $id, reason: $r) { status suspendedReason } }"
    )
    assert (await root.client(suspend, {"id": victim.id, "r": ""})).codes == ["BAD_USER_INPUT"]  # reason required
    done = (await root.client(suspend, {"id": victim.id, "r": "unpaid invoices"})).ok()["suspendCompany"]
    assert done == {"status": "SUSPENDED", "suspendedReason": "unpaid invoices"}
    assert (await victim.admin.client("{ me { id } }")).codes == ["UNAUTHENTICATED"]
    event = await last_event(users_service, "company.suspended", companyId=victim.id)
    assert event["data"]["reason"] == "unpaid invoices"


async def test_soft_delete_and_the_protected_platform(root: Person, factory: Factory, anonymous: Client) -> None:
    victim = await factory.tenant()
    delete = "mutation($id: ID!) { deleteCompany(companyId: $id) }"
    assert (await root.client(delete, {"id": victim.id})).ok()["deleteCompany"] is True
    assert (await root.client(COMPANY, {"id": victim.id})).ok()["company"] is None
    relogin = await Client(anonymous.http, anonymous.url)(
        LOGIN, {"code": victim.access_code, "email": victim.admin.email, "password": PASSWORD})
    assert relogin.codes == ["UNAUTHENTICATED"]
    platform = (await root.client("{ myCompany { id } }")).ok()["myCompany"]["id"]
    assert (await root.client(delete, {"id": platform})).codes == ["FORBIDDEN"]
    suspend = "mutation($id: ID!) { suspendCompany(companyId: $id, reason: \"x\") { status } }"
    assert (await root.client(suspend, {"id": platform})).codes == ["FORBIDDEN"]
    # A deleted company's tax id can be registered again.
    again = company_input()
    (await root.client(CREATE_COMPANY, {"input": again})).ok()
    assert (await root.client(delete, {"id": (await _id_by_name(root, again["name"]))})).ok()
    (await root.client(CREATE_COMPANY, {"input": {**company_input(), "taxId": again["taxId"]}})).ok()


async def _id_by_name(root: Person, name: str) -> str:
    found = await root.client("query($s: String) { companies(filter: {search: $s}) { edges { node { id } } } }",
                              {"s": name})
    return found.ok()["companies"]["edges"][0]["node"]["id"]


async def test_platform_lists_companies_with_cursor_pagination(root: Person, factory: Factory) -> None:
    for _ in range(3):
        await factory.tenant()
    page = """query($after: String) { companies(first: 2, after: $after) {
      totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    first = (await root.client(page, {})).ok()["companies"]
    second = (await root.client(page, {"after": first["pageInfo"]["endCursor"]})).ok()["companies"]
    assert first["pageInfo"]["hasNextPage"] and first["totalCount"] >= 4
    ids = [e["node"]["id"] for e in first["edges"] + second["edges"]]
    assert len(ids) == len(set(ids)) == 4
    bad = await root.client(page, {"after": "bm90LWEtY3Vyc29y"})
    assert bad.codes == ["BAD_USER_INPUT"]
