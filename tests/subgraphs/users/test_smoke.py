"""The users subgraph answers as a federation subgraph and signs people in."""

from tests.subgraphs.users.conftest import Factory, Tenant


async def test_company_admin_signs_in_and_sees_their_company(factory: Factory, tenant: Tenant) -> None:
    me = (await tenant.admin.client("{ me { email company { id name } role { key } } }")).ok()["me"]
    assert me["company"]["id"] == tenant.id
    assert me["role"]["key"] == "company_admin"


async def test_agent_factory(factory: Factory, tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    me = (await agent.client("{ me { role { key } effectivePermissions } }")).ok()["me"]
    assert me["role"]["key"] == "agent"
    assert "tickets.work" in me["effectivePermissions"]
