"""Users-subgraph fixtures: a running service, the platform root, and factories for tenants and people."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from subgraphs.kernel import clock
from subgraphs.users.service import DEFINITION
from tests.harness import Client, RunningService, start_service

ROOT_EMAIL = "root@aurontek.test"
ROOT_PASSWORD = "Platform-Passw0rd-2026"
PASSWORD = "Corr3ct-Horse-Battery"
# Cheap argon2 parameters keep the suite fast; production defaults are tested in test_passwords.
FAST_HASH = {"password_hash_memory_kib": 1024, "password_hash_time_cost": 1}

_serial = itertools.count(1)

LOGIN = """
mutation Login($code: String, $email: String!, $password: String!) {
  login(input: {accessCode: $code, email: $email, password: $password}) {
    accessToken refreshToken user { id email }
  }
}"""

CREATE_COMPANY = """
mutation Create($input: CreateCompanyInput!) {
  createCompany(input: $input) { company { id name accessCode } admin { id email } }
}"""

CREATE_USER = """
mutation CreateUser($input: CreateUserInput!) {
  createUser(input: $input) { id email role { id key level } }
}"""


def unique(prefix: str) -> str:
    return f"{prefix}{next(_serial):05d}"


@dataclass
class Person:
    id: str
    email: str
    password: str
    access_code: str | None
    client: Client
    refresh_token: str


@dataclass
class Tenant:
    id: str
    name: str
    access_code: str
    admin: Person


async def sign_in(client: Client, *, email: str, password: str, access_code: str | None) -> Person:
    """Sign in from a machine of the person's own (a new source address)."""
    device = Client(client.http, client.url)
    result = await device(LOGIN, {"code": access_code, "email": email, "password": password})
    login = result.ok()["login"]
    return Person(login["user"]["id"], email, password, access_code, device.as_(login["accessToken"]),
                  login["refreshToken"])


@pytest.fixture(scope="session")
async def users_service(mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[RunningService]:
    service = await start_service(DEFINITION, mongo_url=mongo_url, http=http, admin_email=ROOT_EMAIL,
                                  admin_password=ROOT_PASSWORD, **FAST_HASH)
    yield service
    await service.stop()


@pytest.fixture(scope="session")
async def anonymous(users_service: RunningService) -> Client:
    return users_service.client


@pytest.fixture(scope="session")
async def root(users_service: RunningService) -> Person:
    return await sign_in(users_service.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)


class Factory:
    """Creates tenants and people through the public API, as an operator would."""

    def __init__(self, root: Person) -> None:
        self.root = root

    async def tenant(self, **overrides: Any) -> Tenant:
        name = unique("Company ")
        slug = name.replace(" ", "").lower()
        admin_email = f"admin@{slug}.test"
        payload = {
            "name": name, "taxId": unique("TAX-"), "email": f"it@{slug}.test", "plan": "YEARLY",
            "admin": {"email": admin_email, "firstName": "Ada", "lastName": "Admin", "password": PASSWORD},
            **overrides,
        }
        created = (await self.root.client(CREATE_COMPANY, {"input": payload})).ok()["createCompany"]
        company = created["company"]
        admin = await sign_in(self.root.client, email=admin_email, password=PASSWORD,
                              access_code=company["accessCode"])
        return Tenant(company["id"], company["name"], company["accessCode"], admin)

    async def person(self, tenant: Tenant, role: str = "customer", **fields: Any) -> Person:
        email = fields.pop("email", None) or f"{unique(role)}@{tenant.name.replace(' ', '').lower()}.test"
        roles = (await tenant.admin.client("{ roles { id key } }")).ok()["roles"]
        role_id = next(r["id"] for r in roles if r["key"] == role)
        payload = {"email": email, "firstName": role.title(), "lastName": unique("N"), "roleId": role_id,
                   "password": PASSWORD, **fields}
        (await tenant.admin.client(CREATE_USER, {"input": payload})).ok()
        return await sign_in(tenant.admin.client, email=email, password=PASSWORD, access_code=tenant.access_code)


@pytest.fixture(scope="session")
async def factory(root: Person) -> Factory:
    return Factory(root)


@pytest.fixture
async def tenant(factory: Factory) -> Tenant:
    return await factory.tenant()


@pytest.fixture
def travel() -> Iterator[Callable[[timedelta], None]]:
    """Move the services' clock forward (they run in this process); put it back afterwards."""
    try:
        yield clock.advance
    finally:
        clock.reset()


async def last_event(service: RunningService, type: str, **data: Any) -> dict[str, Any]:
    """The newest event of `type` whose data matches, read from the service's outbox (the "mail")."""
    query = {"event.type": type, **{f"event.data.{k}": v for k, v in data.items()}}
    rows = await service.runtime.db["outbox"].find(query).sort("createdAt", -1).to_list(1)
    assert rows, f"no {type} event with {data}"
    return rows[0]["event"]
