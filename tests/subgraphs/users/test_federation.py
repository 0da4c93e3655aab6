"""The users subgraph as a Federation v2 subgraph: its SDL and entity resolution by reference."""

from __future__ import annotations

from graphql import parse

from tests.subgraphs.users.conftest import Factory, Person, Tenant

ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  __typename
  ... on User { id name email company { id } role { key } }
  ... on Company { id name }
  ... on Role { id name level }
} }"""


async def test_sdl_declares_the_entities(tenant: Tenant) -> None:
    sdl = (await tenant.admin.client("{ _service { sdl } }")).ok()["_service"]["sdl"]
    assert 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.11"' in sdl or \
        '@link(url: "https://specs.apollo.dev/federation/v2.11"' in sdl
    for entity in ("User", "Company", "Role"):
        assert f'type {entity} @key(fields: "id")' in sdl
    document = parse(sdl)
    assert any(getattr(d, "name", None) and d.name.value == "PageInfo" for d in document.definitions)


async def test_entities_resolve_in_one_batch_in_order(factory: Factory, tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    customer = await factory.person(tenant, "customer")
    role_id = (await tenant.admin.client("{ me { role { id } } }")).ok()["me"]["role"]["id"]
    reps = [
        {"__typename": "User", "id": customer.id},
        {"__typename": "Company", "id": tenant.id},
        {"__typename": "User", "id": agent.id},
        {"__typename": "Role", "id": role_id},
        {"__typename": "User", "id": "000000000000000000000000"},
    ]
    entities = (await customer.client(ENTITIES, {"r": reps})).ok()["_entities"]
    assert [e and e["__typename"] for e in entities] == ["User", "Company", "User", "Role", None]
    assert entities[0]["id"] == customer.id and entities[2]["role"]["key"] == "agent"
    assert entities[2]["company"]["id"] == tenant.id


async def test_entities_of_another_company_resolve_to_null(factory: Factory, tenant: Tenant, root: Person) -> None:
    other = await factory.tenant()
    reps = [{"__typename": "User", "id": other.admin.id}, {"__typename": "Company", "id": other.id}]
    assert (await tenant.admin.client(ENTITIES, {"r": reps})).ok()["_entities"] == [None, None]
    # Platform staff may look across companies.
    seen = (await root.client(ENTITIES, {"r": reps})).ok()["_entities"]
    assert [e["id"] for e in seen] == [other.admin.id, other.id]


async def test_entities_need_a_signed_in_caller(anonymous, tenant: Tenant) -> None:  # type: ignore[no-untyped-def]
    result = await anonymous(ENTITIES, {"r": [{"__typename": "Company", "id": tenant.id}]})
    assert result.codes == ["UNAUTHENTICATED"]

