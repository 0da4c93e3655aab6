"""The users subgraph served through the gateway: one endpoint, the same rules and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.harness import Client, RunningService
from tests.integration.conftest import gateway
from tests.subgraphs.users.conftest import LOGIN, PASSWORD, ROOT_EMAIL, ROOT_PASSWORD, Factory, Tenant, last_event


@pytest.fixture(scope="module")
async def gateway_url(users_service: RunningService) -> AsyncIterator[str]:
    async with gateway({"users": users_service.url}) as url:
        yield url


def through(http: httpx.AsyncClient, gateway_url: str, token: str | None = None) -> Client:
    return Client(http, gateway_url, token)


async def test_sign_in_and_query_through_the_gateway(http: httpx.AsyncClient, gateway_url: str, factory: Factory,
                                                     tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    login = await through(http, gateway_url)(LOGIN, {"code": tenant.access_code, "email": agent.email,
                                                     "password": PASSWORD})
    token = login.ok()["login"]["accessToken"]
    me = (await through(http, gateway_url, token)("{ me { name company { name } role { key } } }")).ok()["me"]
    assert me["company"]["name"] == tenant.name and me["role"]["key"] == "agent"


async def test_errors_keep_their_codes(http: httpx.AsyncClient, gateway_url: str, tenant: Tenant) -> None:
    client = through(http, gateway_url, tenant.admin.client.token)
    result = await client("mutation { createUser(input: {email: \"bad\", firstName: \"A\", lastName: \"B\"}) { id } }")
    assert result.codes == ["BAD_USER_INPUT"]
    assert (await through(http, gateway_url)("{ me { id } }")).codes == ["UNAUTHENTICATED"]


async def test_a_refusal_of_several_fields_keeps_each_reason_with_its_field(
        http: httpx.AsyncClient, gateway_url: str, users_service: RunningService, tenant: Tenant) -> None:
    bad = "mutation { createUser(input: {email: \"bad\", firstName: \" \", lastName: \"B\", phone: \"x\"}) { id } }"
    direct = await Client(http, users_service.url, tenant.admin.client.token)(bad)
    result = await through(http, gateway_url, tenant.admin.client.token)(bad)
    assert result.codes == ["BAD_USER_INPUT"]
    extensions = result.errors[0]["extensions"]
    assert [p["field"] for p in extensions["problems"]] == ["email", "firstName", "phone"]
    assert [p["message"] for p in extensions["problems"]] == extensions["reasons"]
    # the gateway passes the subgraph's extensions on as they are (adding only which service answered)
    assert {k: v for k, v in extensions.items() if k != "service"} == direct.errors[0]["extensions"]


async def test_lockout_counts_clients_not_the_gateway(http: httpx.AsyncClient, gateway_url: str, factory: Factory,
                                                      tenant: Tenant) -> None:
    person = await factory.person(tenant, "customer")
    attacker = through(http, gateway_url).as_(None, **{"x-forwarded-for": "198.51.100.66"})
    for n in range(5):
        result = await attacker(LOGIN, {"code": tenant.access_code, "email": f"x{n}@nowhere.test", "password": "no"})
        assert result.codes == ["UNAUTHENTICATED"]
    blocked = await attacker(LOGIN, {"code": tenant.access_code, "email": person.email, "password": PASSWORD})
    assert blocked.codes == ["RATE_LIMITED"]
    honest = through(http, gateway_url).as_(None, **{"x-forwarded-for": "198.51.100.67"})
    assert (await honest(LOGIN, {"code": tenant.access_code, "email": person.email, "password": PASSWORD})).ok()


async def test_federation_machinery_is_not_exposed(http: httpx.AsyncClient, gateway_url: str) -> None:
    root = (await through(http, gateway_url)(LOGIN, {"email": ROOT_EMAIL, "password": ROOT_PASSWORD})).ok()
    client = through(http, gateway_url, root["login"]["accessToken"])
    assert (await client("{ _service { sdl } }")).codes == ["GRAPHQL_VALIDATION_FAILED"]
    types = (await client("{ __schema { types { name } } }")).ok()["__schema"]["types"]
    assert {"User", "Company", "Role"} <= {t["name"] for t in types}
    assert not [t["name"] for t in types if t["name"].startswith(("join__", "link__", "_"))
                and not t["name"].startswith("__")]


SIGN_IN = """mutation($code: String, $email: String!, $password: String!) {
  login(input: {accessCode: $code, email: $email, password: $password}) { accessToken user { activityStatus } } }"""
STATUS = "query($id: ID!) { user(id: $id) { activityStatus } }"


async def test_signing_in_and_out_sets_the_agents_activity(http: httpx.AsyncClient, gateway_url: str,
                                                           users_service: RunningService, factory: Factory,
                                                           tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    admin = through(http, gateway_url, tenant.admin.client.token)

    async def status() -> str:
        return str((await admin(STATUS, {"id": agent.id})).ok()["user"]["activityStatus"])

    async def sign_in() -> tuple[Client, str]:
        login = (await through(http, gateway_url)(SIGN_IN, {"code": tenant.access_code, "email": agent.email,
                                                             "password": PASSWORD})).ok()["login"]
        return through(http, gateway_url, login["accessToken"]), login["user"]["activityStatus"]

    created = await last_event(users_service, "user.created", userId=agent.id)
    assert created["data"]["activityStatus"] == "offline"  # a new account is routed nothing...
    assert await status() == "AVAILABLE"  # ...until it signs in (the factory signed it in once)
    assert (await through(http, gateway_url, agent.client.token)("mutation { logout(everywhere: true) }")).ok()
    assert await status() == "OFFLINE"
    laptop, seen = await sign_in()
    assert seen == "AVAILABLE" and await status() == "AVAILABLE"
    event = await last_event(users_service, "user.updated", userId=agent.id)
    assert event["data"]["changed"] == ["activityStatus"] and event["data"]["activityStatus"] == "available"
    busy = "mutation { setMyActivityStatus(status: BUSY) { activityStatus } }"
    assert (await laptop(busy)).ok()["setMyActivityStatus"]["activityStatus"] == "BUSY"
    phone, seen = await sign_in()
    assert seen == "BUSY"  # a choice the agent made is theirs
    assert (await laptop("mutation { logout }")).ok()["logout"] is True
    assert await status() == "BUSY"  # still signed in on the phone
    assert (await phone("mutation { logout }")).ok()["logout"] is True
    assert await status() == "OFFLINE"
    _, seen = await sign_in()
    assert seen == "AVAILABLE"


async def test_deactivation_voids_the_persons_welcome_and_reset_links(http: httpx.AsyncClient, gateway_url: str,
                                                                      users_service: RunningService,
                                                                      tenant: Tenant) -> None:
    """Through the gateway: an admin invites someone, then deactivates them before they used the welcome link; the
    link no longer sets a password, not even after the account is reactivated (a new link is asked for then)."""
    admin = through(http, gateway_url, tenant.admin.client.token)
    anonymous = through(http, gateway_url)
    created = await admin("mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
                          {"i": {"email": "leaver@welcome.test", "firstName": "Soon", "lastName": "Gone"}})
    user_id = created.ok()["createUser"]["id"]
    event = await last_event(users_service, "user.created", userId=user_id)
    welcome = event["data"]["setPasswordUrl"].split("token=")[1]
    (await admin("mutation($id: ID!) { deactivateUser(id: $id) { status } }", {"id": user_id})).ok()
    reset = "mutation($t: String!, $p: String!) { resetPassword(input: {token: $t, newPassword: $p}) }"
    refused = await anonymous(reset, {"t": welcome, "p": "Welcome-Passw0rd-1"})
    assert refused.codes == ["BAD_USER_INPUT"]
    (await admin("mutation($id: ID!) { reactivateUser(id: $id) { status } }", {"id": user_id})).ok()
    assert (await anonymous(reset, {"t": welcome, "p": "Welcome-Passw0rd-1"})).codes == ["BAD_USER_INPUT"]
    login = await anonymous(LOGIN, {"code": tenant.access_code, "email": "leaver@welcome.test",
                                    "password": "Welcome-Passw0rd-1"})
    assert login.codes == ["UNAUTHENTICATED"]
